package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.gatehouse.browser.BrowserSteps.named;

/**
 * Issue #18 policies in real Chromium: Security › Authentication Policies and its one-click "Any two factors", an app's
 * Sign On tab switching to it, Security › Authenticator Enrollment and Security › Global Session Policy's "Require a
 * second factor for administrators". Screenshots: {@code target/screenshots/policies-*.png}.
 */
class PoliciesBrowserTest {

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
    void anAdminCreatesAnyTwoFactorsGivesItToAnAppAndRequiresASecondFactorForAdministrators() {
        ApiClient api = ApiClient.of(server);
        String appId = ApiClient.ok(api.post("/api/v1/apps", """
                {"name":"oidc_client","label":"Payroll","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"none"}},
                 "settings":{"oauthClient":{"application_type":"browser","redirect_uris":["http://localhost:8080/login/callback"],
                   "response_types":["code"],"grant_types":["authorization_code"]}}}""")).get("id").asText();
        try (BrowserContext admin = Chromium.newContext()) {
            Page page = admin.newPage();
            page.navigate(server.url() + "/admin");
            BrowserSteps.signIn(page, TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
            GuideOrg.sideNav(page, "Security", "Authentication Policies").click();
            assertThat(page.getByRole(AriaRole.HEADING, named("Authentication Policies"))).isVisible();
            assertThat(page.locator("table.list")).containsText("Default Policy");
            Chromium.screenshot(page, "policies-1-list");

            page.getByRole(AriaRole.BUTTON, named("Create \"Any two factors\"")).click();
            assertThat(page.locator("h1")).containsText("Any two factors");
            assertThat(page.locator("#rules")).containsText("Any two factors");
            Chromium.screenshot(page, "policies-2-any-two-factors");

            page.navigate(server.url() + "/admin/apps/" + appId + "?tab=sign-on");
            assertThat(page.locator("#sign-on-policy")).containsText("Default Policy");
            page.getByLabel("App sign-in policy").selectOption(new SelectOption().setLabel("Any two factors"));
            page.getByRole(AriaRole.BUTTON, named("Use this policy")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("App sign-in policy saved");
            assertThat(page.locator("#sign-on-policy")).containsText("Any two factors");
            Chromium.screenshot(page, "policies-3-app-sign-on");

            GuideOrg.sideNav(page, "Security", "Authenticator Enrollment").click();
            assertThat(page.getByRole(AriaRole.HEADING, named("Authenticator Enrollment"))).isVisible();
            page.getByLabel("Enrollment of Google Authenticator").selectOption("REQUIRED");
            page.getByRole(AriaRole.BUTTON, named("Save")).click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("inactive");   // Google Authenticator is not active yet
            Chromium.screenshot(page, "policies-4-enrollment-refused");

            GuideOrg.sideNav(page, "Security", "Global Session Policy").click();
            page.getByRole(AriaRole.BUTTON, named("Require a second factor for administrators")).click();
            // No second-factor authenticator is active: nobody could meet it, so it is refused (no admin is shut out).
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("Activate Google Authenticator or Security Key or Biometric first");
            Chromium.screenshot(page, "policies-5-global-session-refused");

            for (var a : ApiClient.ok(api.get("/api/v1/authenticators"))) {
                if (a.get("key").asText().equals("google_otp")) {
                    ApiClient.ok(api.post("/api/v1/authenticators/" + a.get("id").asText() + "/lifecycle/activate", null));
                }
            }
            GuideOrg.sideNav(page, "Security", "Global Session Policy").click();
            page.getByRole(AriaRole.BUTTON, named("Require a second factor for administrators")).click();
            // In force at once: this admin has no second factor, so the console asks them to set one up first.
            assertThat(page.getByRole(AriaRole.HEADING, named("Set up security methods"))).isVisible();
            Chromium.screenshot(page, "policies-6-admin-asked-to-enroll");
            page.getByRole(AriaRole.BUTTON, named("Set up Google Authenticator")).click();
            byte[] seed = dev.gatehouse.mfa.Totp.fromBase32(page.locator("[data-secret]").textContent().replace(" ", ""));
            page.getByLabel("Enter code").fill(dev.gatehouse.mfa.Totp.code(seed, dev.gatehouse.mfa.Totp.step(server.clock.instant())));
            page.getByRole(AriaRole.BUTTON, named("Verify")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Administrators now sign in with a second factor");
            assertThat(page.locator("body")).containsText("Required (ALWAYS)");
            assertThat(page.locator("[data-banner]")).hasCount(0);   // the admin has a second factor now
            Chromium.screenshot(page, "policies-7-global-session");
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
        try (BrowserContext admin = Chromium.newContext()) {
            Page page = admin.newPage();
            page.navigate(server.url() + "/admin/api/authorization-servers/" + as);
            BrowserSteps.signIn(page, TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
            page.getByRole(AriaRole.LINK, named("Access Policies")).click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("no access policies");
            page.getByLabel("Name").fill("Orders clients");
            page.getByLabel("Description").fill("Every client of the orders API");
            page.getByRole(AriaRole.BUTTON, named("Create policy")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved");
            assertThat(page.locator("section.panel")).containsText("Orders clients");
            assertThat(page.locator("section.panel")).containsText("No rules: this policy is never applied.");

            page.getByRole(AriaRole.LINK, named("Add rule")).click();
            page.getByLabel("Name").fill("Ten minutes");
            page.getByLabel("Access token lifetime (minutes)").fill("4");
            page.getByRole(AriaRole.BUTTON, named("Create rule")).click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("Access token lifetime must be between 5 and 1440 minutes.");
            assertThat(page.getByLabel("Name")).hasValue("Ten minutes");
            Chromium.screenshot(page, "as-policies-1-rule-refused");
            page.getByLabel("Access token lifetime (minutes)").fill("10");
            page.getByLabel("The following scopes").check();
            page.getByLabel("orders:read").check();
            page.getByRole(AriaRole.BUTTON, named("Create rule")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved");
            assertThat(page.locator("table.list")).containsText("Ten minutes");
            assertThat(page.locator("table.list")).containsText("Access 10 minutes");
            assertThat(page.locator("table.list")).containsText("orders:read");
            Chromium.screenshot(page, "as-policies-2-list");

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
