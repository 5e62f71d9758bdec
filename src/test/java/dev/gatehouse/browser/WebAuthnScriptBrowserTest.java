package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.OAuthFlow;
import com.microsoft.playwright.options.AriaRole;
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

    /**
     * Issue #18's acceptance in Chromium with its virtual authenticator: an app asks for two factors
     * ({@code acr_values=urn:okta:loa:2fa:any}); a person with only a password enrolls a passkey on the hosted pages
     * (the browser's own dialog: here the virtual authenticator), the app gets a code whose tokens say {@code hwk} and
     * {@code mfa}; signed in again, the person verifies with the passkey. Screenshots: webauthn-signin-01 … 04.
     */
    @Test
    void theHostedPagesEnrollAPasskeyAndVerifyWithIt() {
        ApiClient api = ApiClient.of(server);
        for (JsonNode a : ok(api.get("/api/v1/authenticators"))) {
            if (a.get("key").asText().equals("webauthn") && !a.get("status").asText().equals("ACTIVE")) {
                ok(api.post("/api/v1/authenticators/" + a.get("id").asText() + "/lifecycle/activate", null));
            }
        }
        String login = "ada-" + System.nanoTime() + "@example.com";
        People.create(server.http(), login, "Analytical-Engine-1843");
        // The app's callback: a real listener (Playwright does not route a request reached by a redirect).
        com.sun.net.httpserver.HttpServer app;
        try {
            app = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        AtomicReference<String> callback = new AtomicReference<>();
        app.createContext("/callback", exchange -> {
            callback.set("http://localhost" + exchange.getRequestURI());
            byte[] body = "<p id=cb>back at the app</p>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        app.start();
        String redirect = "http://localhost:" + app.getAddress().getPort() + "/callback";
        JsonNode created = ok(api.post("/api/v1/apps", """
                {"name":"oidc_client","label":"Passkey SPA","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"none","pkce_required":true}},
                 "settings":{"implicitAssignment":true,"oauthClient":{"application_type":"browser","redirect_uris":["%s"],
                   "response_types":["code"],"grant_types":["authorization_code"],"consent_method":"TRUSTED"}}}""".formatted(redirect)));
        String clientId = created.at("/credentials/oauthClient/client_id").asText();
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

            String verifier = OAuthFlow.randomVerifier();
            String authorize = origin + "/oauth2/default/v1/authorize?client_id=" + OAuthFlow.enc(clientId) + "&redirect_uri="
                    + OAuthFlow.enc(redirect) + "&response_type=code&scope=openid%20profile&state=s1&nonce="
                    + OAuthFlow.freshNonce() + "&code_challenge=" + OAuthFlow.challenge(verifier)
                    + "&code_challenge_method=S256&acr_values=urn%3Aokta%3Aloa%3A2fa%3Aany";
            page.navigate(authorize);
            page.getByLabel("Username").fill(login);
            page.getByLabel("Password").fill("Analytical-Engine-1843");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Set up security methods"))).isVisible();
            Chromium.screenshot(page, "webauthn-signin-01-choose");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Set up Security Key or Biometric")).click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Set up Security Key or Biometric"))).isVisible();
            Chromium.screenshot(page, "webauthn-signin-02-set-up");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Set up").setExact(true)).click();
            assertThat(page.locator("#cb")).isVisible();
            JsonNode id = tokens(clientId, redirect, callback.get(), verifier);
            org.assertj.core.api.Assertions.assertThat(id.get("amr").toString()).isEqualTo("[\"pwd\",\"hwk\",\"user\",\"mfa\"]");
            org.assertj.core.api.Assertions.assertThat(id.get("acr").asText()).isEqualTo("urn:okta:loa:2fa:any");

            // Signed in again (a new session): the passkey is asked for and verifies.
            context.clearCookies();
            String verifier2 = OAuthFlow.randomVerifier();
            page.navigate(authorize.replace(OAuthFlow.challenge(verifier), OAuthFlow.challenge(verifier2))
                    .replaceAll("nonce=[^&]+", "nonce=" + OAuthFlow.freshNonce()));
            page.getByLabel("Username").fill(login);
            page.getByLabel("Password").fill("Analytical-Engine-1843");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Verify it's you with a security method"))).isVisible();
            Chromium.screenshot(page, "webauthn-signin-03-verify");
            callback.set(null);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Verify with Security Key or Biometric")).click();
            assertThat(page.locator("#cb")).isVisible();
            JsonNode again = tokens(clientId, redirect, callback.get(), verifier2);
            org.assertj.core.api.Assertions.assertThat(again.get("amr").toString()).contains("hwk", "mfa");
            Chromium.screenshot(page, "webauthn-signin-04-back-at-the-app");
        } finally {
            app.stop(0);
        }
    }

    /** The ID token's claims for the code in a callback URL. */
    private static JsonNode tokens(String clientId, String redirect, String callbackUrl, String verifier) {
        org.assertj.core.api.Assertions.assertThat(callbackUrl).as("the app got an answer").isNotNull();
        String code = OAuthFlow.parameters(callbackUrl).get("code");
        org.assertj.core.api.Assertions.assertThat(code).as(callbackUrl).isNotNull();
        var r = server.http().send("POST", "/oauth2/default/v1/token", OAuthFlow.encode("grant_type", "authorization_code",
                "client_id", clientId, "redirect_uri", redirect, "code", code, "code_verifier", verifier),
                "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json");
        org.assertj.core.api.Assertions.assertThat(r.status()).as(r.body()).isEqualTo(200);
        return OAuthFlow.claims(r.json().get("id_token").asText());
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
