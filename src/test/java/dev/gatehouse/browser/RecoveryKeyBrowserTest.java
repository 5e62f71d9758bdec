package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.gatehouse.mfa.SoftAuthenticator;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.gatehouse.support.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person whose only other factor is a security key resets their password in real Chromium (issue #19): the reset page
 * asks for the key, webauthn.js runs Chromium's virtual authenticator (holding the key enrolled through the Factors API),
 * then the new password signs them in. On localhost: browsers refuse an IP address as a WebAuthn RP id.
 * Screenshot: {@code target/screenshots/recovery-key-*.png}.
 */
class RecoveryKeyBrowserTest {

    static TestServer server;
    static int port;

    @BeforeAll
    static void start() {
        port = TestServer.freePort();
        server = TestServer.start(TestDatabase.H2, "--port", Integer.toString(port), "--base-url", "http://localhost:" + port);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aPersonWithOnlyASecurityKeyResetsWithIt() throws Exception {
        ApiClient api = ApiClient.of(server);
        for (JsonNode a : ok(api.get("/api/v1/authenticators"))) {
            if (a.get("key").asText().equals("webauthn") && !a.get("status").asText().equals("ACTIVE")) {
                ok(api.post("/api/v1/authenticators/" + a.get("id").asText() + "/lifecycle/activate", null));
            }
        }
        String login = "grace-" + System.nanoTime() + "@example.com";
        String id = People.create(server.http(), login, "Compiler-Pioneer-1952");
        String origin = "http://localhost:" + port;
        SoftAuthenticator key = new SoftAuthenticator(false);
        JsonNode e = ok(api.post("/api/v1/users/" + id + "/factors", "{\"factorType\":\"webauthn\",\"provider\":\"FIDO\"}"));
        SoftAuthenticator.Response reg = key.register(e.at("/_embedded/activation/challenge").asText(), origin, "localhost",
                SoftAuthenticator.UP | SoftAuthenticator.UV, false);
        ok(api.post("/api/v1/users/" + id + "/factors/" + e.get("id").asText() + "/lifecycle/activate",
                "{\"attestation\":\"" + reg.attestation() + "\",\"clientData\":\"" + reg.clientData() + "\"}"));
        String link = ok(api.post("/api/v1/users/" + id + "/lifecycle/reset_password?sendEmail=false", null)).get("resetPasswordUrl").asText();
        assertThat(link).startsWith(origin + "/reset_password/");

        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            CDPSession cdp = context.newCDPSession(page);
            cdp.send("WebAuthn.enable");
            JsonObject options = new JsonObject();
            options.addProperty("protocol", "ctap2");
            options.addProperty("transport", "usb");
            options.addProperty("hasResidentKey", false);
            options.addProperty("hasUserVerification", true);
            options.addProperty("isUserVerified", true);
            JsonObject params = new JsonObject();
            params.add("options", options);
            String authenticatorId = cdp.send("WebAuthn.addVirtualAuthenticator", params).get("authenticatorId").getAsString();
            // The key enrolled above, inside Chromium's virtual authenticator.
            JsonObject credential = new JsonObject();
            credential.addProperty("credentialId", Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(key.credentialIdB64u())));
            credential.addProperty("isResidentCredential", false);
            credential.addProperty("rpId", "localhost");
            credential.addProperty("privateKey", Base64.getEncoder().encodeToString(key.keys.getPrivate().getEncoded()));
            credential.addProperty("signCount", 0);
            JsonObject add = new JsonObject();
            add.addProperty("authenticatorId", authenticatorId);
            add.add("credential", credential);
            cdp.send("WebAuthn.addCredential", add);

            page.navigate(link);
            assertThat(page.locator("h1")).containsText("Verify it's you");
            assertThat(page.getByText("Ask your administrator")).hasCount(0);
            Chromium.screenshot(page, "recovery-key-01-verify");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Verify with a security key or passkey")).click();
            assertThat(page.locator("h1")).containsText("Reset your password");
            page.getByLabel("New password", new Page.GetByLabelOptions().setExact(true)).fill("Fresh-Lantern-Quay-71");
            page.getByLabel("Repeat the new password").fill("Fresh-Lantern-Quay-71");
            Chromium.screenshot(page, "recovery-key-02-new-password");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Reset password")).click();
            page.waitForURL(origin + "/");
            assertThat(ok(api.get("/api/v1/users/" + id)).get("status").asText()).isEqualTo("ACTIVE");
            Chromium.screenshot(page, "recovery-key-03-signed-in");
        }
    }
}
