package dev.gatehouse.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
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
import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * CORS in real Chromium, with two more local origins (a tiny page served on two other ports of 127.0.0.1): the page
 * from the trusted origin exchanges a real authorization code at {@code /token} and reads {@code /api/v1/sessions/me}
 * with the session cookie; the same page from the untrusted origin is blocked by Chromium itself; deactivating the
 * origin blocks the first page too, at once. Screenshots land in {@code target/screenshots/origins-*.png}.
 */
class TrustedOriginsBrowserTest {

    /** The SPA's page: shows what its script got, so the screenshots tell the story. */
    private static final String PAGE = """
            <!doctype html><html><head><meta charset="utf-8"><title>SPA</title></head>
            <body style="font-family: sans-serif"><h1>A page at <span id="origin"></span></h1><pre id="out">(nothing fetched yet)</pre>
            <script>document.getElementById('origin').textContent = location.origin;</script></body></html>""";

    /** Runs in the page: a fetch as okta-auth-js makes it; {ok, status, json} or {ok:false, error} when the browser blocks it. */
    private static final String FETCH = """
            async ([url, method, body, credentials]) => {
              const out = document.getElementById('out');
              try {
                const headers = {'Accept': 'application/json', 'X-Okta-User-Agent-Extended': 'okta-auth-js/7.8.1'};
                if (body) headers['Content-Type'] = 'application/x-www-form-urlencoded';
                const r = await fetch(url, {method, body: body || undefined, headers, credentials: credentials ? 'include' : 'same-origin'});
                const result = {ok: true, status: r.status, json: await r.json()};
                out.textContent = method + ' ' + url + '\\n' + JSON.stringify(result, null, 2);
                return result;
              } catch (e) {
                out.textContent = method + ' ' + url + '\\nblocked by the browser: ' + e.name + ': ' + e.message;
                return {ok: false, error: e.name};
              }
            }""";

    static TestServer server;
    static HttpServer trustedSite;
    static HttpServer untrustedSite;
    static String trusted;
    static String untrusted;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2);
        trustedSite = site();
        untrustedSite = site();
        trusted = "http://127.0.0.1:" + trustedSite.getAddress().getPort();
        untrusted = "http://127.0.0.1:" + untrustedSite.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        trustedSite.stop(0);
        untrustedSite.stop(0);
        server.close();
    }

    @Test
    void onlyTheTrustedOriginsPageMayCallGatehouseAndOnlyWhileItIsActive() {
        String clientId = spa(trusted + "/login/callback");
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            String originId = addOriginInTheConsole(page, trusted);

            String verifier = OAuthFlow.randomVerifier();
            page.navigate(server.url() + "/oauth2/default/v1/authorize?client_id=" + clientId + "&redirect_uri="
                    + OAuthFlow.enc(trusted + "/login/callback") + "&response_type=code&scope=openid%20profile&state=s1&nonce=" + OAuthFlow.freshNonce()
                    + "&code_challenge=" + OAuthFlow.challenge(verifier) + "&code_challenge_method=S256");
            String code = OAuthFlow.query(URI.create(page.url()).getRawQuery()).get("code");
            assertThat(page.url()).startsWith(trusted + "/login/callback?");
            assertThat(code).isNotBlank();

            Map<String, Object> token = fetch(page, "/oauth2/default/v1/token", "POST", OAuthFlow.encode("grant_type", "authorization_code",
                    "client_id", clientId, "redirect_uri", trusted + "/login/callback", "code", code, "code_verifier", verifier), false);
            assertThat(token).containsEntry("ok", true).containsEntry("status", 200);
            assertThat(json(token)).containsKeys("access_token", "id_token").containsEntry("token_type", "Bearer");
            Chromium.screenshot(page, "origins-02-trusted-page-exchanged-a-code");

            Map<String, Object> replay = fetch(page, "/oauth2/default/v1/token", "POST", OAuthFlow.encode("grant_type", "authorization_code",
                    "client_id", clientId, "redirect_uri", trusted + "/login/callback", "code", code, "code_verifier", verifier), false);
            assertThat(replay).as("a /token error is readable too").containsEntry("ok", true).containsEntry("status", 400);
            assertThat(json(replay)).containsEntry("error", "invalid_grant");

            Map<String, Object> me = fetch(page, "/api/v1/sessions/me", "GET", null, true);
            assertThat(me).containsEntry("ok", true).containsEntry("status", 200);
            assertThat(json(me)).containsEntry("login", TestServer.ADMIN);
            Chromium.screenshot(page, "origins-03-trusted-page-read-sessions-me");

            Page other = context.newPage();
            other.navigate(untrusted + "/");
            assertThat(fetch(other, "/oauth2/default/v1/token", "POST", "grant_type=authorization_code&code=x", false))
                    .containsEntry("ok", false).containsEntry("error", "TypeError");
            assertThat(fetch(other, "/api/v1/sessions/me", "GET", null, true)).containsEntry("ok", false).containsEntry("error", "TypeError");
            Chromium.screenshot(other, "origins-04-untrusted-page-blocked");

            Http.Response off = server.http().send("POST", "/api/v1/trustedOrigins/" + originId + "/lifecycle/deactivate", null,
                    Http.ssws(TestServer.API_TOKEN));
            assertThat(off.status()).isEqualTo(200);
            assertThat(fetch(page, "/api/v1/sessions/me", "GET", null, true)).containsEntry("ok", false).containsEntry("error", "TypeError");
            assertThat(fetch(page, "/oauth2/default/v1/keys", "GET", null, false)).containsEntry("ok", false);
            Chromium.screenshot(page, "origins-05-deactivated-origin-blocked");
        }
    }

    @Test
    void theAppWizardTrustsTheBaseUriAndSaysSo() {
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            page.navigate(server.url() + "/admin/apps/new/settings?method=oidc&type=browser");
            signIn(page);
            assertThat(page.getByLabel("Base URI 1")).hasValue("http://localhost:8080");
            page.getByLabel("App integration name").fill("Wizard SPA");
            page.getByLabel("Login redirect URI 1").fill("https://wizard.example.com/login/callback");
            page.getByLabel("Logout redirect URI 1").fill("https://wizard.example.com");
            page.getByLabel("Base URI 1").fill("https://Wizard.example.com/");
            Chromium.screenshot(page, "origins-06-wizard-base-uris");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save").setExact(true)).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Trusted origins created (CORS and Redirect): https://wizard.example.com.");
            Chromium.screenshot(page, "origins-07-app-page-lists-the-new-origin");
            page.navigate(server.url() + "/admin/api/trusted-origins");
            assertThat(page.locator("table.list")).containsText("https://wizard.example.com");
            assertThat(page.locator("table.list")).containsText("CORS, Redirect");
            Chromium.screenshot(page, "origins-08-trusted-origins-list");
        }
    }

    /** Signs the context in on the hosted page and adds the origin (CORS and Redirect) on the console's Add Origin page. */
    private static String addOriginInTheConsole(Page page, String origin) {
        page.navigate(server.url() + "/admin/api/trusted-origins");
        signIn(page);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Add Origin")).click();
        page.getByLabel("Name").fill("Browser test SPA");
        page.getByLabel("Origin URL").fill(origin);
        assertThat(page.getByLabel("CORS")).isChecked();
        assertThat(page.getByLabel("Redirect")).isChecked();
        assertThat(page.locator("p.notice")).containsText("Grant only origins you control and trust");
        Chromium.screenshot(page, "origins-01-add-origin");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save").setExact(true)).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Trusted origin added.");
        String path = URI.create(page.url()).getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static void signIn(Page page) {
        page.getByLabel("Username").fill(TestServer.ADMIN);
        page.getByLabel("Password").fill(TestServer.ADMIN_PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fetch(Page page, String path, String method, String body, boolean credentials) {
        return (Map<String, Object>) page.evaluate(FETCH, List.of(server.url() + path, method, body == null ? "" : body, credentials));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Map<String, Object> result) {
        return (Map<String, Object>) result.get("json");
    }

    /** A public SPA (PKCE) assigned to everyone, redirecting to the trusted site. */
    private static String spa(String redirectUri) {
        String body = """
                {"name":"oidc_client","label":"Origins SPA","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"none","pkce_required":true}},
                 "settings":{"implicitAssignment":true,"oauthClient":{"application_type":"browser","redirect_uris":["%s"],
                   "response_types":["code"],"grant_types":["authorization_code"],"consent_method":"TRUSTED"}}}""".formatted(redirectUri);
        Http.Response r = server.http().send("POST", "/api/v1/apps", body, Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("credentials").get("oauthClient").get("client_id").asText();
    }

    /** A JDK HTTP server on a free port of 127.0.0.1 answering every path with {@link #PAGE}: another origin. */
    private static HttpServer site() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            s.createContext("/", exchange -> {
                byte[] html = PAGE.getBytes(StandardCharsets.UTF_8);
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
}
