package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.RequestOptions;
import dev.gatehouse.mfa.Totp;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.People;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample SPA in {@code samples/spa} (okta-auth-js from npm, served by {@code samples/spa/serve.mjs} on
 * {@code http://localhost:N}) against a real Gatehouse, in Debian's Chromium: sign in through the hosted page,
 * the callback's code exchange, the profile (ID token claims and /userinfo), "Renew now" rotating the refresh
 * token, and sign-out (revocation, then /v1/logout ending the session). Needs {@code node} and
 * {@code samples/spa/node_modules} ({@code npm ci} in samples/spa; .ci/run does it). Screenshots land in
 * {@code target/screenshots/sample-spa-*.png}.
 */
class SampleSpaBrowserTest {

    private static final Path SAMPLE = Path.of("samples", "spa");
    private static final ObjectMapper JSON = new ObjectMapper();

    static TestServer server;
    static Process spaServer;
    static final List<String> spaServerOutput = new ArrayList<>();
    static String spa;

    @BeforeAll
    static void start() throws Exception {
        Path bundle = SAMPLE.resolve("node_modules/@okta/okta-auth-js/umd/default.js");
        if (!Files.isRegularFile(bundle)) {
            throw new IllegalStateException("The sample SPA needs its npm packages: run 'npm ci' in " + SAMPLE.toAbsolutePath()
                    + " (.ci/run does it; './gatehouse sample-spa' does it when node_modules is missing). Missing: " + bundle);
        }
        int port = TestServer.freePort();
        try {
            spaServer = new ProcessBuilder("node", SAMPLE.resolve("serve.mjs").toString(), "--port", Integer.toString(port))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("The sample SPA test needs Node.js 20+ ('node' on the PATH) to run samples/spa/serve.mjs", e);
        }
        Thread.ofVirtual().start(() -> {
            try (var lines = spaServer.inputReader().lines()) {
                lines.forEach(line -> {
                    synchronized (spaServerOutput) {
                        spaServerOutput.add(line);
                    }
                });
            }
        });
        waitForPort(port);
        spa = "http://localhost:" + port;
        server = TestServer.start(TestDatabase.H2);
        trustOrigin(spa);
    }

    @AfterAll
    static void stop() {
        if (spaServer != null) {
            spaServer.destroy();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void signsInShowsTheProfileRenewsWithRotationAndSignsOut() throws Exception {
        String clientId = spaApp(true);
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            List<String> consoleErrors = new ArrayList<>();
            page.onConsoleMessage(m -> {
                if ("error".equals(m.type()) && !m.location().endsWith("/favicon.ico:0:0")) { // Gatehouse's pages have no icon
                    consoleErrors.add(m.text() + " at " + m.location());
                }
            });
            List<String> calls = new ArrayList<>(); // what okta-auth-js asked Gatehouse, in order
            page.onRequest(r -> {
                if (r.url().startsWith(server.url()) && !"OPTIONS".equals(r.method())) {
                    calls.add(r.method() + " " + URI.create(r.url()).getPath());
                }
            });
            page.onResponse(r -> {
                if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) {
                    consoleErrors.add(r.request().method() + " " + r.url() + " -> " + r.status());
                }
            });

            page.navigate(spa + "/?issuer=" + OAuthFlow.enc(server.url() + "/oauth2/default") + "&clientId=" + OAuthFlow.enc(clientId));
            assertThat(page.locator("#issuer")).hasText("Issuer: " + server.url() + "/oauth2/default");
            assertThat(page).hasURL(spa + "/");
            Chromium.screenshot(page, "sample-spa-01-home-signed-out");

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            page.waitForURL(Pattern.compile(Pattern.quote(server.url()) + "/signin.*"));
            assertThat(page.getByLabel("Username")).isVisible();
            Chromium.screenshot(page, "sample-spa-02-hosted-sign-in");
            page.getByLabel("Username").fill(TestServer.ADMIN);
            page.getByLabel("Password").fill(TestServer.ADMIN_PASSWORD);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();

            // /authorize → /login/callback?code=… → handleLoginRedirect() → /profile
            page.waitForURL(spa + "/profile", new Page.WaitForURLOptions().setTimeout(20_000));
            assertThat(page.locator("#claims")).containsText(TestServer.ADMIN);
            assertThat(page.locator("#claims")).containsText(server.url() + "/oauth2/default");
            assertThat(page.locator("#userinfo")).containsText(TestServer.ADMIN);
            assertThat(page.locator("#userinfo")).containsText("email_verified");
            assertThat(page.locator("#tokens")).containsText("offline_access");
            Chromium.screenshot(page, "sample-spa-03-profile");

            JsonNode before = tokenStorage(page);
            String firstRefresh = before.at("/refreshToken/refreshToken").asText();
            String firstAccess = before.at("/accessToken/accessToken").asText();
            assertThat(firstRefresh).as("refresh token stored by okta-auth-js").isNotBlank();
            assertThat(firstAccess).isNotBlank();
            assertThat(before.at("/idToken/claims/email").asText()).isEqualTo(TestServer.ADMIN);

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Renew now")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Tokens renewed at");
            JsonNode after = tokenStorage(page);
            String secondRefresh = after.at("/refreshToken/refreshToken").asText();
            String secondAccess = after.at("/accessToken/accessToken").asText();
            assertThat(secondRefresh).as("rotated refresh token").isNotBlank().isNotEqualTo(firstRefresh);
            assertThat(secondAccess).isNotBlank().isNotEqualTo(firstAccess);
            assertThat(introspect(clientId, secondAccess).get("active").asBoolean()).isTrue();
            Chromium.screenshot(page, "sample-spa-04-renewed");

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
            // revoke ×2 (XHR), then /v1/logout → post_logout_redirect_uri = the SPA's origin
            page.waitForURL(spa + "/", new Page.WaitForURLOptions().setTimeout(20_000));
            assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))).isVisible();
            Chromium.screenshot(page, "sample-spa-05-signed-out");
            assertThat(calls).containsSubsequence("GET /oauth2/default/.well-known/openid-configuration",
                    "GET /oauth2/default/v1/authorize", "POST /oauth2/default/v1/token", "GET /oauth2/default/v1/userinfo",
                    "POST /oauth2/default/v1/token", "POST /oauth2/default/v1/revoke", "POST /oauth2/default/v1/revoke",
                    "GET /oauth2/default/v1/logout");
            assertThat(page.evaluate("() => localStorage.getItem('okta-token-storage')")).as("tokens cleared")
                    .satisfiesAnyOf(v -> assertThat(v).isNull(), v -> assertThat(v).isEqualTo("{}"));

            // The Gatehouse session is gone for this browser: /api/v1/sessions/me with its cookies is a 404.
            var me = context.request().get(server.url() + "/api/v1/sessions/me",
                    RequestOptions.create().setHeader("Accept", "application/json"));
            assertThat(me.status()).as(me.text()).isEqualTo(404);
            // Both access tokens were revoked (signOut revokes the current one; revoking the refresh token revokes its family).
            assertThat(introspect(clientId, secondAccess).get("active").asBoolean()).isFalse();
            assertThat(introspect(clientId, firstAccess).get("active").asBoolean()).isFalse();
            assertThat(OAuthFlow.events(server, "user.session.end", "SUCCESS")).isGreaterThanOrEqualTo(1);

            // The profile route, reloaded directly (history fallback), now asks to sign in.
            page.navigate(spa + "/profile");
            assertThat(page.locator("main")).containsText("You are signed out.");
            assertThat(consoleErrors).as("browser console errors").isEmpty();
        }
    }

    /**
     * Issue #18 with okta-auth-js: the SPA asks for {@code acr_values=urn:okta:loa:2fa:any}; a person without a second
     * factor enrolls Google Authenticator on the hosted pages (the test reads the shown secret and computes the code, as
     * the app would), okta-auth-js accepts the tokens (it checks {@code acr} against what it asked), and the next sign-in
     * asks for the code. Screenshots: sample-spa-10 … 13.
     */
    @Test
    void twoFactorSignInFromOktaAuthJsEnrollsGoogleAuthenticatorThenAsksForItsCode() {
        activateGoogleAuthenticator();
        String login = "two-factors-" + System.nanoTime() + "@example.com";
        People.create(server.http(), login, PERSON_PASSWORD);
        String clientId = spaApp(true);
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(spa + "/?issuer=" + OAuthFlow.enc(server.url() + "/oauth2/default") + "&clientId=" + OAuthFlow.enc(clientId)
                    + "&acrValues=" + OAuthFlow.enc("urn:okta:loa:2fa:any"));
            signInAs(page, login);
            page.waitForURL(Pattern.compile(Pattern.quote(server.url()) + "/signin/enroll.*"));
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Set up security methods"))).isVisible();
            Chromium.screenshot(page, "sample-spa-10-enroll-choose");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Set up Google Authenticator")).click();
            assertThat(page.getByRole(AriaRole.IMG, new Page.GetByRoleOptions().setName("QR code for setting up Google Authenticator"))).isVisible();
            byte[] seed = Totp.fromBase32(page.locator("[data-secret]").textContent().replace(" ", ""));
            Chromium.screenshot(page, "sample-spa-11-enroll-google-authenticator");
            page.getByLabel("Enter code").fill("000000".equals(code(seed)) ? "111111" : "000000");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Verify")).click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("That code didn't match");
            page.getByLabel("Enter code").fill(code(seed));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Verify")).click();

            page.waitForURL(spa + "/profile", new Page.WaitForURLOptions().setTimeout(20_000));
            assertThat(page.locator("#assurance")).containsText("pwd, otp, mfa");
            assertThat(page.locator("#assurance")).containsText("urn:okta:loa:2fa:any");
            Chromium.screenshot(page, "sample-spa-12-profile-two-factors");

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
            page.waitForURL(spa + "/", new Page.WaitForURLOptions().setTimeout(20_000));
            server.clock.advance(Duration.ofSeconds(60));   // the next code: the first one was used
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            signInAs(page, login);
            page.waitForURL(Pattern.compile(Pattern.quote(server.url()) + "/signin/verify.*"));
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Verify it's you with a security method"))).isVisible();
            Chromium.screenshot(page, "sample-spa-13-verify-code");
            page.getByLabel("Enter the code shown in your authenticator app").fill(code(seed));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Verify")).click();
            page.waitForURL(spa + "/profile", new Page.WaitForURLOptions().setTimeout(20_000));
            assertThat(page.locator("#assurance")).containsText("pwd, otp, mfa");
        }
    }

    /**
     * A step-up from a password-only session: signed in with the password, the SPA's "Verify with a second factor" asks
     * okta-auth-js for {@code urn:okta:loa:2fa:any}; the existing session only adds the code. Screenshot: sample-spa-14.
     */
    @Test
    void aPasswordOnlySessionStepsUpToTwoFactorsWhenTheAppAsks() {
        activateGoogleAuthenticator();
        String login = "step-up-" + System.nanoTime() + "@example.com";
        String userId = People.create(server.http(), login, PERSON_PASSWORD);
        byte[] seed = enrollTotp(userId);
        server.clock.advance(Duration.ofSeconds(60));
        String clientId = spaApp(true);
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(spa + "/?issuer=" + OAuthFlow.enc(server.url() + "/oauth2/default") + "&clientId=" + OAuthFlow.enc(clientId));
            signInAs(page, login);
            page.waitForURL(spa + "/profile", new Page.WaitForURLOptions().setTimeout(20_000));
            assertThat(page.locator("#assurance")).containsText("pwd");
            assertThat(page.locator("#assurance")).not().containsText("mfa");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Verify with a second factor")).click();
            page.waitForURL(Pattern.compile(Pattern.quote(server.url()) + "/signin/verify.*"));
            Chromium.screenshot(page, "sample-spa-14-step-up-verify");
            page.getByLabel("Enter the code shown in your authenticator app").fill(code(seed));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Verify")).click();
            page.waitForURL(spa + "/profile", new Page.WaitForURLOptions().setTimeout(20_000));
            assertThat(page.locator("#assurance")).containsText("pwd, otp, mfa");
            assertThat(page.locator("#assurance")).containsText("urn:okta:loa:2fa:any");
        }
    }

    /**
     * A step-up the app's policy asks for (issue #18): signed in to one app with the password only, the person opens a
     * second app whose app sign-in policy asks for two factors (a new ACCESS_POLICY: Okta's Catch-all Rule is 2FA); the
     * existing session only adds the code. Screenshot: sample-spa-15.
     */
    @Test
    void anAppWhosePolicyAsksForTwoFactorsStepsUpAPasswordOnlySession() {
        activateGoogleAuthenticator();
        String login = "policy-" + System.nanoTime() + "@example.com";
        String userId = People.create(server.http(), login, PERSON_PASSWORD);
        byte[] seed = enrollTotp(userId);
        server.clock.advance(Duration.ofSeconds(60));
        String first = spaApp(true);
        JsonNode secondApp = spaAppJson(true);
        String second = secondApp.at("/credentials/oauthClient/client_id").asText();
        String secondAppId = secondApp.get("id").asText();
        Http.Response policy = server.http().send("POST", "/api/v1/policies", "{\"type\":\"ACCESS_POLICY\",\"name\":\"Two factors "
                + System.nanoTime() + "\"}", Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(policy.status()).as(policy.body()).isEqualTo(200);
        Http.Response assigned = server.http().send("PUT", "/api/v1/apps/" + secondAppId + "/policies/" + policy.json().get("id").asText(), "",
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(assigned.status()).as(assigned.body()).isEqualTo(204);
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(spa + "/?issuer=" + OAuthFlow.enc(server.url() + "/oauth2/default") + "&clientId=" + OAuthFlow.enc(first));
            signInAs(page, login);
            page.waitForURL(spa + "/profile", new Page.WaitForURLOptions().setTimeout(20_000));
            assertThat(page.locator("#assurance")).not().containsText("mfa");

            page.evaluate("() => localStorage.clear()");   // the sample keeps one app's tokens; now it is the other app
            page.navigate(spa + "/?clientId=" + OAuthFlow.enc(second));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            page.waitForURL(Pattern.compile(Pattern.quote(server.url()) + "/signin/verify.*"));
            Chromium.screenshot(page, "sample-spa-15-app-policy-step-up");
            page.getByLabel("Enter the code shown in your authenticator app").fill(code(seed));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Verify")).click();
            page.waitForURL(spa + "/profile", new Page.WaitForURLOptions().setTimeout(20_000));
            assertThat(page.locator("#assurance")).containsText("pwd, otp, mfa");
            assertThat(page.locator("#assurance")).containsText("(none asked)");
        }
    }

    /**
     * Consent (issue 17) with okta-auth-js: an app whose consent_method is REQUIRED asks for a scope whose consent is
     * REQUIRED; the first sign-in shows the hosted consent page, Allow Access continues to the tokens, and after signing out
     * and in again the page is not shown (the grant is remembered). Screenshot: sample-spa-16.
     */
    @Test
    void theFirstSignInAsksForConsentAndTheSecondDoesNot() {
        String login = "consent-" + System.nanoTime() + "@example.com";
        People.create(server.http(), login, PERSON_PASSWORD);
        String scope = "photos.read." + System.nanoTime();
        Http.Response created = server.http().send("POST", "/api/v1/authorizationServers/default/scopes", """
                {"name":"%s","displayName":"View your photos","description":"This allows the app to see the photos in your albums.",
                 "consent":"REQUIRED"}""".formatted(scope), Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode app = spaAppJson(true, "REQUIRED");
        String clientId = app.at("/credentials/oauthClient/client_id").asText();
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            List<String> visited = new ArrayList<>();
            page.onFrameNavigated(f -> visited.add(f.url()));
            page.navigate(spa + "/?issuer=" + OAuthFlow.enc(server.url() + "/oauth2/default") + "&clientId=" + OAuthFlow.enc(clientId)
                    + "&scopes=" + OAuthFlow.enc("openid profile email offline_access " + scope));
            signInAs(page, login);
            page.waitForURL(Pattern.compile(Pattern.quote(server.url()) + "/signin/consent.*"), new Page.WaitForURLOptions().setTimeout(20_000));
            assertThat(page.locator("h1")).containsText(app.get("label").asText() + " would like to access:");
            assertThat(page.locator("main")).containsText("View your photos");
            assertThat(page.locator("main")).containsText("This allows the app to see the photos in your albums.");
            Chromium.screenshot(page, "sample-spa-16-consent");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Allow Access")).click();
            page.waitForURL(spa + "/profile", new Page.WaitForURLOptions().setTimeout(20_000));
            assertThat(page.locator("#tokens")).containsText(scope);

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
            page.waitForURL(spa + "/", new Page.WaitForURLOptions().setTimeout(20_000));
            visited.clear();
            signInAs(page, login);
            page.waitForURL(spa + "/profile", new Page.WaitForURLOptions().setTimeout(20_000));
            assertThat(page.locator("#tokens")).containsText(scope);
            assertThat(visited).as("the second sign-in does not show the consent page").noneMatch(u -> u.contains("/signin/consent"));
        }
    }

    static final String PERSON_PASSWORD = "Correct-Horse-Battery-9";

    /** From the SPA's home page: Sign in, then the hosted page's form. */
    private static void signInAs(Page page, String login) {
        if (!page.url().startsWith(server.url())) {
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        }
        page.waitForURL(Pattern.compile(Pattern.quote(server.url()) + "/signin.*"));
        page.getByLabel("Username").fill(login);
        page.getByLabel("Password").fill(PERSON_PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    }

    /** The code an authenticator app shows now (the server's clock). */
    private static String code(byte[] seed) {
        return Totp.code(seed, Totp.step(server.clock.instant()));
    }

    private static void activateGoogleAuthenticator() {
        Http.Response r = server.http().send("POST", "/api/v1/authenticators/aut1Gatehouse0Google/lifecycle/activate", "",
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(r.status()).as(r.body()).isIn(200, 400);   // 400: already active
    }

    /** Enrolls and activates Google Authenticator for a user through the Factors API; the seed. */
    private static byte[] enrollTotp(String userId) {
        Http.Response e = server.http().send("POST", "/api/v1/users/" + userId + "/factors",
                "{\"factorType\":\"token:software:totp\",\"provider\":\"GOOGLE\"}", Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(e.status()).as(e.body()).isEqualTo(200);
        byte[] seed = Totp.fromBase32(e.json().at("/_embedded/activation/sharedSecret").asText());
        Http.Response a = server.http().send("POST", "/api/v1/users/" + userId + "/factors/" + e.json().get("id").asText() + "/lifecycle/activate",
                "{\"passCode\":\"" + code(seed) + "\"}", Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return seed;
    }

    @Test
    void aRefusedSignInIsShownReadably() {
        String clientId = spaApp(false); // assigned to nobody: /authorize answers the callback with access_denied
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(spa + "/?issuer=" + OAuthFlow.enc(server.url() + "/oauth2/default") + "&clientId=" + OAuthFlow.enc(clientId));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            page.getByLabel("Username").fill(TestServer.ADMIN);
            page.getByLabel("Password").fill(TestServer.ADMIN_PASSWORD);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("Sign-in failed");
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("OAuthError");
            assertThat(page).hasURL(spa + "/");
            Chromium.screenshot(page, "sample-spa-07-sign-in-refused");
        }
    }

    /**
     * The mistake the guide's note warns about: the SPA uses the client ID of an app made with the platform Web. Sign-in
     * at Gatehouse works, then the code exchange at /token carries no secret (the SPA has none) and fails. okta-auth-js
     * turns the answer into {@code OAuthError} with {@code errorCode} {@code invalid_client} and {@code errorSummary} =
     * the {@code error_description}; Okta's first sentence ("Client authentication failed. …") is followed by
     * Gatehouse's explanation, which the sample shows as it is.
     */
    @Test
    void aWebAppsClientIdFailsAtTheTokenEndpointSayingASinglePageAppCannotKeepASecret() {
        String body = """
                {"name":"oidc_client","label":"Web app used as a SPA","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"client_secret_basic"}},
                 "settings":{"implicitAssignment":true,"oauthClient":{"application_type":"web",
                   "redirect_uris":["%s/login/callback"],"post_logout_redirect_uris":["%s"],
                   "grant_types":["authorization_code"]}}}""".formatted(spa, spa);
        Http.Response created = server.http().send("POST", "/api/v1/apps", body, Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String clientId = created.json().get("credentials").get("oauthClient").get("client_id").asText();
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(spa + "/?issuer=" + OAuthFlow.enc(server.url() + "/oauth2/default") + "&clientId=" + OAuthFlow.enc(clientId));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            page.getByLabel("Username").fill(TestServer.ADMIN);
            page.getByLabel("Password").fill(TestServer.ADMIN_PASSWORD);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            var alert = page.getByRole(AriaRole.ALERT);
            assertThat(alert).containsText("Sign-in failed");
            assertThat(alert).containsText("OAuthError (invalid_client)");
            assertThat(alert).containsText("Client authentication failed. Either the client or the client credentials are invalid.");
            assertThat(alert).containsText("a single-page app cannot keep one");
            assertThat(alert).containsText("Single-Page App (SPA)");
            Chromium.screenshot(page, "sample-spa-08-web-app-client-id");

            // The app's page in the console says the same where the admin looks (the admin's session is this browser's).
            page.navigate(server.url() + "/admin/apps/" + clientId);
            assertThat(page.getByRole(AriaRole.NOTE)).containsText("Not for single-page apps.");
            assertThat(page.getByRole(AriaRole.NOTE)).containsText("Single-Page App (SPA)");
            Chromium.screenshot(page, "sample-spa-09-web-app-page");
        }
    }

    @Test
    void withoutAClientIdTheAppSaysHowToConfigureIt() {
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(spa + "/some/deep/route");
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("No client ID yet");
            assertThat(page.locator("#issuer")).hasText("Issuer: http://localhost:9000/oauth2/default");
            Chromium.screenshot(page, "sample-spa-06-not-configured");
        }
    }

    private static JsonNode tokenStorage(Page page) throws IOException {
        Object raw = page.evaluate("() => localStorage.getItem('okta-token-storage')");
        assertThat(raw).as("okta-token-storage").isNotNull();
        return JSON.readTree((String) raw);
    }

    /** {@code /introspect} as the SPA's client (public: client_id in the form). */
    private static JsonNode introspect(String clientId, String accessToken) {
        Http.Response r = server.http().send("POST", "/oauth2/default/v1/introspect",
                OAuthFlow.encode("token", accessToken, "token_type_hint", "access_token", "client_id", clientId),
                "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** The sample's app integration, as Okta's SPA guide makes it: PKCE, refresh tokens with rotation, assigned to everyone. */
    private static String spaApp(boolean assignedToEveryone) {
        return spaAppJson(assignedToEveryone).get("credentials").get("oauthClient").get("client_id").asText();
    }

    /** As {@link #spaApp}, the whole app JSON. */
    private static JsonNode spaAppJson(boolean assignedToEveryone) {
        return spaAppJson(assignedToEveryone, "TRUSTED");
    }

    /** As {@link #spaApp}, the whole app JSON, with this {@code consent_method}. */
    private static JsonNode spaAppJson(boolean assignedToEveryone, String consentMethod) {
        String body = """
                {"name":"oidc_client","label":"Sample SPA","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"none","pkce_required":true}},
                 "settings":{"implicitAssignment":%s,"oauthClient":{"application_type":"browser",
                   "redirect_uris":["%s/login/callback"],"post_logout_redirect_uris":["%s"],
                   "response_types":["code"],"grant_types":["authorization_code","refresh_token"],
                   "refresh_token":{"rotation_type":"ROTATE","leeway":30},"consent_method":"%s"}}}""".formatted(assignedToEveryone, spa, spa,
                consentMethod);
        Http.Response r = server.http().send("POST", "/api/v1/apps", body, Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** A trusted origin for CORS (okta-auth-js's XHRs) and Redirect. */
    private static void trustOrigin(String origin) {
        String body = """
                {"name":"Sample SPA","origin":"%s","scopes":[{"type":"CORS"},{"type":"REDIRECT"}]}""".formatted(origin);
        Http.Response r = server.http().send("POST", "/api/v1/trustedOrigins", body,
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static void waitForPort(int port) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(deadline)) {
            if (!spaServer.isAlive()) {
                throw new IllegalStateException("node samples/spa/serve.mjs exited (" + spaServer.exitValue() + "): " + output());
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("node samples/spa/serve.mjs did not listen on " + port + " within 15 s: " + output());
    }

    private static String output() {
        synchronized (spaServerOutput) {
            return String.join("\n", spaServerOutput);
        }
    }
}
