package dev.gatehouse.browser;

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
}
