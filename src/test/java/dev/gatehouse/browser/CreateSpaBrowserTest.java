package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Okta's SPA guide, step by step, in real Chromium: create a Single-Page App integration in the
 * console, then edit its General Settings for Authorization Code + Refresh Token with rotation and a
 * 30 s grace period; the management API then returns exactly those settings. Screenshots of each
 * step land in {@code target/screenshots/spa-*.png}.
 */
class CreateSpaBrowserTest {

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    @Test
    void anAdminCreatesASinglePageAppAsTheGuideSays() {
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(server.url() + "/admin");
            page.getByLabel("Username").fill(TestServer.ADMIN);
            page.getByLabel("Password").fill(TestServer.ADMIN_PASSWORD);
            page.getByRole(AriaRole.BUTTON, named("Sign in")).click();

            page.getByRole(AriaRole.LINK, named("Applications")).click();
            Chromium.screenshot(page, "spa-01-applications");
            page.getByRole(AriaRole.LINK, named("Create App Integration")).click();
            page.getByLabel("OIDC - OpenID Connect").check();
            page.getByLabel("Single-Page Application").check();
            Chromium.screenshot(page, "spa-02-sign-in-method-and-type");
            page.getByRole(AriaRole.BUTTON, named("Next")).click();

            assertThat(page.locator("h1")).hasText("New Single-Page App Integration");
            assertThat(page.getByLabel("App integration name")).hasValue("My Single-Page App");
            page.getByLabel("App integration name").fill("My SPA");
            assertThat(page.getByLabel("Login redirect URI 1")).hasValue("http://localhost:8080/login/callback");
            assertThat(page.getByLabel("Logout redirect URI 1")).hasValue("http://localhost:8080");
            page.getByRole(AriaRole.GROUP, new Page.GetByRoleOptions().setName("Login redirect URIs"))
                    .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("+ Add URI")).click();
            page.getByLabel("Login redirect URI 2").fill("https://app.example.com/login/callback");
            page.getByLabel("Allow everyone in your organization to access").check();
            Chromium.screenshot(page, "spa-03-general-settings");
            page.getByRole(AriaRole.BUTTON, named("Save")).click();

            assertThat(page).hasURL(Pattern.compile(".*/admin/apps/0oa[A-Za-z0-9]{17}\\?notice=created(&(trustedOrigin|existingOrigin)=tos[A-Za-z0-9]{17})*$"));
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("App integration created");
            String clientId = page.getByLabel("Client ID").inputValue();
            assertThat(clientId).matches("0oa[A-Za-z0-9]{17}");
            assertThat(page.locator("dl.props").first()).containsText("None (public client)");
            Chromium.screenshot(page, "spa-04-app-general");

            page.getByRole(AriaRole.LINK, named("Edit")).click();
            page.getByRole(AriaRole.CHECKBOX, named("Authorization Code")).check();
            page.getByRole(AriaRole.CHECKBOX, named("Refresh Token")).check();
            page.getByLabel("Rotate token after every use").check();
            page.getByLabel("Grace period for token rotation").fill("30");
            Chromium.screenshot(page, "spa-05-edit-general-settings");
            page.getByRole(AriaRole.BUTTON, named("Save")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Settings saved");
            assertThat(page.locator("dl.props").nth(1)).containsText("Rotate token after every use");
            assertThat(page.locator("dl.props").nth(1)).containsText("30 seconds");
            Chromium.screenshot(page, "spa-06-saved");

            page.getByRole(AriaRole.LINK, named("Sign On")).click();
            assertThat(page.locator("#auth-js-config")).containsText("clientId: '" + clientId + "'");
            Chromium.screenshot(page, "spa-07-sign-on");

            JsonNode app = server.http().get("/api/v1/apps/" + clientId, Http.ssws(TestServer.API_TOKEN)).json();
            assertThat(app.get("label").asText()).isEqualTo("My SPA");
            assertThat(app.get("signOnMode").asText()).isEqualTo("OPENID_CONNECT");
            JsonNode oauthClient = app.get("credentials").get("oauthClient");
            assertThat(oauthClient.get("token_endpoint_auth_method").asText()).isEqualTo("none");
            assertThat(oauthClient.get("pkce_required").asBoolean()).isTrue();
            JsonNode settings = app.get("settings").get("oauthClient");
            assertThat(settings.get("application_type").asText()).isEqualTo("browser");
            assertThat(strings(settings.get("grant_types"))).containsExactlyInAnyOrder("authorization_code", "refresh_token");
            assertThat(strings(settings.get("redirect_uris")))
                    .containsExactly("http://localhost:8080/login/callback", "https://app.example.com/login/callback");
            assertThat(strings(settings.get("post_logout_redirect_uris"))).containsExactly("http://localhost:8080");
            assertThat(settings.get("refresh_token").get("rotation_type").asText()).isEqualTo("ROTATE");
            assertThat(settings.get("refresh_token").get("leeway").asInt()).isEqualTo(30);
            assertThat(app.get("settings").get("implicitAssignment").asBoolean()).isTrue();
        }
    }

    @Test
    void aBadGracePeriodIsShownInlineAndChangesNothing() {
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(server.url() + "/admin/apps/new/settings?method=oidc&type=browser");
            page.getByLabel("Username").fill(TestServer.ADMIN);
            page.getByLabel("Password").fill(TestServer.ADMIN_PASSWORD);
            page.getByRole(AriaRole.BUTTON, named("Sign in")).click();
            page.getByLabel("Refresh Token").check();
            page.getByRole(AriaRole.BUTTON, named("Save")).click();
            String clientId = page.getByLabel("Client ID").inputValue();
            page.getByRole(AriaRole.LINK, named("Edit")).click();
            page.getByLabel("Grace period for token rotation").fill("90");
            page.getByRole(AriaRole.BUTTON, named("Save")).click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("refresh_token.leeway");
            assertThat(page.getByLabel("Grace period for token rotation")).hasValue("90");
            Chromium.screenshot(page, "spa-08-bad-grace-period");
            JsonNode rt = server.http().get("/api/v1/apps/" + clientId, Http.ssws(TestServer.API_TOKEN)).json()
                    .get("settings").get("oauthClient").get("refresh_token");
            assertThat(rt.get("leeway").asInt()).isEqualTo(30);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
