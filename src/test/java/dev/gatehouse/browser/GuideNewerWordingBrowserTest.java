package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.gatehouse.demo.DemoSeed;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.gatehouse.browser.BrowserSteps.named;
import static dev.gatehouse.browser.GuideOrg.part;
import static dev.gatehouse.browser.GuideOrg.sideNav;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same guide in the words of Okta's newer console (developer.okta.com, "Create an Okta app integration", current
 * sign-into-spa version): Create App Integration, OIDC - OpenID Connect as the Sign-in method, Single-Page Application
 * as the Application type, Next, the Grant type with Authorization Code and Refresh Token, Sign-in redirect URIs and
 * Sign-out redirect URIs, Trusted Origins' Base URIs, Assignments, Save. Those words lead through the same pages and
 * form as {@link GuideLiterallyBrowserTest}'s and make the same app. On a new org the Refresh Token grant needs the
 * Early Access feature first: its note leads to Settings › Features and back to the form. Then the demo user signs in
 * to the sample SPA. Screenshots: {@code target/screenshots/guide-newer-*.png}.
 */
class GuideNewerWordingBrowserTest {

    static GuideOrg org;

    @BeforeAll
    static void start() {
        org = GuideOrg.start();
    }

    @AfterAll
    static void stop() {
        if (org != null) {
            org.close();
        }
    }

    @Test
    void anAdminFollowsOktasNewerWordingAndTheDemoUserSignsInRenewsAndSignsOut() {
        String clientId = adminCreatesTheAppInTheNewerWords();
        org.demoUserSignsInRenewsAndSignsOut(clientId, "guide-newer", 7);
    }

    private String adminCreatesTheAppInTheNewerWords() {
        String spa = org.spa;
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();

            // 1. Sign in to your Okta organization with your administrator account.
            page.navigate(org.server.url() + "/admin");
            BrowserSteps.signIn(page, TestServer.ADMIN, TestServer.ADMIN_PASSWORD);

            // 2. In the Admin Console, go to Applications > Applications.
            sideNav(page, "Applications", "Applications").click();
            // 3. Click Create App Integration.
            page.getByRole(AriaRole.LINK, named("Create App Integration")).click();
            // 4. Select OIDC - OpenID Connect as the Sign-in method.
            part(page, AriaRole.RADIOGROUP, "Sign-in method").getByLabel("OIDC - OpenID Connect").check();
            // 5. Select Single-Page Application as the Application type and click Next.
            part(page, AriaRole.RADIOGROUP, "Application type").getByLabel("Single-Page Application").check();
            assertThat(page.getByRole(AriaRole.NOTE)).containsText("It is important to choose the appropriate application type");
            Chromium.screenshot(page, "guide-newer-01-sign-in-method-and-application-type");
            page.getByRole(AriaRole.BUTTON, named("Next")).click();
            assertThat(page.getByRole(AriaRole.HEADING, named("New Single-Page App Integration"))).isVisible();

            // 7. Select Authorization Code and Refresh Token as the Grant type. On a new org the Refresh Token grant is an
            //    Early Access feature: its note leads to Settings › Features, and back to this form.
            Locator grants = part(page, AriaRole.GROUP, "Grant type");
            assertThat(grants.getByText("Refresh token rotation for SPA is an EA feature")).isVisible();
            Chromium.screenshot(page, "guide-newer-02-grant-type-needs-feature");
            grants.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("enable it in Settings › Features")).click();
            page.getByRole(AriaRole.BUTTON, named("Enable Refresh Token Rotation for SPA")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Feature enabled");
            Chromium.screenshot(page, "guide-newer-03-feature-enabled");
            page.getByRole(AriaRole.LINK, named("Back to the new app integration")).click();
            assertThat(page.getByRole(AriaRole.HEADING, named("New Single-Page App Integration"))).isVisible();
            assertThat(grants.getByText("Refresh token rotation for SPA is an EA feature")).hasCount(0);

            // 6. Enter a name for your app integration (or leave the default value).
            page.getByLabel("App integration name").fill(DemoSeed.APP_LABEL);
            // 7. Select Authorization Code and Refresh Token as the Grant type.
            grants.getByLabel("Authorization Code").check();
            grants.getByLabel("Refresh Token").check();
            // 8. Enter values for the Sign-in redirect URIs. … Add values for local development … and production ….
            Locator signIn = part(page, AriaRole.GROUP, "Sign-in redirect URIs");
            signIn.getByRole(AriaRole.TEXTBOX).first().fill(spa + "/login/callback");
            signIn.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("+ Add URI")).click();
            signIn.getByRole(AriaRole.TEXTBOX).nth(1).fill("https://app.example.com/login/callback");
            //    Sign-out redirect URIs, and Trusted Origins › Base URIs (the SPA's origin, for CORS).
            part(page, AriaRole.GROUP, "Sign-out redirect URIs").getByRole(AriaRole.TEXTBOX).first().fill(spa);
            part(page, AriaRole.GROUP, "Trusted Origins").getByLabel("Base URI 1").fill(spa);
            // 9. Controlled access: Allow everyone in your organization to access.
            part(page, AriaRole.RADIOGROUP, "Assignments").getByLabel("Allow everyone in your organization to access").check();
            Chromium.screenshot(page, "guide-newer-04-new-single-page-app-integration");
            // 10. Click Save.
            page.getByRole(AriaRole.BUTTON, named("Save")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("App integration created");
            String clientId = page.getByLabel("Client ID").inputValue();

            // Refresh token rotation is the default for a single-page app, with a 30 second grace period.
            Locator general = part(page, AriaRole.REGION, "General Settings");
            assertThat(general).containsText("Sign-in redirect URIs");
            assertThat(general).containsText("Rotate token after every use");
            assertThat(general).containsText("30 seconds");
            Chromium.screenshot(page, "guide-newer-05-created");

            // Security > API > Trusted Origins: the SPA's origin, with CORS.
            sideNav(page, "Security › API", "Trusted Origins").click();
            assertThat(page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText(spa))).containsText("CORS");
            Chromium.screenshot(page, "guide-newer-06-trusted-origins");

            JsonNode app = org.app(clientId);
            assertThat(app.at("/settings/oauthClient/application_type").asText()).isEqualTo("browser");
            assertThat(app.at("/credentials/oauthClient/token_endpoint_auth_method").asText()).isEqualTo("none");
            assertThat(app.at("/settings/oauthClient/redirect_uris").toString())
                    .isEqualTo("[\"" + spa + "/login/callback\",\"https://app.example.com/login/callback\"]");
            assertThat(app.at("/settings/oauthClient/post_logout_redirect_uris").toString()).isEqualTo("[\"" + spa + "\"]");
            assertThat(app.at("/settings/oauthClient/grant_types").toString()).contains("authorization_code").contains("refresh_token");
            assertThat(app.at("/settings/oauthClient/refresh_token/rotation_type").asText()).isEqualTo("ROTATE");
            assertThat(app.at("/settings/oauthClient/refresh_token/leeway").asInt()).isEqualTo(30);
            return clientId;
        }
    }
}
