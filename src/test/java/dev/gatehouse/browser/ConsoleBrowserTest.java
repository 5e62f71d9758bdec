package dev.gatehouse.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An admin in real Chromium: signs in to the console, adds a person, creates a group, puts the
 * person in it, creates an API token and uses it, and signs out. Screenshots of every page land in
 * {@code target/screenshots/console-*.png}.
 */
class ConsoleBrowserTest {

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
    void anAdminManagesPeopleGroupsAndTokensInTheConsole() {
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(server.url() + "/admin");
            assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/signin\\?fromURI=%2Fadmin$"));
            Chromium.screenshot(page, "console-01-sign-in");

            page.getByLabel("Username").fill(TestServer.ADMIN);
            page.getByLabel("Password").fill(TestServer.ADMIN_PASSWORD);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            assertThat(page).hasURL(server.url() + "/admin");
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Dashboard"))).isVisible();
            Chromium.screenshot(page, "console-02-dashboard");

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("People").setExact(true)).click();
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Add person")).click();
            page.getByLabel("First name").fill("Ada");
            page.getByLabel("Last name").fill("Lovelace");
            page.getByLabel("Username").fill("not-an-email");
            page.getByLabel("Primary e-mail").fill("ada@example.com");
            page.getByLabel("Password").fill("Analytical-Engine-1843");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("login");
            assertThat(page.getByLabel("First name")).hasValue("Ada");
            Chromium.screenshot(page, "console-03-add-person-error");
            page.getByLabel("Username").fill("ada@example.com");
            page.getByLabel("Password").fill("Analytical-Engine-1843");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Person added");
            assertThat(page.locator("h1")).containsText("Ada Lovelace");
            Chromium.screenshot(page, "console-04-person");

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Groups").setExact(true)).click();
            page.getByLabel("Name").fill("Engineers");
            page.getByLabel("Description").fill("People who build things");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add group")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Group created");
            page.getByLabel("Username of the person to add").fill("ada@example.com");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add member")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Member added");
            assertThat(page.locator("table.list")).containsText("ada@example.com");
            Chromium.screenshot(page, "console-05-group");

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Tokens").setExact(true)).click();
            page.getByLabel("Token name").fill("browser test");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create token")).click();
            String token = page.getByLabel("Token value").inputValue();
            assertThat(token).startsWith("00").hasSize(42);
            Chromium.screenshot(page, "console-06-token");
            Http.Response ada = server.http().get("/api/v1/users/ada@example.com", Http.ssws(token));
            assertThat(ada.status()).isEqualTo(200);
            Http.Response groups = server.http().get("/api/v1/users/" + ada.json().get("id").asText() + "/groups", Http.ssws(token));
            assertThat(groups.body()).contains("Engineers").contains("Everyone");

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("System Log")).click();
            assertThat(page.locator("table.list")).containsText("group.user_membership.add");
            Chromium.screenshot(page, "console-07-system-log");

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("You have signed out");
            Chromium.screenshot(page, "console-08-signed-out");
            page.navigate(server.url() + "/admin");
            assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/signin.*"));
        }
    }
}
