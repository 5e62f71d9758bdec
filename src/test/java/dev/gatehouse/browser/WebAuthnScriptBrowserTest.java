package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.gatehouse.support.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /assets/webauthn.js} in real Chromium with its virtual authenticator (CDP {@code WebAuthn.addVirtualAuthenticator}):
 * the Factors API enrolls a webauthn factor, a tiny form page (served by this test through Playwright's routing, on
 * Gatehouse's own origin; the script itself comes from Gatehouse) carries the options, the script calls
 * {@code navigator.credentials.create}/{@code get} and posts the base64url fields, and the test hands them to the
 * Factors API, which accepts them. Also: a refusal by the browser (a credential already registered) shows a readable
 * message and posts nothing. Gatehouse runs on {@code http://localhost:<port>} here, as browsers refuse an IP address as
 * RP id.
 */
class WebAuthnScriptBrowserTest {

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
    void theScriptRegistersAndSignsWithTheBrowsersAuthenticator() {
        ApiClient api = ApiClient.of(server);
        JsonNode webauthn = null;
        for (JsonNode a : ok(api.get("/api/v1/authenticators"))) {
            if (a.get("key").asText().equals("webauthn")) {
                webauthn = a;
            }
        }
        ok(api.post("/api/v1/authenticators/" + webauthn.get("id").asText() + "/lifecycle/activate", null));
        String user = People.create(server.http(), "grace@example.com", "Compiler-Pioneer-1952");
        String factors = "/api/v1/users/" + user + "/factors";
        JsonNode enrolled = ok(api.post(factors, "{\"factorType\":\"webauthn\",\"provider\":\"FIDO\"}"));
        String factorId = enrolled.get("id").asText();
        String origin = "http://localhost:" + port;

        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            CDPSession cdp = context.newCDPSession(page);
            cdp.send("WebAuthn.enable");
            JsonObject options = new JsonObject();
            options.addProperty("protocol", "ctap2");
            options.addProperty("transport", "usb");
            options.addProperty("hasResidentKey", true);
            options.addProperty("hasUserVerification", true);
            options.addProperty("isUserVerified", true);
            JsonObject params = new JsonObject();
            params.add("options", options);
            cdp.send("WebAuthn.addVirtualAuthenticator", params);

            AtomicReference<String> posted = new AtomicReference<>();
            AtomicReference<String> html = new AtomicReference<>();
            page.route(origin + "/webauthn-test", route -> route.fulfill(new Route.FulfillOptions().setContentType("text/html").setBody(html.get())));
            page.route(origin + "/webauthn-test/done", route -> {
                posted.set(route.request().postData());
                route.fulfill(new Route.FulfillOptions().setContentType("text/html").setBody("<p id=done>posted</p>"));
            });

            // Registration: the enrollment's activation is what navigator.credentials.create takes.
            html.set(page("create", enrolled.at("/_embedded/activation").toString(), "Set up a security key"));
            page.navigate(origin + "/webauthn-test");
            page.getByText("Set up a security key").click();
            assertThat(page.locator("#done")).isVisible();
            Map<String, String> created = form(posted.get());
            assertThat(created.get("clientDataJSON")).matches("[A-Za-z0-9_-]+");
            JsonNode active = ok(api.post(factors + "/" + factorId + "/lifecycle/activate",
                    "{\"attestation\":\"" + created.get("attestationObject") + "\",\"clientData\":\"" + created.get("clientDataJSON") + "\"}"));
            assertThat(active.get("status").asText()).isEqualTo("ACTIVE");
            String credentialId = active.at("/profile/credentialId").asText();

            // Verification: the challenge from the Factors API, with the factor's credential.
            String challenge = ok(api.post(factors + "/" + factorId + "/verify", "")).at("/_embedded/challenge/challenge").asText();
            String get = "{\"challenge\":\"" + challenge + "\",\"rpId\":\"localhost\",\"allowCredentials\":[{\"type\":\"public-key\",\"id\":\""
                    + credentialId + "\"}],\"userVerification\":\"preferred\"}";
            posted.set(null);
            html.set(page("get", get, "Use your security key"));
            page.navigate(origin + "/webauthn-test");
            page.getByText("Use your security key").click();
            assertThat(page.locator("#done")).isVisible();
            Map<String, String> signed = form(posted.get());
            assertThat(signed.get("credentialId")).isEqualTo(credentialId);
            // A non-discoverable credential (requireResidentKey false) returns no user handle; a discoverable one, the user id.
            assertThat(signed.get("userHandle")).isIn("", user);
            JsonNode success = ok(api.post(factors + "/" + factorId + "/verify", "{\"clientData\":\"" + signed.get("clientDataJSON")
                    + "\",\"authenticatorData\":\"" + signed.get("authenticatorData") + "\",\"signatureData\":\"" + signed.get("signature") + "\"}"));
            assertThat(success.get("factorResult").asText()).isEqualTo("SUCCESS");

            // A second enrollment excludes the registered credential: the browser refuses, the page says why, nothing is posted.
            JsonNode second = ok(api.post(factors, "{\"factorType\":\"webauthn\",\"provider\":\"FIDO\"}"));
            posted.set(null);
            html.set(page("create", second.at("/_embedded/activation").toString(), "Set up a security key"));
            page.navigate(origin + "/webauthn-test");
            page.getByText("Set up a security key").click();
            assertThat(page.locator("[data-webauthn-error]")).isVisible();
            assertThat(page.locator("[data-webauthn-error]")).containsText("already set up");
            Chromium.screenshot(page, "webauthn-script-refused");
            assertThat(posted.get()).isNull();
        }
    }

    /** The throwaway page: one form as the integrator's pages will have it (the CSRF field is theirs; here a stand-in). */
    private static String page(String mode, String optionsJson, String button) {
        String attr = optionsJson.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;");
        return "<!doctype html><html><head><title>WebAuthn</title><script src=\"/assets/webauthn.js\"></script></head><body>"
                + "<form method=\"post\" action=\"/webauthn-test/done\" data-webauthn=\"" + mode + "\" data-options='" + attr + "'>"
                + "<input type=\"hidden\" name=\"csrf\" value=\"stand-in\">"
                + "<p data-webauthn-error hidden></p><button type=\"submit\">" + button + "</button></form></body></html>";
    }

    private static Map<String, String> form(String body) {
        assertThat(body).as("the form was posted").isNotNull();
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }
}
