package dev.gatehouse.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * On a new org the Early Access feature "Refresh Token Rotation for SPA" is off: the wizard says the
 * Refresh Token grant needs it and refuses it; after enabling it at Settings › Features, whose link leads back to the
 * form, the same SPA saves.
 */
class FeatureGateBrowserTest {

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2, "--features", "");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    @Test
    void theRefreshTokenGrantForASinglePageAppNeedsTheFeature() {
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(server.url() + "/admin/apps/new/settings?method=oidc&type=browser");
            page.getByLabel("Username").fill(TestServer.ADMIN);
            page.getByLabel("Password").fill(TestServer.ADMIN_PASSWORD);
            page.getByRole(AriaRole.BUTTON, named("Sign in")).click();

            assertThat(page.locator(".feature-note")).containsText("Refresh token rotation for SPA is an EA feature");
            page.getByLabel("Refresh Token").check();
            page.getByRole(AriaRole.BUTTON, named("Save")).click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("Settings › Features");
            Chromium.screenshot(page, "feature-01-refresh-token-needs-feature");

            page.getByRole(AriaRole.LINK, named("enable it in Settings › Features")).click();
            assertThat(page.locator("h1")).hasText("Features");
            page.getByRole(AriaRole.BUTTON, named("Enable Refresh Token Rotation for SPA")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Feature enabled");
            Chromium.screenshot(page, "feature-02-enabled");

            page.getByRole(AriaRole.LINK, named("Back to the new app integration")).click();
            assertThat(page).hasURL(server.url() + "/admin/apps/new/settings?method=oidc&type=browser&from=create-new-app");
            assertThat(page.locator(".feature-note")).hasCount(0);
            page.getByLabel("Refresh Token").check();
            page.getByRole(AriaRole.BUTTON, named("Save")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("App integration created");
        }
    }
}
