package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Request;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.authn.AuthnClient;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.SampleSpaServer;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #20's acceptance in Chromium: a page of the app's own (an embedded sign-in form, as Okta's "Classic" SPAs had)
 * uses okta-auth-js 8.0.1 from npm (the real SDK, {@code samples/spa/node_modules}) against a real Gatehouse:
 * {@code signInWithCredentials} → {@code POST /api/v1/authn} (CORS, with credentials) → a sessionToken, then
 * {@code token.getWithoutPrompt({sessionToken})} (a hidden iframe: {@code /authorize?prompt=none&response_mode=okta_post_message
 * &sessionToken=…}, then {@code /token} with PKCE) or {@code session.setCookieAndRedirect} ({@code /login/sessionCookieRedirect});
 * with a required Google Authenticator factor ({@code MFA_REQUIRED} → {@code factors[0].verify({passCode})}); a wrong
 * password (an {@code AuthApiError} E0000004); and a page on an origin that is not trusted, whose request the browser
 * never sends (the CORS preflight fails), so no password is checked.
 *
 * <p>The page is served by a JDK HTTP server of this test on {@code http://127.0.0.1:P}, a CORS and Redirect trusted origin
 * (where the app's redirect URI is); the SDK's script comes from the sample SPA's server ({@link SampleSpaServer}, its
 * {@code node_modules}). A second such server on another port serves the same page from an origin trusted for nothing.
 * (Not Playwright's routing: Chromium counts a routed page as public, and its Local Network Access check then refuses the
 * page's requests to Gatehouse on the loopback address before any CORS.) Gatehouse is on {@code http://127.0.0.1:M}, the
 * same site, so its {@code SameSite=Lax} session cookie goes with the SDK's credentialed requests. The server's clock is
 * moved only by the TOTP set-up (30 s, within okta-auth-js's 300 s skew for an ID token's {@code iat}).
 * Screenshots: {@code target/screenshots/embedded-sign-in-*.png}.
 */
class EmbeddedSignInBrowserTest {

    static TestServer server;
    static SampleSpaServer spa;
    static AuthnClient authn;
    static String clientId;
    static String issuer;
    static HttpServer appSite;
    static HttpServer otherSite;
    /** The app's origin: a CORS and Redirect trusted origin, where the app's redirect URI is. */
    static String app;
    /** Another origin serving the same page, trusted for nothing. */
    static String untrusted;

    @BeforeAll
    static void start() {
        spa = SampleSpaServer.start("127.0.0.1", "node_modules/@okta/okta-auth-js/umd/default.js");
        server = TestServer.start(TestDatabase.H2);
        authn = new AuthnClient(server);
        issuer = server.url() + "/oauth2/default";
        appSite = site();
        otherSite = site();
        app = "http://127.0.0.1:" + appSite.getAddress().getPort();
        untrusted = "http://127.0.0.1:" + otherSite.getAddress().getPort();
        trust(app);
        clientId = SampleSpaServer.spaApp(server, "Embedded sign-in", List.of(app + "/login/callback"), List.of(app), 30);
    }

    @AfterAll
    static void stop() {
        if (appSite != null) {
            appSite.stop(0);
        }
        if (otherSite != null) {
            otherSite.stop(0);
        }
        if (spa != null) {
            spa.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPasswordBecomesASessionTokenThenTokensThroughTheHiddenIframe() {
        AuthnClient.Person p = authn.person();
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            List<Request> requests = watch(page);
            open(page, app);

            Map<String, Object> tx = call(page, "signIn", p.login(), AuthnClient.PASSWORD);
            assertThat(tx).as(tx.toString()).containsEntry("status", "SUCCESS").containsEntry("login", p.login());
            String sessionToken = (String) tx.get("sessionToken");
            assertThat(sessionToken).isNotBlank();
            Map<String, String> sent = only(requests, "POST", "/api/v1/authn").allHeaders();
            assertThat(sent).containsEntry("origin", app).containsEntry("content-type", "application/json")
                    .containsEntry("x-okta-user-agent-extended", "okta-auth-js/8.0.1");

            Map<String, Object> tokens = call(page, "tokens", sessionToken);
            assertThat(tokens).as(tokens.toString()).containsEntry("sub", p.id()).containsEntry("preferred_username", p.login());
            Chromium.screenshot(page, "embedded-sign-in-01-tokens");

            // The iframe's request as okta-auth-js built it, and its code exchanged with PKCE.
            Request authorize = only(requests, "GET", "/oauth2/default/v1/authorize");
            assertThat(authorize.frame().parentFrame()).as("/authorize loaded in an iframe, not the page").isNotNull();
            Map<String, String> query = OAuthFlow.query(URI.create(authorize.url()).getRawQuery());
            assertThat(query).containsEntry("sessionToken", sessionToken).containsEntry("prompt", "none")
                    .containsEntry("response_mode", "okta_post_message").containsEntry("response_type", "code")
                    .containsEntry("code_challenge_method", "S256").containsEntry("client_id", clientId);
            assertThat(OAuthFlow.query(only(requests, "POST", "/oauth2/default/v1/token").postData()))
                    .containsEntry("grant_type", "authorization_code").containsKey("code_verifier");

            // The tokens read back into Java: the ID token names the person; the access token is live.
            JsonNode id = OAuthFlow.claims((String) tokens.get("idToken"));
            assertThat(id.get("sub").asText()).isEqualTo(p.id());
            assertThat(id.get("iss").asText()).isEqualTo(issuer);
            assertThat(id.get("amr").toString()).isEqualTo("[\"pwd\"]");
            JsonNode introspected = SampleSpaServer.introspect(server, clientId, (String) tokens.get("accessToken"));
            assertThat(introspected.get("active").asBoolean()).isTrue();
            assertThat(introspected.get("sub").asText()).isEqualTo(p.login());

            // The sessionToken was used once: a second redemption gets login_required, shown by the SDK as an OAuthError.
            Map<String, Object> again = call(page, "tokens", sessionToken);
            assertThat(again).as(again.toString()).containsEntry("name", "OAuthError").containsEntry("errorCode", "login_required");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRequiredGoogleAuthenticatorCodeIsVerifiedThenTheTokensSayOtp() {
        AuthnClient.Person p = authn.person();
        AuthnClient.Factor factor = authn.totp(p); // moves the server's clock 30 s on: within okta-auth-js's 300 s skew for iat
        String policy = authn.requireFactorFor(p.id());
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            open(page, app);

            Map<String, Object> tx = call(page, "signIn", p.login(), AuthnClient.PASSWORD);
            assertThat(tx).as(tx.toString()).containsEntry("status", "MFA_REQUIRED").doesNotContainKey("sessionToken");
            assertThat(tx.get("factors")).as(tx.toString()).isEqualTo(List.of(Map.of("id", factor.id(),
                    "factorType", "token:software:totp", "provider", "GOOGLE")));

            Map<String, Object> verified = call(page, "verifyFirstFactor", authn.code(factor.seed()));
            assertThat(verified).as(verified.toString()).containsEntry("status", "SUCCESS").containsEntry("login", p.login());

            Map<String, Object> tokens = call(page, "tokens", (String) verified.get("sessionToken"));
            assertThat(tokens).as(tokens.toString()).containsEntry("sub", p.id());
            assertThat((List<Object>) tokens.get("amr")).as("amr in the page").contains("pwd", "otp", "mfa");
            Chromium.screenshot(page, "embedded-sign-in-02-mfa-tokens");
            JsonNode id = OAuthFlow.claims((String) tokens.get("idToken"));
            assertThat(id.get("sub").asText()).isEqualTo(p.id());
            assertThat(id.get("amr").toString()).contains("\"otp\"", "\"mfa\"");
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    @Test
    void setCookieAndRedirectComesBackToThePageWithAGatehouseSession() {
        AuthnClient.Person p = authn.person();
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            List<Request> requests = watch(page);
            open(page, app);
            assertThat(call(page, "session")).as("no session before").containsEntry("status", "INACTIVE").containsEntry("exists", false);

            Map<String, Object> tx = call(page, "signIn", p.login(), AuthnClient.PASSWORD);
            assertThat(tx).as(tx.toString()).containsEntry("status", "SUCCESS");
            String landing = app + "/embedded/landing?" + config();
            page.evaluate("([token, url]) => authClient.session.setCookieAndRedirect(token, url)", List.of(tx.get("sessionToken"), landing));
            page.waitForURL(landing, new Page.WaitForURLOptions().setTimeout(20_000));

            Request redirect = only(requests, "GET", "/login/sessionCookieRedirect");
            assertThat(redirect.isNavigationRequest()).as("a top-level navigation").isTrue();
            assertThat(OAuthFlow.query(URI.create(redirect.url()).getRawQuery())).containsEntry("token", (String) tx.get("sessionToken"))
                    .containsEntry("redirectUrl", landing).containsEntry("checkAccountSetupComplete", "true");

            Map<String, Object> session = call(page, "session");
            assertThat(session).as(session.toString()).containsEntry("exists", true).containsEntry("status", "ACTIVE")
                    .containsEntry("login", p.login()).containsEntry("userId", p.id());
            assertThat(page.locator("#log")).containsText("ACTIVE");
            Chromium.screenshot(page, "embedded-sign-in-03-session-after-redirect");
        }
    }

    @Test
    void aWrongPasswordRejectsWithAnAuthApiErrorE0000004() {
        AuthnClient.Person p = authn.person();
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            open(page, app);
            Map<String, Object> refused = call(page, "signIn", p.login(), "Wrong-Password-1");
            assertThat(refused).as(refused.toString()).containsEntry("name", "AuthApiError").containsEntry("errorCode", "E0000004")
                    .containsEntry("errorSummary", "Authentication failed").containsEntry("httpStatus", 401);
            assertThat(page.locator("#log")).containsText("E0000004");
            Chromium.screenshot(page, "embedded-sign-in-04-wrong-password");
        }
        assertThat(passwordChecks(p.login())).as("the failure is in the System Log").isEqualTo(1);
    }

    @Test
    void fromAnOriginThatIsNotTrustedTheBrowserSendsNoPassword() {
        AuthnClient.Person p = authn.person();
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            List<String> console = new CopyOnWriteArrayList<>();
            page.onConsoleMessage(m -> console.add(m.text()));
            List<Request> requests = watch(page);
            open(page, untrusted);

            Map<String, Object> failed = call(page, "signIn", p.login(), AuthnClient.PASSWORD);
            assertThat(failed).as(failed.toString()).containsEntry("name", "AuthApiError").doesNotContainKey("status")
                    .doesNotContainKey("sessionToken");
            assertThat(failed.get("errorCode")).as("no answer from Gatehouse reached the page").isNull();
            assertThat(failed.get("errorSummary")).isEqualTo("Failed to fetch");
            // The preflight (okta-auth-js's JSON POST with its own header needs one) was answered without an
            // Access-Control-Allow-Origin, so Chromium never sent the POST with the password.
            assertThat(console).as("Chromium's reason").anyMatch(m -> m.contains("blocked by CORS policy")
                    && m.contains("Response to preflight request doesn't pass access control check"));
            assertThat(only(requests, "POST", "/api/v1/authn").failure()).isEqualTo("net::ERR_FAILED");
            Chromium.screenshot(page, "embedded-sign-in-05-untrusted-origin");
        }
        assertThat(passwordChecks(p.login())).as("no password check for the untrusted origin").isZero();

        // The control: the same wrong-or-right question from the trusted origin is checked, and logged.
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            open(page, app);
            assertThat(call(page, "signIn", p.login(), "Wrong-Password-1")).containsEntry("errorCode", "E0000004");
        }
        assertThat(passwordChecks(p.login())).isEqualTo(1);
    }

    // ---- the page ----

    /** A JDK HTTP server on a free port of 127.0.0.1 answering every path with {@link #PAGE}: an origin of its own. */
    private static HttpServer site() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            byte[] html = PAGE.replace("SDK_ORIGIN", spa.origin).getBytes(StandardCharsets.UTF_8);
            s.createContext("/", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, html.length);
                exchange.getResponseBody().write(html);
                exchange.close();
            });
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The origin as a CORS and Redirect trusted origin, as Okta's guide for an embedded sign-in page requires. */
    private static void trust(String origin) {
        String body = """
                {"name":"Embedded sign-in %s","origin":"%s","scopes":[{"type":"CORS"},{"type":"REDIRECT"}]}""".formatted(origin, origin);
        Http.Response r = server.http().send("POST", "/api/v1/trustedOrigins", body,
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static String config() {
        return "issuer=" + OAuthFlow.enc(issuer) + "&clientId=" + OAuthFlow.enc(clientId);
    }

    /** The embedded sign-in page on this origin, with okta-auth-js loaded and {@code authClient} made. */
    private static void open(Page page, String origin) {
        page.navigate(origin + "/embedded/?" + config());
        page.waitForFunction("() => window.ready === true || window.ready instanceof Error");
        Object ready = page.evaluate("() => String(window.ready)");
        assertThat(ready).as("the page made its OktaAuth").isEqualTo("true");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(Page page, String function, Object... args) {
        Object r = page.evaluate("([f, args]) => window[f](...args)", List.of(function, List.of(args)));
        return (Map<String, Object>) r;
    }

    /**
     * The page: an OktaAuth for the issuer and client in its query (redirect URI {@code <origin>/login/callback}, tokens
     * in memory), and one function per step; each answers a plain object (a refusal as the SDK's error's fields) and
     * writes it to {@code #log}.
     */
    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Embedded sign-in (okta-auth-js)</title>
            <script src="SDK_ORIGIN/node_modules/@okta/okta-auth-js/umd/default.js"></script></head>
            <body>
            <h1>Embedded sign-in with okta-auth-js</h1>
            <p id="origin"></p>
            <pre id="log"></pre>
            <script>
            const q = new URLSearchParams(location.search);
            document.getElementById('origin').textContent = 'Page origin: ' + location.origin;
            function show(step, value) {
              const short = (k, v) => typeof v === 'string' && v.length > 40 ? v.slice(0, 20) + '…' + v.slice(-8) : v; // tokens shown short
              document.getElementById('log').textContent += step + ': ' + JSON.stringify(value, short, 1) + '\\n';
              return value;
            }
            function failure(e) {
              return { name: e.name, errorCode: e.errorCode ?? null, errorSummary: e.errorSummary ?? e.message,
                       httpStatus: e.xhr?.status ?? null };
            }
            function transaction(tx) {
              const r = { status: tx.status };
              if (tx.sessionToken) r.sessionToken = tx.sessionToken;
              if (tx.user) r.login = tx.user.profile.login;
              if (tx.factors) r.factors = tx.factors.map(f => ({ id: f.id, factorType: f.factorType, provider: f.provider }));
              return r;
            }
            try {
              window.authClient = new OktaAuth.OktaAuth({
                issuer: q.get('issuer'), clientId: q.get('clientId'), scopes: ['openid', 'profile', 'email'],
                redirectUri: location.origin + '/login/callback', tokenManager: { storage: 'memory' },
              });
              window.ready = true;
            } catch (e) {
              window.ready = e;
              show('config', failure(e));
            }
            let current = null;
            window.signIn = async (username, password) => {
              try {
                current = await authClient.signInWithCredentials({ username, password });
                return show('signInWithCredentials', transaction(current));
              } catch (e) { return show('signInWithCredentials', failure(e)); }
            };
            window.verifyFirstFactor = async (passCode) => {
              try {
                current = await current.factors[0].verify({ passCode });
                return show('verify', transaction(current));
              } catch (e) { return show('verify', failure(e)); }
            };
            window.tokens = async (sessionToken) => {
              try {
                const { tokens } = await authClient.token.getWithoutPrompt({ sessionToken });
                const c = tokens.idToken.claims;
                return show('getWithoutPrompt', { sub: c.sub, preferred_username: c.preferred_username, amr: c.amr,
                  idToken: tokens.idToken.idToken, accessToken: tokens.accessToken.accessToken });
              } catch (e) { return show('getWithoutPrompt', failure(e)); }
            };
            window.session = async () => {
              const exists = await authClient.session.exists();
              const s = await authClient.session.get();
              return show('session', { exists, status: s.status, login: s.login ?? null, userId: s.userId ?? null });
            };
            </script>
            </body>
            </html>
            """;

    // ---- Gatehouse's side ----

    /** {@code user.session.start} events naming this login: one per password check, success or failure. */
    private static int passwordChecks(String login) {
        Http.Response r = server.http().send("GET", "/api/v1/logs?filter=" + OAuthFlow.enc("eventType eq \"user.session.start\""), null,
                Http.ssws(TestServer.API_TOKEN));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        int n = 0;
        for (JsonNode e : r.json()) {
            if (login.equalsIgnoreCase(e.at("/actor/alternateId").asText())) {
                n++;
            }
        }
        return n;
    }

    /** Every request this page (and its frames) sends to Gatehouse, in order; preflights left out. */
    private static List<Request> watch(Page page) {
        List<Request> requests = new CopyOnWriteArrayList<>();
        page.onRequest(r -> {
            if (r.url().startsWith(server.url()) && !"OPTIONS".equals(r.method())) {
                requests.add(r);
            }
        });
        return requests;
    }

    private static Request only(List<Request> requests, String method, String path) {
        List<Request> found = new ArrayList<>();
        for (Request r : requests) {
            if (method.equals(r.method()) && URI.create(r.url()).getPath().equals(path)) {
                found.add(r);
            }
        }
        assertThat(found).as(method + " " + path + " among " + requests.stream().map(r -> r.method() + " " + URI.create(r.url()).getPath()).toList())
                .hasSize(1);
        return found.getFirst();
    }
}
