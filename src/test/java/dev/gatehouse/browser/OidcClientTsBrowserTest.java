package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.RequestOptions;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A standard OpenID Connect client, not Okta's: oidc-client-ts (npm, its browser bundle) on the test page
 * {@code samples/spa/oidc-client-ts/}, with a {@code UserManager} that knows only the issuer of the {@code default}
 * authorization server, its client_id, redirect and post-logout URIs, the scopes and {@code response_type=code}.
 * Everything else it finds through discovery. Sign-in (signinRedirect, hosted sign-in, signinRedirectCallback with
 * PKCE), the profile, renewal with the refresh token (signinSilent), and sign-out (signoutRedirect through
 * {@code /v1/logout} with {@code id_token_hint}) that ends the Gatehouse session. Screenshots:
 * {@code target/screenshots/oidc-client-ts-*.png}.
 */
class OidcClientTsBrowserTest {

    static TestServer server;
    static SampleSpaServer spa;

    @BeforeAll
    static void start() {
        spa = SampleSpaServer.start("localhost", "node_modules/oidc-client-ts/dist/browser/oidc-client-ts.min.js");
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
    void signsInRenewsWithTheRefreshTokenAndSignsOutThroughDiscovery() {
        String page = spa.origin + "/oidc-client-ts/";
        String clientId = SampleSpaServer.spaApp(server, "oidc-client-ts", List.of(page), List.of(page), 30);
        String issuer = server.url() + "/oauth2/default";
        try (BrowserContext context = Chromium.newContext()) {
            Page tab = context.newPage();
            List<String> problems = new ArrayList<>();
            tab.onConsoleMessage(m -> {
                if ("error".equals(m.type())) {
                    problems.add(m.text() + " at " + m.location());
                }
            });
            tab.onResponse(r -> {
                if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) {
                    problems.add(r.request().method() + " " + r.url() + " -> " + r.status());
                }
            });
            List<Request> requests = new CopyOnWriteArrayList<>();
            Set<String> calledEndpoints = new ConcurrentSkipListSet<>(); // every OAuth endpoint, without its query
            tab.onRequest(r -> {
                if (r.url().startsWith(server.url()) && !"OPTIONS".equals(r.method())) {
                    requests.add(r);
                    if (r.url().startsWith(issuer + "/v1/")) {
                        calledEndpoints.add(r.url().replaceFirst("\\?.*", ""));
                    }
                }
            });

            tab.navigate(page + "?issuer=" + OAuthFlow.enc(issuer) + "&clientId=" + OAuthFlow.enc(clientId));
            assertThat(tab.locator("#issuer")).hasText("Issuer: " + issuer);
            tab.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            tab.waitForURL(Pattern.compile(Pattern.quote(server.url()) + "/signin.*"));
            tab.getByLabel("Username").fill(TestServer.ADMIN);
            tab.getByLabel("Password").fill(TestServer.ADMIN_PASSWORD);
            tab.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();

            // /authorize → /oidc-client-ts/?code=…&state=… → signinRedirectCallback() → the profile
            assertThat(tab.getByRole(AriaRole.STATUS)).hasText("Signed in.", new LocatorAssertions.HasTextOptions().setTimeout(20_000));
            assertThat(tab).hasURL(page);
            assertThat(tab.locator("#tokens")).containsText("Signed in as " + TestServer.ADMIN);
            assertThat(tab.locator("#tokens")).containsText("openid profile email offline_access");
            assertThat(tab.locator("#profile")).containsText(issuer);
            assertThat(tab.locator("#profile")).containsText("preferred_username");
            Chromium.screenshot(tab, "oidc-client-ts-01-signed-in");
            // The request oidc-client-ts built (the second /authorize is the hosted sign-in page returning to it).
            Request authorize = first(requests, "GET", "/oauth2/default/v1/authorize");
            Map<String, String> authorizeQuery = OAuthFlow.query(URI.create(authorize.url()).getRawQuery());
            assertThat(authorizeQuery).containsEntry("response_type", "code").containsEntry("code_challenge_method", "S256")
                    .containsEntry("scope", "openid profile email offline_access").containsEntry("redirect_uri", page);
            assertThat(OAuthFlow.query(only(requests, "POST", "/oauth2/default/v1/token").postData()))
                    .containsEntry("grant_type", "authorization_code").containsKey("code_verifier");
            // Given only the issuer, it read discovery first and called only endpoints discovery names.
            assertThat(requests.indexOf(first(requests, "GET", "/oauth2/default/.well-known/openid-configuration")))
                    .isLessThan(requests.indexOf(authorize));
            JsonNode discovery = server.http().send("GET", "/oauth2/default/.well-known/openid-configuration", null).json();
            Set<String> advertised = Set.of(discovery.get("authorization_endpoint").asText(), discovery.get("token_endpoint").asText(),
                    discovery.get("userinfo_endpoint").asText(), discovery.get("end_session_endpoint").asText(),
                    discovery.get("jwks_uri").asText());

            JsonNode signedIn = user(tab, issuer, clientId);
            String firstAccess = signedIn.get("access_token").asText();
            String firstRefresh = signedIn.get("refresh_token").asText();
            assertThat(firstRefresh).as("refresh token kept by oidc-client-ts").isNotBlank();
            assertThat(SampleSpaServer.introspect(server, clientId, firstAccess).get("active").asBoolean()).isTrue();
            requests.clear();

            tab.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Renew")).click();
            assertThat(tab.getByRole(AriaRole.STATUS)).containsText("Renewed at", new LocatorAssertions.ContainsTextOptions().setTimeout(20_000));
            Map<String, String> refreshForm = OAuthFlow.query(only(requests, "POST", "/oauth2/default/v1/token").postData());
            assertThat(refreshForm).containsEntry("grant_type", "refresh_token").containsEntry("refresh_token", firstRefresh)
                    .containsEntry("client_id", clientId);
            assertThat(requests.stream().filter(r -> r.url().contains("/v1/authorize"))).as("no iframe with a refresh token").isEmpty();
            JsonNode renewed = user(tab, issuer, clientId);
            assertThat(renewed.get("access_token").asText()).isNotEqualTo(firstAccess);
            assertThat(renewed.get("refresh_token").asText()).as("rotated").isNotBlank().isNotEqualTo(firstRefresh);
            assertThat(renewed.at("/profile/sub").asText()).isEqualTo(signedIn.at("/profile/sub").asText());
            assertThat(SampleSpaServer.introspect(server, clientId, renewed.get("access_token").asText()).get("active").asBoolean()).isTrue();
            Chromium.screenshot(tab, "oidc-client-ts-02-renewed");
            requests.clear();

            tab.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
            assertThat(tab.getByRole(AriaRole.STATUS)).hasText("You have signed out.", new LocatorAssertions.HasTextOptions().setTimeout(20_000));
            assertThat(tab).hasURL(page);
            assertThat(tab.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))).isVisible();
            Chromium.screenshot(tab, "oidc-client-ts-03-signed-out");
            Request logout = only(requests, "GET", "/oauth2/default/v1/logout");
            Map<String, String> logoutQuery = OAuthFlow.query(URI.create(logout.url()).getRawQuery());
            assertThat(logoutQuery).containsEntry("id_token_hint", renewed.get("id_token").asText()) // the refresh brought a new one
                    .containsEntry("post_logout_redirect_uri", page).containsKey("state");
            assertThat(tab.evaluate("() => Object.keys(sessionStorage).filter(k => k.startsWith('oidc.user:')).length")).isEqualTo(0);

            assertThat(calledEndpoints).as("endpoints oidc-client-ts called").isSubsetOf(advertised);

            // The Gatehouse session is gone for this browser.
            var me = context.request().get(server.url() + "/api/v1/sessions/me", RequestOptions.create().setHeader("Accept", "application/json"));
            assertThat(me.status()).as(me.text()).isEqualTo(404);
            assertThat(problems).as("console errors and failed requests").isEmpty();
        }
    }

    private static Request first(List<Request> requests, String method, String path) {
        return requests.stream().filter(r -> method.equals(r.method()) && URI.create(r.url()).getPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + method + " " + path));
    }

    private static Request only(List<Request> requests, String method, String path) {
        List<Request> found = requests.stream().filter(r -> method.equals(r.method()) && URI.create(r.url()).getPath().equals(path)).toList();
        assertThat(found).as(method + " " + path + " among " + requests.stream().map(r -> r.method() + " " + URI.create(r.url()).getPath()).toList())
                .hasSize(1);
        return found.getFirst();
    }

    /** The user oidc-client-ts keeps in sessionStorage ({@code oidc.user:<authority>:<client_id>}). */
    private static JsonNode user(Page tab, String authority, String clientId) {
        Object raw = tab.evaluate("key => sessionStorage.getItem(key)", "oidc.user:" + authority + ":" + clientId);
        assertThat(raw).as("oidc-client-ts user").isNotNull();
        return Json.readTree((String) raw);
    }
}
