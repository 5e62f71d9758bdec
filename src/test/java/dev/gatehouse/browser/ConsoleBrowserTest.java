package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.gatehouse.browser.BrowserSteps.named;
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
            page.getByLabel("Set password").check();   // issue #19: the form offers an activation email first
            page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill("Analytical-Engine-1843");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("login");
            assertThat(page.getByLabel("First name")).hasValue("Ada");
            Chromium.screenshot(page, "console-03-add-person-error");
            page.getByLabel("Username").fill("ada@example.com");
            page.getByLabel("Set password").check();   // issue #19: the form offers an activation email first
            page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill("Analytical-Engine-1843");
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

    /**
     * Issue #17: the Access Policies tab of an authorization server: a policy and a rule added through the forms (a refused
     * lifetime shown on the page first), the rule deactivated, the order changed. Screenshots {@code as-policies-*.png}.
     */
    @Test
    void anAdminAddsAnAccessPolicyAndARuleToAnAuthorizationServer() {
        ApiClient api = ApiClient.of(server);
        String as = ApiClient.ok(api.post("/api/v1/authorizationServers",
                "{\"name\":\"Orders API\",\"audiences\":[\"api://orders\"]}")).get("id").asText();
        ApiClient.ok(api.post("/api/v1/authorizationServers/" + as + "/scopes", "{\"name\":\"orders:read\"}"));
        String clientId = dev.gatehouse.support.OAuthFlow.spa(server).clientId();
        try (BrowserContext admin = Chromium.newContext()) {
            Page page = admin.newPage();
            page.navigate(server.url() + "/admin");
            BrowserSteps.signIn(page, TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
            assertThat(page).hasURL(server.url() + "/admin");
            page.navigate(server.url() + "/admin/api/authorization-servers/" + as);
            Chromium.screenshot(page, "as-policies-0-server");
            page.getByRole(AriaRole.LINK, named("Access Policies")).click();
            assertThat(page.locator("p.alert")).containsText("no access policies");
            page.getByLabel("Name").fill("Orders clients");
            page.getByLabel("Description").fill("Every client of the orders API");
            page.getByRole(AriaRole.BUTTON, named("Create policy")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved");
            assertThat(page.locator("section.panel")).containsText("Orders clients");
            assertThat(page.locator("section.panel")).containsText("No rules: this policy is never applied.");

            page.getByRole(AriaRole.LINK, named("Add rule")).click();
            page.getByLabel("Name").fill("Ten minutes");
            page.getByLabel("Refresh token lifetime (minutes, 0 = unlimited)").fill("30");   // shorter than the access token's 60
            page.getByRole(AriaRole.BUTTON, named("Create rule")).click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("Refresh token lifetime must be 0 (unlimited) or at least the access token lifetime");
            assertThat(page.getByLabel("Name")).hasValue("Ten minutes");
            Chromium.screenshot(page, "as-policies-1-rule-refused");
            page.getByLabel("Access token lifetime (minutes)").fill("10");
            page.getByLabel("Refresh token lifetime (minutes, 0 = unlimited)").fill("0");
            page.getByLabel("The following scopes").check();
            page.getByLabel("orders:read").check();
            page.getByRole(AriaRole.BUTTON, named("Create rule")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved");
            assertThat(page.locator("table.list")).containsText("Ten minutes");
            assertThat(page.locator("table.list")).containsText("Access 10 minutes");
            assertThat(page.locator("table.list")).containsText("orders:read");
            Chromium.screenshot(page, "as-policies-2-list");

            // Token Preview: which policy and rule a request would match, and the payloads, without issuing anything.
            page.navigate(server.url() + "/admin/api/authorization-servers/" + as);
            page.getByRole(AriaRole.LINK, named("Token Preview")).click();
            page.getByLabel("App (client)").selectOption(clientId);
            page.getByLabel("User (username)").fill(TestServer.ADMIN);
            page.getByLabel("Scopes").fill("openid email orders:read");
            page.getByRole(AriaRole.BUTTON, named("Preview token")).click();
            assertThat(page.locator("#preview-result")).containsText("Tokens would be issued");
            assertThat(page.locator("#preview-result")).containsText("rule Ten minutes");
            assertThat(page.locator("#preview-access-token")).containsText("\"scp\"");
            assertThat(page.locator("#preview-id-token")).containsText(TestServer.ADMIN);
            Chromium.screenshot(page, "as-token-preview");
            page.navigate(server.url() + "/admin/api/authorization-servers/" + as + "/policies");

            page.getByRole(AriaRole.BUTTON, named("Deactivate")).nth(1).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Deactivated");
            assertThat(page.locator("table.list")).containsText("INACTIVE");
            Chromium.screenshot(page, "as-policies-3-rule-deactivated");
        }
        JsonNode rules = ApiClient.ok(api.get("/api/v1/authorizationServers/" + as + "/policies/"
                + ApiClient.ok(api.get("/api/v1/authorizationServers/" + as + "/policies")).get(0).get("id").asText() + "/rules"));
        org.assertj.core.api.Assertions.assertThat(rules.get(0).at("/actions/token/accessTokenLifetimeMinutes").asInt()).isEqualTo(10);
        org.assertj.core.api.Assertions.assertThat(rules.get(0).get("status").asText()).isEqualTo("INACTIVE");
        org.assertj.core.api.Assertions.assertThat(rules.get(0).at("/conditions/scopes/include/0").asText()).isEqualTo("orders:read");
    }
}
