package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.gatehouse.mfa.Totp;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.gatehouse.support.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An expired password of a person with a code app, in real Chromium: the sign-in asks for the code first (Okta:
 * "Users are challenged for MFA (MFA_REQUIRED) before PASSWORD_EXPIRED if they have an active Factor enrollment"), the
 * code form carries the sign-in's state, then the change form signs them in. Screenshots:
 * {@code target/screenshots/expired-*.png}.
 */
class ExpiredPasswordBrowserTest {

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
    void anExpiredPasswordWithACodeAppAsksForTheCodeThenTheNewPassword() {
        ApiClient api = ApiClient.of(server);
        for (JsonNode a : ok(api.get("/api/v1/authenticators"))) {
            if (a.get("key").asText().equals("google_otp") && !a.get("status").asText().equals("ACTIVE")) {
                ok(api.post("/api/v1/authenticators/" + a.get("id").asText() + "/lifecycle/activate", null));
            }
        }
        String login = "ada-" + System.nanoTime() + "@example.com";
        String id = People.create(server.http(), login, "Analytical-Engine-1843");
        JsonNode e = ok(api.post("/api/v1/users/" + id + "/factors", "{\"factorType\":\"token:software:totp\",\"provider\":\"GOOGLE\"}"));
        byte[] seed = Totp.fromBase32(e.at("/_embedded/activation/sharedSecret").asText());
        ok(api.post("/api/v1/users/" + id + "/factors/" + e.get("id").asText() + "/lifecycle/activate",
                "{\"passCode\":\"" + Totp.code(seed, Totp.step(server.clock.instant())) + "\"}"));
        server.clock.advance(Duration.ofSeconds(90));
        ok(api.post("/api/v1/users/" + id + "/lifecycle/expire_password", null));

        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(server.url() + "/signin");
            page.getByLabel("Username").fill(login);
            page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill("Analytical-Engine-1843");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            assertThat(page.locator("h1")).containsText("Verify it's you");
            assertThat(page.getByText("has expired")).isVisible();
            Chromium.screenshot(page, "expired-01-verify");

            page.getByLabel("Enter the code shown in your authenticator app").fill("000000");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Verify")).click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("That code did not verify you");
            Chromium.screenshot(page, "expired-02-wrong-code");

            page.getByLabel("Enter the code shown in your authenticator app").fill(Totp.code(seed, Totp.step(server.clock.instant())));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Verify")).click();
            assertThat(page.locator("h1")).containsText("Your password has expired");
            page.getByLabel("New password", new Page.GetByLabelOptions().setExact(true)).fill("Difference-Engine-1822");
            page.getByLabel("Repeat the new password").fill("Difference-Engine-1822");
            Chromium.screenshot(page, "expired-03-new-password");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Change password")).click();
            page.waitForURL(server.url() + "/");
            assertThat(context.cookies().stream().anyMatch(c -> c.name.equals("sid") || c.name.equals("__Host-sid"))).isTrue();
            Chromium.screenshot(page, "expired-04-signed-in");
        }
        assertThat(ok(api.get("/api/v1/users/" + id)).get("status").asText()).isEqualTo("ACTIVE");
    }
}
