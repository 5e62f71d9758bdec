package dev.gatehouse.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.gatehouse.browser.BrowserSteps.named;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #14 item 4 in real Chromium: a person is signed in in one browser; an admin, in another, opens the person's page,
 * follows "Clear user sessions", ticks "Also revoke their OAuth tokens" on the confirmation page and confirms; the
 * person's browser is signed out. Screenshots: {@code target/screenshots/clear-sessions-*.png}.
 */
class ClearSessionsBrowserTest {

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anAdminClearsAPersonsSessionsAndTheirBrowserIsSignedOut() {
        String id = People.create(server.http(), "grace@example.com", "Compiler-Pioneer-1952");
        try (BrowserContext person = Chromium.newContext(); BrowserContext admin = Chromium.newContext()) {
            Page theirs = person.newPage();
            theirs.navigate(server.url() + "/signin");
            BrowserSteps.signIn(theirs, "grace@example.com", "Compiler-Pioneer-1952");
            assertThat(theirs.navigate(server.url() + "/api/v1/sessions/me").status()).isEqualTo(200);

            Page page = admin.newPage();
            page.navigate(server.url() + "/admin/people/" + id);
            BrowserSteps.signIn(page, TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
            assertThat(page).hasURL(server.url() + "/admin/people/" + id);
            Chromium.screenshot(page, "clear-sessions-1-person");

            page.getByRole(AriaRole.LINK, named("Clear user sessions")).click();
            assertThat(page.getByRole(AriaRole.HEADING, named("Clear sessions and revoke tokens"))).isVisible();
            page.getByLabel("Also revoke their OAuth tokens", new Page.GetByLabelOptions().setExact(false)).check();
            Chromium.screenshot(page, "clear-sessions-2-confirm");
            page.getByRole(AriaRole.BUTTON, named("Clear sessions")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Sessions cleared and OAuth tokens revoked");
            Chromium.screenshot(page, "clear-sessions-3-done");

            assertThat(theirs.navigate(server.url() + "/api/v1/sessions/me").status()).isEqualTo(404);
            theirs.navigate(server.url() + "/admin");
            assertThat(theirs).hasURL(java.util.regex.Pattern.compile(".*/signin\\?fromURI=.*"));
        }
    }
}
