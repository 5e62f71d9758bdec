package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.gatehouse.http.Json;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.SampleSpaServer;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * okta-auth-js 8 (the sample SPA) without refresh tokens: {@code offline_access} is not requested, so "Renew now"
 * ({@code tokenManager.renew} → {@code renewTokens()}) renews through a hidden iframe, as Okta's §10 describes:
 * {@code /authorize?prompt=none&response_mode=okta_post_message}, Gatehouse's page posts the code to the parent
 * window, and okta-auth-js exchanges it at {@code /token} (authorization_code, never refresh_token). Once the
 * Gatehouse session has ended, the same renewal fails with {@code login_required}, shown on the page.
 *
 * <p>The SPA is served from {@code http://127.0.0.1:N}, the same site as the test Gatehouse
 * ({@code http://127.0.0.1:M}), just as {@code localhost:8080} and {@code localhost:9000} are in Okta's guide. That
 * matters: over plain HTTP the session cookie is {@code SameSite=Lax}, which a browser sends to a same-site iframe
 * but not to a cross-site one; cross-site iframe renewal needs Gatehouse on HTTPS ({@code SameSite=None; Secure}).
 * Screenshots: {@code target/screenshots/silent-renew-*.png}.
 */
class SilentRenewBrowserTest {

    /** A renewal is a few round trips (and an iframe); on a loaded CI machine that can take longer than Playwright's 5 s. */
    private static final LocatorAssertions.ContainsTextOptions NETWORK = new LocatorAssertions.ContainsTextOptions().setTimeout(20_000);

    static TestServer server;
    static SampleSpaServer spa;

    @BeforeAll
    static void start() {
        spa = SampleSpaServer.start("127.0.0.1", "node_modules/@okta/okta-auth-js/umd/default.js");
        server = TestServer.start(TestDatabase.H2);
        spa.trustIn(server);
    }

    @AfterAll
    static void stop() {
        if (spa != null) {
            spa.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void renewsThroughTheHiddenIframeWithoutARefreshToken() throws Exception {
        String clientId = app();
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            List<Request> requests = watch(page);
            signIn(page, clientId);
            assertThat(page.locator("#tokens")).containsText("no (renewals would need a hidden iframe)");
            JsonNode before = tokenStorage(page);
            assertThat(before.has("refreshToken")).as("no refresh token without offline_access").isFalse();
            String firstAccess = before.at("/accessToken/accessToken").asText();
            requests.clear();

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Renew now")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Tokens renewed at", NETWORK);
            Chromium.screenshot(page, "silent-renew-01-renewed-in-iframe");

            Request authorize = requests.stream().filter(r -> path(r).equals("/oauth2/default/v1/authorize")).findFirst()
                    .orElseThrow(() -> new AssertionError("no /authorize request: " + describe(requests)));
            Map<String, String> query = OAuthFlow.query(URI.create(authorize.url()).getRawQuery());
            assertThat(query).containsEntry("prompt", "none").containsEntry("response_mode", "okta_post_message")
                    .containsEntry("response_type", "code").containsEntry("client_id", clientId).containsEntry("code_challenge_method", "S256");
            assertThat(query.get("scope")).isEqualTo("openid profile email");
            assertThat(authorize.frame().parentFrame()).as("/authorize loaded in an iframe, not the page").isNotNull();

            List<Request> tokenCalls = requests.stream().filter(r -> "POST".equals(r.method()) && path(r).equals("/oauth2/default/v1/token")).toList();
            assertThat(tokenCalls).as(describe(requests)).hasSize(1);
            Map<String, String> form = OAuthFlow.query(tokenCalls.getFirst().postData());
            assertThat(form).containsEntry("grant_type", "authorization_code").containsKey("code").containsKey("code_verifier")
                    .doesNotContainKey("refresh_token");
            assertThat(requests.indexOf(tokenCalls.getFirst())).as("the code exchange follows the iframe")
                    .isGreaterThan(requests.indexOf(authorize));

            JsonNode after = tokenStorage(page);
            String secondAccess = after.at("/accessToken/accessToken").asText();
            assertThat(secondAccess).isNotBlank().isNotEqualTo(firstAccess);
            assertThat(after.has("refreshToken")).isFalse();
            assertThat(SampleSpaServer.introspect(server, clientId, secondAccess).get("active").asBoolean()).isTrue();
            assertThat(page.locator("#userinfo")).containsText(TestServer.ADMIN);
        }
    }

    @Test
    void afterTheSessionEndsRenewalFailsWithLoginRequired() throws Exception {
        String clientId = app();
        try (BrowserContext context = Chromium.newContext()) {
            Page page = context.newPage();
            List<Request> requests = watch(page);
            signIn(page, clientId);

            // End the Gatehouse session the way okta-auth-js's closeSession() does (XHR, with credentials, CORS), keeping the tokens.
            Object status = page.evaluate("url => fetch(url, {method: 'DELETE', credentials: 'include', headers: {Accept: 'application/json'}})"
                    + ".then(r => r.status)", server.url() + "/api/v1/sessions/me");
            assertThat(status).isEqualTo(204);
            requests.clear();

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Renew now")).click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("Renewal failed", NETWORK);
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("OAuthError (login_required)");
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("The client specified not to prompt, but the user is not logged in.");
            Chromium.screenshot(page, "silent-renew-02-login-required");
            assertThat(requests.stream().filter(r -> path(r).equals("/oauth2/default/v1/authorize"))).as(describe(requests)).hasSize(1);
            assertThat(requests.stream().filter(r -> path(r).equals("/oauth2/default/v1/token"))).as("no code, no exchange").isEmpty();
            // okta-auth-js drops the access token it could not renew: the app now asks to sign in again.
            assertThat(tokenStorage(page).has("accessToken")).isFalse();
        }
    }

    /** The sample signed in with scopes {@code openid profile email} (no offline_access), on the profile page. */
    private static void signIn(Page page, String clientId) {
        page.navigate(spa.origin + "/?issuer=" + OAuthFlow.enc(server.url() + "/oauth2/default") + "&clientId=" + OAuthFlow.enc(clientId)
                + "&scopes=" + OAuthFlow.enc("openid profile email"));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        page.getByLabel("Username").fill(TestServer.ADMIN);
        page.getByLabel("Password").fill(TestServer.ADMIN_PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        page.waitForURL(spa.origin + "/profile", new Page.WaitForURLOptions().setTimeout(20_000));
        assertThat(page.locator("#claims")).containsText(TestServer.ADMIN);
    }

    /** An app that allows refresh tokens: only the scopes the SPA asks for decide that renewal goes through the iframe. */
    private static String app() {
        return SampleSpaServer.spaApp(server, "Silent renew SPA", List.of(spa.origin + "/login/callback"), List.of(spa.origin), 30);
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

    private static String path(Request r) {
        return URI.create(r.url()).getPath();
    }

    private static String describe(List<Request> requests) {
        return requests.stream().map(r -> r.method() + " " + path(r)).toList().toString();
    }

    private static JsonNode tokenStorage(Page page) {
        Object raw = page.evaluate("() => localStorage.getItem('okta-token-storage')");
        assertThat(raw).as("okta-token-storage").isNotNull();
        return Json.readTree((String) raw);
    }
}
