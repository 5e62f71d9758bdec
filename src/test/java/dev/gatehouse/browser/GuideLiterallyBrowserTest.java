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

import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.gatehouse.browser.BrowserSteps.named;
import static dev.gatehouse.browser.GuideOrg.part;
import static dev.gatehouse.browser.GuideOrg.sideNav;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guide Gatehouse follows (shared/docs/GUIDE.md, Okta's "Create an Okta app integration" for a single-page app),
 * word for word, on a new org (the Early Access feature off) as {@code ./gatehouse demo} makes it. Each step quotes the
 * guide and finds its controls only by the words the guide uses (roles with names, labels, text): Applications ›
 * Applications, Add Application, Create New App, Single-Page App (SPA), Create, Login redirect URI, Save, General,
 * General Settings, Edit, Allowed grant types, Authorization Code, Refresh Token, Settings › Features and its EA
 * feature, Grace period for token rotation, Trusted Origins with CORS. Then the demo user signs in to the sample SPA
 * (okta-auth-js) with the app, renews and signs out. {@link GuideNewerWordingBrowserTest} does the same in the words
 * of Okta's newer console. A screenshot per step: {@code target/screenshots/guide-*.png}.
 */
class GuideLiterallyBrowserTest {

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
    void anAdminFollowsTheGuideWordForWordAndTheDemoUserSignsInRenewsAndSignsOut() {
        String clientId = adminCreatesTheAppAsTheGuideSays();
        org.demoUserSignsInRenewsAndSignsOut(clientId, "guide", 12);
    }

    private String adminCreatesTheAppAsTheGuideSays() {
        String spa = org.spa;
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();

            // 1. Sign in to your Okta organization with your administrator account.
            page.navigate(org.server.url() + "/admin");
            BrowserSteps.signIn(page, TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
            assertThat(page.getByRole(AriaRole.HEADING, named("Dashboard"))).isVisible();
            Chromium.screenshot(page, "guide-01-console");

            // 2. From the Admin Console side navigation, click Applications > Applications.
            sideNav(page, "Applications", "Applications").click();
            assertThat(page.getByRole(AriaRole.HEADING, named("Applications"))).isVisible();
            Chromium.screenshot(page, "guide-02-applications");

            // 3. Click Add Application and click Create New App.
            page.getByRole(AriaRole.LINK, named("Add Application")).click();
            assertThat(page.getByRole(AriaRole.HEADING, named("Add Application"))).isVisible();
            Chromium.screenshot(page, "guide-03-add-application");
            page.getByRole(AriaRole.LINK, named("Create New App")).click();

            // 4. Pick Single-Page App (SPA) as the platform and click Create.
            //    Note: It is important to choose the appropriate application type for apps which are public clients. …
            Locator platform = part(page, AriaRole.RADIOGROUP, "Platform");
            assertThat(platform.getByRole(AriaRole.RADIO)).hasCount(3);
            assertThat(platform.getByLabel("Single-Page App (SPA)")).not().isChecked();
            platform.getByLabel("Single-Page App (SPA)").check();
            assertThat(page.getByRole(AriaRole.NOTE)).containsText("It is important to choose the appropriate application type for apps "
                    + "which are public clients. Failing to do so may result in Gatehouse's API endpoints attempting to verify an app's "
                    + "client secret, which public clients are not designed to have, hence breaking the sign-in or sign-out flow.");
            Chromium.screenshot(page, "guide-04-platform");
            page.getByRole(AriaRole.BUTTON, named("Create")).click();

            // 5. Enter a name for your app integration (or leave the default value).
            Locator name = page.getByLabel("App integration name");
            assertThat(name).hasValue(Pattern.compile(".+"));
            name.fill(DemoSeed.APP_LABEL);

            // 6. Enter values for the Login redirect URI. … Add values for local development (for example,
            //    http://localhost:8080/login/callback) and production (for example, https://app.example.com/login/callback).
            //    (The sample SPA runs on a free port here, so its values replace the prefilled localhost:8080 ones.)
            Locator login = part(page, AriaRole.GROUP, "Login redirect URIs");
            login.getByLabel("Login redirect URI 1").fill(spa + "/login/callback");
            login.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("+ Add URI")).click();
            login.getByLabel("Login redirect URI 2").fill("https://app.example.com/login/callback");
            //    The sign-out ones, and the Base URI the guide's commented-out step named, for this SPA's port.
            part(page, AriaRole.GROUP, "Logout redirect URIs").getByLabel("Logout redirect URI 1").fill(spa);
            part(page, AriaRole.GROUP, "Trusted Origins").getByLabel("Base URI 1").fill(spa);
            assertThat(page.getByLabel("Allow everyone in your organization to access")).isChecked();
            Chromium.screenshot(page, "guide-05-general-settings");

            // 7. Click Save to finish creating the Okta app integration.
            page.getByRole(AriaRole.BUTTON, named("Save")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("App integration created");
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Trusted origins created (CORS and Redirect): " + spa);
            String clientId = page.getByLabel("Client ID").inputValue();
            assertThat(clientId).matches("0oa[A-Za-z0-9]{17}");
            Chromium.screenshot(page, "guide-06-created");

            // 8. On the General settings tab, scroll to General Settings and click Edit.
            page.getByRole(AriaRole.NAVIGATION, named("App sections")).getByRole(AriaRole.LINK, new Locator.GetByRoleOptions()
                    .setName("General").setExact(true)).click();
            part(page, AriaRole.REGION, "General Settings").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Edit")).click();

            // 9. In the Allowed grant types, make sure that Authorization Code and Refresh Token are selected.
            Locator grants = part(page, AriaRole.GROUP, "Allowed grant types");
            assertThat(grants.getByLabel("Authorization Code")).isChecked();
            //    Refresh token rotation for SPA is an EA feature. You can enable an Early Access (Self-Service) feature
            //    for your org in the Settings > Features page inside the Admin Console.
            assertThat(grants.getByText("Refresh token rotation for SPA is an EA feature")).isVisible();
            Chromium.screenshot(page, "guide-07-refresh-token-needs-feature");
            sideNav(page, "Settings", "Features").click();
            Locator earlyAccess = part(page, AriaRole.REGION, "Early Access");
            assertThat(earlyAccess.getByText("Early Access (Self-Service)")).isVisible();
            Locator feature = earlyAccess.getByRole(AriaRole.REGION, new Locator.GetByRoleOptions().setName("Refresh Token Rotation for SPA"));
            assertThat(feature.getByText("EA", new Locator.GetByTextOptions().setExact(true))).isVisible();
            feature.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Enable Refresh Token Rotation for SPA")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Feature enabled");
            Chromium.screenshot(page, "guide-08-features");
            //    Back to the app: Applications > Applications, the app, General Settings, Edit.
            sideNav(page, "Applications", "Applications").click();
            page.getByRole(AriaRole.LINK, named(DemoSeed.APP_LABEL)).click();
            part(page, AriaRole.REGION, "General Settings").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Edit")).click();
            assertThat(grants.getByText("Refresh token rotation for SPA is an EA feature")).hasCount(0);
            grants.getByLabel("Refresh Token").check();
            assertThat(grants.getByLabel("Authorization Code")).isChecked();
            //    Refresh token rotation is automatically set as the default refresh token behavior.
            //    Note: The default number of seconds for the Grace period for token rotation is set to 30 seconds.
            Locator refreshToken = part(page, AriaRole.GROUP, "Refresh Token");
            assertThat(refreshToken.getByLabel("Rotate token after every use")).isChecked();
            assertThat(refreshToken.getByLabel("Grace period for token rotation")).hasValue("30");
            assertThat(refreshToken.getByText("0–60 seconds, default 30")).isVisible();
            Chromium.screenshot(page, "guide-09-refresh-token-rotation");
            page.getByRole(AriaRole.BUTTON, named("Save")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Settings saved");
            Locator general = part(page, AriaRole.REGION, "General Settings");
            assertThat(general).containsText("Refresh Token");
            assertThat(general).containsText("Rotate token after every use");
            assertThat(general).containsText("30 seconds");
            Chromium.screenshot(page, "guide-10-saved");

            // Enable Trusted Origins: … explicitly define the Trusted Origins that can access the Okta API for your app
            // integration. Cross-Origin Resource Sharing (CORS) allows JavaScript hosted on your website to make a request …
            sideNav(page, "Security › API", "Trusted Origins").click();
            Locator origin = page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText(spa));
            assertThat(origin).containsText("CORS");
            Chromium.screenshot(page, "guide-11-trusted-origins");

            JsonNode app = org.app(clientId);
            assertThat(app.at("/settings/oauthClient/application_type").asText()).isEqualTo("browser");
            assertThat(app.at("/credentials/oauthClient/token_endpoint_auth_method").asText()).isEqualTo("none");
            assertThat(app.at("/settings/oauthClient/redirect_uris").toString())
                    .isEqualTo("[\"" + spa + "/login/callback\",\"https://app.example.com/login/callback\"]");
            assertThat(app.at("/settings/oauthClient/grant_types").toString()).contains("authorization_code").contains("refresh_token");
            assertThat(app.at("/settings/oauthClient/refresh_token/rotation_type").asText()).isEqualTo("ROTATE");
            assertThat(app.at("/settings/oauthClient/refresh_token/leeway").asInt()).isEqualTo(30);
            return clientId;
        }
    }
}
