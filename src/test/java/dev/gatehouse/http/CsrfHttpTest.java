package dev.gatehouse.http;

import dev.gatehouse.console.Nav;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one CSRF mechanism ({@link Csrf}, issue #14 item 1) at the HTTP level, on H2 and PostgreSQL: a form post passes only
 * when the browser does not say it comes from another origin, and it repeats the token of this browser's session (or,
 * before sign-in, of the pre-session Gatehouse issued). Every refusal is a 403 that changes nothing. The Chromium replay of
 * the reported attack is {@code browser/CsrfBrowserTest}; the HTTPS cookie names are in {@code CsrfHttpsTest}.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class CsrfHttpTest {

    @Parameter
    TestDatabase database;

    static TestServer server;
    static final AtomicInteger NAMES = new AtomicInteger();

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static long groups() {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM user_groups");
    }

    private static long events() {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events");
    }

    private static String groupName() {
        return "Group " + NAMES.incrementAndGet();
    }

    @Test
    void aFormThatTheBrowserSaysComesFromAnotherOriginIsRefusedEvenWithTheRightToken() {
        Browser admin = OAuthFlow.signedIn(server);
        String token = Browser.csrf(admin.get(Nav.GROUPS.path()));
        long groups = groups();
        long events = events();
        String otherPort = "http://127.0.0.1:" + (server.wiring().port() == 8080 ? 8081 : 8080);
        List<List<String>> crossOrigin = List.of(
                List.of("Origin", otherPort),                                   // the SPA's port on the same host
                List.of("Origin", "http://sub.127.0.0.1.nip.io:" + server.wiring().port()),
                List.of("Sec-Fetch-Site", "cross-site", "Origin", "null"),      // sandboxed frame, data: URL
                List.of("Sec-Fetch-Site", "same-site"),                         // sibling origin (another port or subdomain)
                List.of("Sec-Fetch-Site", "cross-site"),
                List.of("Sec-Fetch-Site", "same-site", "Origin", server.url()), // both are checked
                List.of("Sec-Fetch-Site", "same-origin", "Origin", otherPort));
        for (List<String> headers : crossOrigin) {
            Http.Response r = admin.postWithHeaders(Nav.GROUPS.path(), headers, "csrf", token, "name", groupName());
            assertThat(r.status()).as(headers.toString()).isEqualTo(403);
            assertThat(r.body()).contains("This form has expired").contains("Nothing was changed");
            assertThat(r.header("X-Okta-Request-Id")).isNotBlank();
        }
        assertThat(groups()).isEqualTo(groups);
        assertThat(events()).as("a refusal writes nothing, not even an event").isEqualTo(events);

        // What real browsers send for Gatehouse's own form: accepted.
        List<List<String>> sameOrigin = List.of(
                List.of("Origin", server.url(), "Sec-Fetch-Site", "same-origin"),
                List.of("Origin", "null", "Sec-Fetch-Site", "same-origin"),     // Chromium under Referrer-Policy: no-referrer
                List.of("Origin", server.url()),
                List.of("Sec-Fetch-Site", "same-origin"),
                List.of("Sec-Fetch-Site", "none"),                              // typed or bookmarked by the person
                List.of());                                                     // not a browser: the token decides
        for (List<String> headers : sameOrigin) {
            Http.Response r = admin.postWithHeaders(Nav.GROUPS.path(), headers, "csrf", token, "name", groupName());
            assertThat(r.status()).as(headers + ": " + r.body()).isEqualTo(303);
        }
        assertThat(groups()).isEqualTo(groups + sameOrigin.size());
    }

    @Test
    void aTokenIsGoodOnlyForTheSessionItWasMadeFor() {
        Browser admin = OAuthFlow.signedIn(server);
        String token = Browser.csrf(admin.get(Nav.GROUPS.path()));
        assertThat(token).as("stable for the session, so several open forms all work").isEqualTo(Browser.csrf(admin.get(Nav.PEOPLE.path())));
        long groups = groups();

        // The same admin in another browser has another session, and another token.
        Browser elsewhere = OAuthFlow.signedIn(server);
        String elsewhereToken = Browser.csrf(elsewhere.get(Nav.GROUPS.path()));
        assertThat(elsewhereToken).isNotEqualTo(token);
        assertThat(admin.post(Nav.GROUPS.path(), "csrf", elsewhereToken, "name", groupName()).status()).isEqualTo(403);
        assertThat(elsewhere.post(Nav.GROUPS.path(), "csrf", token, "name", groupName()).status()).isEqualTo(403);

        // A pre-session pair that Gatehouse really issued (anyone can get one) is no good once a session exists.
        Browser stranger = server.browser();
        String preToken = Browser.csrf(stranger.get("/signin"));
        admin.cookies.put(Csrf.PRE_SESSION_COOKIE, stranger.cookies.get(Csrf.PRE_SESSION_COOKIE));
        assertThat(admin.post(Nav.GROUPS.path(), "csrf", preToken, "name", groupName()).status()).isEqualTo(403);
        assertThat(groups()).isEqualTo(groups);

        // After signing out and in again the old token is dead; the new page's token works.
        Http.Response signOutPage = admin.get("/signout");
        assertThat(admin.post("/signout", "csrf", Browser.csrf(signOutPage)).status()).isEqualTo(303);
        assertThat(admin.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin").status()).isEqualTo(303);
        assertThat(admin.post(Nav.GROUPS.path(), "csrf", token, "name", groupName()).status()).isEqualTo(403);
        String fresh = Browser.csrf(admin.get(Nav.GROUPS.path()));
        assertThat(admin.post(Nav.GROUPS.path(), "csrf", fresh, "name", groupName()).status()).isEqualTo(303);
        assertThat(groups()).isEqualTo(groups + 1);
    }

    @Test
    void beforeSignInTheTokenIsBoundToThePreSessionGatehouseIssued() {
        Browser victim = server.browser();
        String victimToken = Browser.csrf(victim.get("/signin"));
        assertThat(victim.cookies).containsKey(Csrf.PRE_SESSION_COOKIE);

        // Planted cookie, own field: the old double-submit trick.
        Browser forger = server.browser();
        forger.cookies.put(Csrf.PRE_SESSION_COOKIE, "A".repeat(32));
        assertThat(forger.post("/signin", "csrf", "A".repeat(32), "username", TestServer.ADMIN, "password", TestServer.ADMIN_PASSWORD,
                "fromURI", "/").status()).isEqualTo(403);
        // Someone else's token with this browser's pre-session, and a token without any pre-session.
        Browser other = server.browser();
        Browser.csrf(other.get("/signin"));
        assertThat(other.post("/signin", "csrf", victimToken, "username", TestServer.ADMIN, "password", TestServer.ADMIN_PASSWORD,
                "fromURI", "/").status()).isEqualTo(403);
        Browser cookieless = server.browser();
        Http.Response r = cookieless.post("/signin", "csrf", victimToken, "username", TestServer.ADMIN, "password", TestServer.ADMIN_PASSWORD,
                "fromURI", "/");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).contains("This sign-in form expired").contains("name=\"csrf\"");
        assertThat(cookieless.cookies).doesNotContainKey("sid");

        // The real pair signs in.
        Http.Response ok = victim.post("/signin", "csrf", victimToken, "username", TestServer.ADMIN, "password", TestServer.ADMIN_PASSWORD,
                "fromURI", "/admin");
        assertThat(ok.status()).as(ok.body()).isEqualTo(303);
        assertThat(victim.cookies).containsKey("sid");
    }

    @Test
    void aSignInFormOpenedBeforeAnotherTabSignedInStillSignsIn() {
        Browser b = server.browser();
        String tabA = Browser.csrf(b.get("/signin?fromURI=%2Fadmin"));
        assertThat(b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin").status()).isEqualTo(303);   // tab B
        Http.Response r = b.post("/signin", "csrf", tabA, "username", TestServer.ADMIN, "password", TestServer.ADMIN_PASSWORD,
                "fromURI", "/admin");
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        // ...but that pre-session token is no key to the console.
        assertThat(b.post(Nav.GROUPS.path(), "csrf", tabA, "name", groupName()).status()).isEqualTo(403);
    }

    @Test
    void everyStateChangingRequestOutsideTheApiAndOAuthSurfacesIsGuardedByDefault() {
        Browser admin = OAuthFlow.signedIn(server);
        // A path no form uses yet is guarded all the same: a form added later cannot forget the check.
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
            Http.Response r = admin.send(method, "/admin/no-such-form");
            assertThat(r.status()).as(method).isEqualTo(403);
        }
        assertThat(admin.post("/signout").status()).isEqualTo(403);
        assertThat(admin.get(Nav.DASHBOARD.path()).status()).as("still signed in").isEqualTo(200);
        // The API and OAuth surfaces authenticate each request themselves and are unaffected.
        Http.Response api = server.http().send("POST", "/api/v1/groups", "{\"profile\":{\"name\":\"" + groupName() + "\"}}",
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(api.status()).as(api.body()).isEqualTo(200);
        Http.Response token = server.http().send("POST", "/oauth2/default/v1/token", "grant_type=client_credentials",
                "Content-Type", "application/x-www-form-urlencoded", "Origin", "https://elsewhere.example");
        assertThat(token.status()).as("an OAuth error, not a CSRF refusal").isEqualTo(401);
    }

    @Test
    void oktasClassicSignOutAddressLeadsToTheSignOutConfirmation() {
        Browser admin = OAuthFlow.signedIn(server);
        Http.Response r = admin.get("/login/signout?fromURI=%2Fsignin");
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).isEqualTo("/signout?fromURI=%2Fsignin");
        Http.Response page = admin.get(r.header("Location"));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Sign out");
        assertThat(admin.get(Nav.DASHBOARD.path()).status()).as("a GET alone ends nothing").isEqualTo(200);
        assertThat(admin.post("/signout", "csrf", Browser.csrf(page), "fromURI", "/signin").status()).isEqualTo(303);
        assertThat(admin.get(Nav.DASHBOARD.path()).status()).isEqualTo(302);
    }
}
