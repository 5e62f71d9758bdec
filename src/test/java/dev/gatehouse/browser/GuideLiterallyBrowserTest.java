package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.RequestOptions;
import dev.gatehouse.Wiring;
import dev.gatehouse.demo.DemoSeed;
import dev.gatehouse.demo.SampleSpa;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.gatehouse.browser.BrowserSteps.named;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Okta's SPA guide, literally, on a new org (the Early Access feature off), as {@code ./gatehouse demo} prints it:
 * the admin creates the Single-Page App integration in the console, meets the feature gate in General Settings,
 * enables the feature in Settings › Features, comes back, allows refresh tokens with rotation and a 30 s grace
 * period, and finds the SPA's origin under Security › API › Trusted Origins. Then the demo user signs in to the
 * sample SPA (okta-auth-js, served by the demo's own {@link SampleSpa}), sees the profile, renews (the stored
 * refresh token rotates) and signs out (the session and the tokens are gone). A screenshot per step:
 * {@code target/screenshots/guide-*.png}.
 */
class GuideLiterallyBrowserTest {

    static TestServer server;
    static SampleSpa sampleSpa;
    static String spa;
    static DemoSeed.DemoUser demoUser;

    @BeforeAll
    static void start() {
        sampleSpa = SampleSpa.start(Path.of("samples", "spa"), 0);
        spa = sampleSpa.origin().toString();
        server = TestServer.start(TestDatabase.H2, "--features", "");
        Wiring w = server.wiring();
        demoUser = new DemoSeed(w.users, w.apps, w.trustedOrigins, w.features, new Ids(new SecureRandom()), server.dataDir).ensureDemoUser();
    }

    @AfterAll
    static void stop() {
        if (sampleSpa != null) {
            sampleSpa.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anAdminFollowsTheGuideAndTheDemoUserSignsInRenewsAndSignsOut() {
        String clientId = adminCreatesTheAppAsTheGuideSays();
        demoUserUsesTheSampleSpa(clientId);
    }

    private String adminCreatesTheAppAsTheGuideSays() {
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(server.url() + "/admin");
            BrowserSteps.signIn(page, TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
            assertThat(page).hasURL(server.url() + "/admin");
            Chromium.screenshot(page, "guide-01-console");

            page.getByRole(AriaRole.LINK, named("Applications")).click();
            Chromium.screenshot(page, "guide-02-applications");
            page.getByRole(AriaRole.LINK, named("Create App Integration")).first().click();
            page.getByLabel("OIDC - OpenID Connect").check();
            page.getByLabel("Single-Page Application").check();
            Chromium.screenshot(page, "guide-03-oidc-single-page");
            page.getByRole(AriaRole.BUTTON, named("Next")).click();

            assertThat(page.locator("h1")).hasText("New Single-Page App Integration");
            page.getByLabel("App integration name").fill(DemoSeed.APP_LABEL);
            page.getByLabel("Sign-in redirect URI 1").fill(spa + "/login/callback");
            page.getByLabel("Sign-out redirect URI 1").fill(spa);
            page.getByLabel("Base URI 1").fill(spa);
            page.getByLabel("Allow everyone in your organization to access").check();
            Chromium.screenshot(page, "guide-04-general-settings");
            page.getByRole(AriaRole.BUTTON, named("Save")).click();

            assertThat(page.getByRole(AriaRole.STATUS)).containsText("App integration created");
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Trusted origins created (CORS and Redirect): " + spa);
            String clientId = page.getByLabel("Client ID").inputValue();
            assertThat(clientId).matches("0oa[A-Za-z0-9]{17}");
            Chromium.screenshot(page, "guide-05-created");

            // General Settings › Edit: on a new org the Refresh Token grant needs the Early Access feature.
            page.getByRole(AriaRole.LINK, named("Edit")).click();
            assertThat(page.locator(".feature-note")).containsText("Needs the Early Access feature Refresh Token Rotation for SPA");
            Chromium.screenshot(page, "guide-06-refresh-token-needs-feature");
            page.getByRole(AriaRole.LINK, named("enable it in Settings › Features")).click();
            assertThat(page.locator("h1")).hasText("Features");
            Chromium.screenshot(page, "guide-07-features");
            page.getByRole(AriaRole.BUTTON, named("Enable Refresh Token Rotation for SPA")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Feature enabled");
            Chromium.screenshot(page, "guide-08-feature-enabled");

            // Back to the app's General Settings, where the grant can now be chosen.
            page.getByRole(AriaRole.LINK, named("Back to the app's General Settings")).click();
            assertThat(page).hasURL(server.url() + "/admin/apps/" + clientId + "/edit");
            assertThat(page.locator(".feature-note")).hasCount(0);
            assertThat(page.getByLabel("Authorization Code")).isChecked();
            page.getByLabel("Refresh Token").check();
            page.getByLabel("Rotate token after every use").check();
            page.getByLabel("Grace period for token rotation").fill("30");
            Chromium.screenshot(page, "guide-09-refresh-token-rotation");
            page.getByRole(AriaRole.BUTTON, named("Save")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Settings saved");
            assertThat(page.locator("dl.props").nth(1)).containsText("Rotate token after every use");
            assertThat(page.locator("dl.props").nth(1)).containsText("30 seconds");
            Chromium.screenshot(page, "guide-10-saved");

            page.getByRole(AriaRole.LINK, named("Trusted Origins")).click();
            assertThat(page.locator("table.list")).containsText(spa);
            assertThat(page.locator("table.list tr", new Page.LocatorOptions().setHasText(spa))).containsText("CORS");
            assertThat(page.locator("table.list tr", new Page.LocatorOptions().setHasText(spa))).containsText("Redirect");
            Chromium.screenshot(page, "guide-11-trusted-origins");

            JsonNode app = server.http().get("/api/v1/apps/" + clientId, Http.ssws(TestServer.API_TOKEN)).json();
            assertThat(app.at("/settings/oauthClient/grant_types").toString()).contains("authorization_code").contains("refresh_token");
            assertThat(app.at("/settings/oauthClient/refresh_token/rotation_type").asText()).isEqualTo("ROTATE");
            assertThat(app.at("/settings/oauthClient/refresh_token/leeway").asInt()).isEqualTo(30);
            return clientId;
        }
    }

    private void demoUserUsesTheSampleSpa(String clientId) {
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            List<String> problems = new ArrayList<>();
            page.onConsoleMessage(m -> {
                if ("error".equals(m.type()) && !m.location().endsWith("/favicon.ico:0:0")) {
                    problems.add(m.text() + " at " + m.location());
                }
            });
            page.onResponse(r -> {
                if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) {
                    problems.add(r.request().method() + " " + r.url() + " -> " + r.status());
                }
            });
            List<String> visited = new ArrayList<>();
            page.onFrameNavigated(f -> {
                if (f == page.mainFrame()) {
                    visited.add(f.url());
                }
            });

            page.navigate(spa + "/?issuer=" + OAuthFlow.enc(server.url() + "/oauth2/default") + "&clientId=" + OAuthFlow.enc(clientId));
            assertThat(page.getByRole(AriaRole.BUTTON, named("Sign in"))).isVisible();
            Chromium.screenshot(page, "guide-12-spa-home");
            page.getByRole(AriaRole.BUTTON, named("Sign in")).click();
            page.waitForURL(Pattern.compile(Pattern.quote(server.url()) + "/signin.*"));
            Chromium.screenshot(page, "guide-13-hosted-sign-in");
            BrowserSteps.signIn(page, demoUser.login(), demoUser.newPassword().orElseThrow());

            page.waitForURL(spa + "/profile", new Page.WaitForURLOptions().setTimeout(20_000));
            assertThat(visited).anyMatch(u -> u.startsWith(spa + "/login/callback?code="));
            assertThat(page.locator("#claims")).containsText(demoUser.login());
            assertThat(page.locator("#claims")).containsText(server.url() + "/oauth2/default");
            assertThat(page.locator("#userinfo")).containsText(demoUser.login());
            assertThat(page.locator("#userinfo")).containsText("Demo User");
            Chromium.screenshot(page, "guide-14-profile");

            JsonNode before = BrowserSteps.tokenStorage(page);
            String firstRefresh = before.at("/refreshToken/refreshToken").asText();
            String firstAccess = before.at("/accessToken/accessToken").asText();
            assertThat(firstRefresh).isNotBlank();
            page.getByRole(AriaRole.BUTTON, named("Renew now")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Tokens renewed at");
            JsonNode after = BrowserSteps.tokenStorage(page);
            String secondRefresh = after.at("/refreshToken/refreshToken").asText();
            String secondAccess = after.at("/accessToken/accessToken").asText();
            assertThat(secondRefresh).as("the stored refresh token rotated").isNotBlank().isNotEqualTo(firstRefresh);
            assertThat(secondAccess).isNotEqualTo(firstAccess);
            assertThat(BrowserSteps.introspect(server, clientId, secondRefresh, "refresh_token").get("active").asBoolean()).isTrue();
            Chromium.screenshot(page, "guide-15-renewed");

            page.getByRole(AriaRole.BUTTON, named("Sign out")).click();
            page.waitForURL(spa + "/", new Page.WaitForURLOptions().setTimeout(20_000));
            assertThat(page.getByRole(AriaRole.BUTTON, named("Sign in"))).isVisible();
            Chromium.screenshot(page, "guide-16-signed-out");

            var me = context.request().get(server.url() + "/api/v1/sessions/me", RequestOptions.create().setHeader("Accept", "application/json"));
            assertThat(me.status()).as(me.text()).isEqualTo(404);
            for (String[] token : new String[][]{{firstAccess, "access_token"}, {secondAccess, "access_token"},
                    {firstRefresh, "refresh_token"}, {secondRefresh, "refresh_token"}}) {
                assertThat(BrowserSteps.introspect(server, clientId, token[0], token[1]).get("active").asBoolean())
                        .as("%s revoked by sign-out", token[1]).isFalse();
            }
            assertThat(problems).as("browser console errors and failed requests").isEmpty();
        }
    }
}
