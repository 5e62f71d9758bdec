package dev.gatehouse.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestMail;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Password recovery in real Chromium (issue #19): "Forgot password?" from the sign-in page gives the neutral answer; a
 * reset link, followed in the browser, sets a new password and ends signed in; the used link then offers to start again.
 * Screenshots: {@code docs/screenshots/forgot-password.png}, {@code docs/screenshots/reset-password.png} (and the
 * others in {@code target/screenshots/recovery-*.png}).
 */
class RecoveryBrowserTest {

    static TestMail mail;
    static TestServer server;

    @BeforeAll
    static void start() {
        mail = TestMail.start();
        server = TestServer.start(TestDatabase.H2, mail);
    }

    @AfterAll
    static void stop() {
        server.close();
        mail.close();
    }

    @Test
    void forgotPasswordThenAResetLinkEndsSignedIn() throws Exception {
        String login = "alex.rivera@example.com";
        People.create(server.http(), login, "Correct-Horse-Battery-9");
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(server.url() + "/signin");
            page.getByText("Forgot password?").click();
            assertThat(page).hasURL(server.url() + "/signin/forgot-password");
            page.getByLabel("Username").fill(login);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send reset link")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("we sent an email with a link to reset the password");
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("valid for 60 minutes");
            shot(page, "forgot-password");

            // The link from the email the real SMTP server received.
            var email = mail.awaitOne(login);
            assertThat(TestMail.subject(email)).isEqualTo("Account password reset");
            String url = TestMail.firstLink(email);
            page.navigate(url);
            assertThat(page.locator("h1")).containsText("Reset your password");
            assertThat(page.locator("#policy")).containsText("at least 8 characters");
            page.getByLabel("New password", new Page.GetByLabelOptions().setExact(true)).fill("Fresh-Lantern-Quay-71");
            page.getByLabel("Repeat the new password").fill("Fresh-Lantern-Quay-71");
            shot(page, "reset-password");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Reset password")).click();
            page.waitForURL(server.url() + "/");
            assertThat(context.cookies().stream().anyMatch(c -> c.name.equals("sid") || c.name.equals("__Host-sid"))).isTrue();
            Chromium.screenshot(page, "recovery-03-signed-in");

            page.navigate(url);
            assertThat(page.locator("h1")).containsText("This link is no longer valid");
            assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Send a new reset link"))).isVisible();
            Chromium.screenshot(page, "recovery-04-link-used");
        }
    }

    /** Both in target/screenshots and, for the docs, in docs/screenshots. */
    private static void shot(Page page, String name) throws Exception {
        Chromium.screenshot(page, "recovery-" + name);
        Path docs = Path.of("docs", "screenshots");
        Files.createDirectories(docs);
        page.screenshot(new Page.ScreenshotOptions().setPath(docs.resolve(name + ".png")).setFullPage(true));
    }
}
