package dev.gatehouse.troubleshoot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.origins.OriginRefusals;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.OAuthFlow.Client;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.SignInProblemStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static dev.gatehouse.support.OAuthFlow.DEFAULT;
import static dev.gatehouse.support.OAuthFlow.authorizeUrl;
import static dev.gatehouse.support.OAuthFlow.basic;
import static dev.gatehouse.support.OAuthFlow.enc;
import static dev.gatehouse.support.OAuthFlow.exchange;
import static dev.gatehouse.support.OAuthFlow.params;
import static dev.gatehouse.support.OAuthFlow.randomVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sign-in doctor (issue #21) attacked from outside: what an attacker sends on the sign-in path must not leak a secret
 * into the counts, the console or the System Log; must not tell a non-admin an app's registered URIs; must not inject markup
 * into the console; must not grow storage or memory without bound; and the one-click fixes must change exactly what the
 * admin confirmed, through the one CSRF mechanism, never with a 500 or half a change. One H2 server for the class; its
 * background flush of untrusted-origin counts is stopped, so those counts reach the database only when a test reads the
 * problems (as an admin's page view does), which makes "no write per request" observable.
 */
class SignInDoctorAttackHttpTest {

    private static final AtomicInteger SEQ = new AtomicInteger();

    static TestServer server;
    static OAuthFlow flow;
    static ApiClient api;
    static Browser admin;
    /** One client for the many preflights (a client per request would leave a connection open each, up to Jetty's limit). */
    static Http origins;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2);
        flow = new OAuthFlow(server);
        api = ApiClient.of(server);
        admin = flow.signedIn();
        origins = server.http();
        server.wiring().originRefusals.close();   // no timer: counted origins are written only by a read of the problems
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // ---- secrets -----------------------------------------------------------------------------------------------------

    @Test
    void noSecretCodeTokenVerifierStateOrPasswordReachesTheCountsTheConsoleOrTheLog() {
        List<String> secrets = new ArrayList<>();
        Client spa = flow.spaClient(a -> OAuthFlow.oauthClient(a).putObject("refresh_token").put("rotation_type", "ROTATE").put("leeway", 0));
        Client web = flow.webClient();
        secrets.add(web.secret());

        // A public client sending a secret in the body; a confidential one with a wrong secret in Basic, and one in the body.
        String spaSecret = marker("spa-secret");
        Map<String, String> withSecret = exchange(spa, flow.code(admin, spa));
        withSecret.put("client_secret", spaSecret);
        secrets.addAll(List.of(spaSecret, withSecret.get("code"), withSecret.get("code_verifier")));
        assertThat(flow.token(DEFAULT, withSecret).status()).isEqualTo(401);
        String wrongBasic = marker("wrong-basic");
        secrets.add(wrongBasic);
        assertThat(flow.token(DEFAULT, OAuthFlow.fields("grant_type", "client_credentials", "scope", "x"), "Authorization",
                basic(web.clientId(), wrongBasic)).status()).isEqualTo(401);
        String inBody = marker("in-body");
        secrets.add(inBody);
        assertThat(flow.token(DEFAULT, OAuthFlow.fields("grant_type", "client_credentials", "scope", "x", "client_id", web.clientId(),
                "client_secret", inBody)).status()).isEqualTo(401);
        String unknownsSecret = marker("unknown-client-secret");
        secrets.add(unknownsSecret);
        assertThat(flow.token(DEFAULT, OAuthFlow.fields("grant_type", "client_credentials", "scope", "x"), "Authorization",
                basic("no-such-client-" + SEQ.incrementAndGet(), unknownsSecret)).status()).isEqualTo(401);

        // PKCE mismatch: the code and both verifiers; a reused refresh token.
        OAuthFlow.Code code = flow.code(admin, spa);
        Map<String, String> mismatch = exchange(spa, code);
        mismatch.put("code_verifier", randomVerifier());
        secrets.addAll(List.of(code.code(), code.verifier(), mismatch.get("code_verifier")));
        assertThat(flow.token(DEFAULT, mismatch).status()).isEqualTo(400);
        Http.Response tokens = flow.token(DEFAULT, exchange(spa, flow.code(admin, spa)));
        String refresh = tokens.json().get("refresh_token").asText();
        String idToken = tokens.json().get("id_token").asText();
        secrets.addAll(List.of(refresh, idToken, tokens.json().get("access_token").asText()));
        Map<String, String> refreshForm = OAuthFlow.fields("grant_type", "refresh_token", "client_id", spa.clientId(), "refresh_token", refresh);
        assertThat(flow.token(DEFAULT, refreshForm).status()).isEqualTo(200);
        assertThat(flow.token(DEFAULT, refreshForm).status()).isEqualTo(400);

        // /authorize with an unregistered redirect URI, carrying a state, a nonce, a sessionToken and a login_hint.
        Map<String, String> p = params(spa, randomVerifier());
        p.put("redirect_uri", "https://attacker-" + SEQ.incrementAndGet() + ".example/cb");
        p.put("state", marker("state"));
        p.put("nonce", marker("nonce"));
        p.put("sessionToken", marker("session-token"));
        p.put("code_challenge", marker("challenge"));
        secrets.addAll(List.of(p.get("state"), p.get("nonce"), p.get("sessionToken"), p.get("code_challenge")));
        assertThat(server.browser().get(authorizeUrl(DEFAULT, p)).status()).isEqualTo(400);

        // Sign-out with the ID token as hint, a state, and an unregistered post-logout URI.
        String logoutState = marker("logout-state");
        secrets.add(logoutState);
        assertThat(server.browser().get(DEFAULT + "/logout?id_token_hint=" + idToken + "&state=" + logoutState
                + "&post_logout_redirect_uri=" + enc(OAuthFlow.POST_LOGOUT_REDIRECT_URI + "/elsewhere")).status()).isEqualTo(400);

        // Passwords up to and past the lockout, on the hosted page and on the Authentication API.
        String login = "leak-" + SEQ.incrementAndGet() + "@example.com";
        String password = marker("Right-Password");
        People.create(server.http(), login, password);
        for (int i = 0; i < server.wiring().config.lockoutAttempts() + 1; i++) {
            server.clock.advance(Duration.ofSeconds(1));
            String wrong = marker("Wrong-Password");
            secrets.add(wrong);
            server.browser().signIn(login, wrong, "/");
        }
        secrets.add(password);
        assertThat(server.browser().signIn(login, password, "/").status()).isEqualTo(401);
        server.http().send("POST", "/api/v1/authn", "{\"username\":\"" + login + "\",\"password\":\"" + password + "\"}",
                "Content-Type", "application/json");

        List<String> seen = new ArrayList<>();
        seen.add(problemsJson(spa.appId()));
        seen.add(problemsJson(web.appId()));
        seen.add(admin.get("/admin/apps/" + spa.appId() + "/troubleshoot").body());
        seen.add(admin.get("/admin/apps/" + web.appId() + "/troubleshoot").body());
        seen.add(admin.get("/admin/reports/sign-in-problems").body());
        seen.add(admin.get("/admin").body());
        seen.add(api.get("/api/v1/logs?limit=1000").body());
        seen.add(admin.get("/admin/reports/system-log").body());
        assertThat(seen.get(0)).contains("PUBLIC_CLIENT_SENT_SECRET", "PKCE_MISMATCH", "REFRESH_TOKEN_REUSED", "REDIRECT_URI_NOT_REGISTERED",
                "POST_LOGOUT_REDIRECT_URI_NOT_REGISTERED");
        assertThat(seen.get(1)).contains("CLIENT_AUTHENTICATION_FAILED");
        assertThat(seen.get(4)).contains("data-cause=\"USER_LOCKED_OUT\"", "data-cause=\"CLIENT_NOT_FOUND\"");
        for (String text : seen) {
            for (String secret : secrets) {
                assertThat(text).doesNotContain(secret);
            }
        }
    }

    // ---- registered URIs ----------------------------------------------------------------------------------------------

    @Test
    void aNonAdminLearnsNothingAboutRegisteredUrisFromTheErrorPages() {
        Client spa = flow.spaClient();
        String near = spa.redirectUri() + "/";
        String far = "https://far-away-" + SEQ.incrementAndGet() + ".example/cb";
        String person = "plain-" + SEQ.incrementAndGet() + "@example.com";
        People.create(server.http(), person, "Correct-Horse-55");
        for (Browser b : List.of(server.browser(), OAuthFlow.signedIn(server, person, "Correct-Horse-55"))) {
            Http.Response a = authorize(b, spa, near);
            Http.Response z = authorize(b, spa, far);
            assertThat(a.status()).isEqualTo(400);
            assertThat(z.status()).isEqualTo(400);
            assertThat(a.header("Location")).isNull();
            assertThat(normalised(a.body(), near)).as("a URI one slash away and one far away get the same page")
                    .isEqualTo(normalised(z.body(), far));
            assertThat(a.body()).doesNotContain(spa.redirectUri()).doesNotContain("closest").doesNotContain("trailing slash");
        }
        // An app with other registered URIs answers the same page too (only its id differs).
        Client other = flow.spaClient(a -> OAuthFlow.oauthClient(a).putArray("redirect_uris").add("https://registered-elsewhere.example/cb"));
        assertThat(normalised(authorize(server.browser(), other, far).body(), far).replace(other.appId(), "APP"))
                .isEqualTo(normalised(authorize(server.browser(), spa, far).body(), far).replace(spa.appId(), "APP"));

        // Sign-out: the registered post-logout URI is not on the page either.
        String idToken = flow.token(DEFAULT, exchange(spa, flow.code(admin, spa))).json().get("id_token").asText();
        Http.Response out = server.browser().get(DEFAULT + "/logout?id_token_hint=" + idToken + "&post_logout_redirect_uri="
                + enc(OAuthFlow.POST_LOGOUT_REDIRECT_URI + "/"));
        assertThat(out.status()).isEqualTo(400);
        assertThat(out.body()).doesNotContain(OAuthFlow.POST_LOGOUT_REDIRECT_URI + "<").doesNotContain("closest");
    }

    // ---- markup -------------------------------------------------------------------------------------------------------

    @Test
    void markupInARedirectUriAClientIdOrAnOriginIsShownEscapedOnEveryConsolePage() {
        Client spa = flow.spaClient();
        String uri = "https://evil.example/cb?x=\"><script>alert(1)</script>'";
        assertThat(authorize(server.browser(), spa, uri).status()).isEqualTo(400);
        String clientId = "<img src=x onerror=alert(2)>" + SEQ.incrementAndGet();
        assertThat(server.browser().get(DEFAULT + "/authorize?client_id=" + enc(clientId) + "&redirect_uri=" + enc(OAuthFlow.REDIRECT_URI)
                + "&response_type=code&scope=openid&state=s").status()).isEqualTo(400);
        String origin = "http://x\"><svg onload=alert(3)>" + SEQ.incrementAndGet();
        preflight(origin);

        Http.Response tab = admin.get("/admin/apps/" + spa.appId() + "/troubleshoot");
        assertThat(tab.body()).contains("data-cause=\"REDIRECT_URI_NOT_REGISTERED\"");
        Http.Response org = admin.get("/admin/reports/sign-in-problems");
        Http.Response log = admin.get("/admin/reports/system-log");
        for (Http.Response page : List.of(tab, org, log, admin.get("/admin"))) {
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).doesNotContain("<script>alert(1)").doesNotContain("<img src=x").doesNotContain("<svg onload");
        }
        // The confirmation carries the URI inside its attribute, escaped, so the attribute cannot be closed early.
        Matcher confirm = Pattern.compile("data-confirm=\"([^\"]*)\"").matcher(tab.body());
        assertThat(confirm.find()).isTrue();
        assertThat(confirm.group(1)).contains("&lt;script").doesNotContain("<");
        assertThat(org.body()).contains("&lt;img src=x onerror=alert(2)&gt;").contains("&lt;svg onload=alert(3)&gt;");
    }

    @Test
    void aCraftedLinkCannotPutATextOfItsOwnOnTheTroubleshootPages() {
        Client spa = flow.spaClient();
        String lure = "Your session key expired: paste your API token at https://evil.example/renew";
        for (String path : List.of("/admin/apps/" + spa.appId() + "/troubleshoot", "/admin/reports/sign-in-problems")) {
            Http.Response page = admin.get(path + "?notice=" + enc(lure));
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).as(path).doesNotContain("evil.example/renew").doesNotContain("role=\"status\"");
        }
        // What a fix or a dismissal itself says still shows after its redirect.
        admin.get(authorizeUrl(DEFAULT, params(spa, null)));   // PKCE_MISSING
        JsonNode problem = problem(spa.appId(), "PKCE_MISSING");
        Http.Response tab = admin.get("/admin/apps/" + spa.appId() + "/troubleshoot");
        Http.Response dismissed = admin.post("/admin/apps/" + spa.appId() + "/troubleshoot/" + problem.get("id").asText() + "/dismiss",
                "csrf", Browser.csrf(tab));
        assertThat(dismissed.status()).isEqualTo(303);
        assertThat(admin.get(dismissed.header("Location")).body()).contains("Dismissed. It comes back if it happens again.");
        // ... but only in the session it was made for: the same link in another admin's browser shows nothing.
        assertThat(flow.signedIn().get(dismissed.header("Location")).body()).doesNotContain("Dismissed.");
    }

    // ---- bounds -------------------------------------------------------------------------------------------------------

    @Test
    void distinctClientIdsAtAuthorizeAndTokenKeepTheOrgsRowsBoundedAndTheOthersRowHasNoFix() {
        for (int i = 0; i < 40; i++) {
            String id = "flood-client-" + SEQ.incrementAndGet();
            if (i % 2 == 0) {
                assertThat(server.browser().get(DEFAULT + "/authorize?client_id=" + id + "&redirect_uri=" + enc(OAuthFlow.REDIRECT_URI)
                        + "&response_type=code&scope=openid&state=s").status()).isEqualTo(400);
            } else {
                assertThat(flow.token(DEFAULT, OAuthFlow.fields("grant_type", "client_credentials", "client_id", id, "client_secret", "x"))
                        .status()).isEqualTo(401);
            }
        }
        assertThat(rows(SignInProblemStore.ORG, "CLIENT_NOT_FOUND")).isLessThanOrEqualTo(SignInProblemStore.SUBJECTS_PER_CAUSE + 1);
        assertThat(admin.get("/admin/reports/sign-in-problems").body()).contains("(many different ones)");
        dismissAll();
        // Many distinct origins no app uses: the org's CORS rows are bounded the same way, and the '*' row offers no fix.
        for (int i = 0; i < 25; i++) {
            preflight("https://flood-" + SEQ.incrementAndGet() + ".example");
        }
        Http.Response org = admin.get("/admin/reports/sign-in-problems");
        assertThat(rows(SignInProblemStore.ORG, "CORS_ORIGIN_NOT_TRUSTED")).isLessThanOrEqualTo(SignInProblemStore.SUBJECTS_PER_CAUSE + 1);
        String others = "CORS_ORIGIN_NOT_TRUSTED." + idHash("*");
        assertThat(org.body()).contains("problem-" + others).doesNotContain(others + "/fix");
        long trusted = flow.count("SELECT COUNT(*) FROM trusted_origins");
        Http.Response forged = admin.post("/admin/reports/sign-in-problems/" + others + "/fix", "csrf", Browser.csrf(org));
        assertThat(forged.status()).isEqualTo(400);
        assertThat(forged.body()).contains("no one-click fix");
        assertThat(flow.count("SELECT COUNT(*) FROM trusted_origins")).isEqualTo(trusted);
        dismissAll();
    }

    @Test
    void concurrentFloodsOfDistinctSubjectsStayWithinTheBound() throws Exception {
        Client spa = flow.spaClient();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                String uri = "https://concurrent-" + SEQ.incrementAndGet() + ".example/cb";
                sent.add(pool.submit(() -> authorize(server.browser(), spa, uri).status()));
            }
            for (Future<Integer> f : sent) {
                assertThat(f.get()).isEqualTo(400);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(rows(spa.appId(), "REDIRECT_URI_NOT_REGISTERED")).isLessThanOrEqualTo(SignInProblemStore.SUBJECTS_PER_CAUSE + 1);
        assertThat(flow.count("SELECT SUM(occurrences) FROM sign_in_problems WHERE app_id = '" + spa.appId()
                + "' AND cause = 'REDIRECT_URI_NOT_REGISTERED'")).isEqualTo(80);
    }

    @Test
    void veryLongValuesAreCutNeverRefusedWithA500() {
        // Values just under the edge's parameter limits (ParameterLimits refuses longer ones before anything is counted).
        Client spa = flow.spaClient();
        String longUri = "https://long.example/" + "a".repeat(1_900);
        assertThat(authorize(server.browser(), spa, longUri).status()).isEqualTo(400);
        String longScope = String.join(" ", java.util.Collections.nCopies(35, "s" + "x".repeat(100)).stream()
                .map(s -> s + SEQ.incrementAndGet()).toList());
        Client service = flow.serviceClient();
        Http.Response scopes = flow.token(DEFAULT, OAuthFlow.fields("grant_type", "client_credentials", "scope", longScope),
                "Authorization", basic(service.clientId(), service.secret()));
        assertThat(scopes.status()).isEqualTo(400);
        Http.Response client = flow.token(DEFAULT, OAuthFlow.fields("grant_type", "client_credentials", "client_id", "c".repeat(250),
                "client_secret", "x"));
        assertThat(client.status()).isEqualTo(401);
        Http.Response origin = origins.send("OPTIONS", DEFAULT + "/token", null, "Origin", "https://" + "o".repeat(6_000) + ".example",
                "Access-Control-Request-Method", "POST");
        assertThat(origin.status()).isEqualTo(204);
        assertThat(problemsJson(spa.appId())).contains("REDIRECT_URI_NOT_REGISTERED");
        assertThat(problemsJson(service.appId())).contains("SCOPE_NOT_ALLOWED");
        assertThat(admin.get("/admin/reports/sign-in-problems").status()).isEqualTo(200);
        assertThat(flow.count("SELECT COALESCE(MAX(LENGTH(subject)), 0) FROM sign_in_problems")).isLessThanOrEqualTo(SignInProblemStore.SUBJECT);
        assertThat(flow.count("SELECT COALESCE(MAX(LENGTH(example)), 0) FROM sign_in_problems")).isLessThanOrEqualTo(SignInProblemStore.EXAMPLE);
        dismissAll();
    }

    @Test
    void moreOriginsThanTheMemoryHoldsAreDroppedCountedAndSaidSo() throws Exception {
        admin.get("/admin/reports/sign-in-problems");   // flushes what earlier tests counted: the map starts empty
        long tooMany = flow.count("SELECT COUNT(*) FROM system_log_events WHERE outcome_reason = 'TOO_MANY_ORIGINS'");
        long corsEvents = flow.count("SELECT COUNT(*) FROM system_log_events WHERE outcome_reason = 'CORS_ORIGIN_NOT_TRUSTED'");
        int sent = OriginRefusals.MAX_ORIGINS + 150;
        for (int i = 0; i < sent; i++) {
            preflight("https://many-" + i + "-" + SEQ.incrementAndGet() + ".example");
        }
        assertThat(countedOrigins()).isEqualTo(OriginRefusals.MAX_ORIGINS);
        admin.get("/admin/reports/sign-in-problems");
        assertThat(countedOrigins()).isZero();
        assertThat(flow.count("SELECT COUNT(*) FROM system_log_events WHERE outcome_reason = 'TOO_MANY_ORIGINS'")).isEqualTo(tooMany + 1);
        // 1,000 origins no app uses: 20 events of their own, the rest in one (not an event per invented origin).
        assertThat(flow.count("SELECT COUNT(*) FROM system_log_events WHERE outcome_reason = 'CORS_ORIGIN_NOT_TRUSTED'") - corsEvents)
                .isEqualTo(21);
        assertThat(rows(SignInProblemStore.ORG, "CORS_ORIGIN_NOT_TRUSTED")).isLessThanOrEqualTo(SignInProblemStore.SUBJECTS_PER_CAUSE + 1);
        dismissAll();
    }

    @Test
    void aFloodOfDistinctOriginsListsTheAppsOncePerFlushNotOncePerOrigin() {
        // Each counted origin is matched against the apps' URIs; listing every app per origin made a flood of distinct
        // origins (1,000 every 30 s) cost 1,000 listings of up to 2,000 apps per flush, inside the admin's page view.
        String used = "https://used-by-an-app-" + SEQ.incrementAndGet() + ".example";
        Client spa = flow.spaClient(a -> OAuthFlow.oauthClient(a).putArray("redirect_uris").add(used + "/cb"));
        admin.get("/admin/reports/sign-in-problems");
        server.wiring().db.inTx(h -> h.execute("SET QUERY_STATISTICS TRUE"));
        try {
            for (int i = 0; i < 100; i++) {
                preflight("https://listing-" + i + "-" + SEQ.incrementAndGet() + ".example");
            }
            preflight(used);
            long before = appListings();
            admin.get("/admin/reports/sign-in-problems");
            assertThat(appListings() - before).as("app listings for one flush of 101 origins").isLessThanOrEqualTo(1);
        } finally {
            server.wiring().db.inTx(h -> h.execute("SET QUERY_STATISTICS FALSE"));
        }
        assertThat(problem(spa.appId(), "CORS_ORIGIN_NOT_TRUSTED").get("subject").asText()).isEqualTo(used);
        dismissAll();
    }

    /** How often H2 ran the statement of {@code Apps.list} since query statistics were switched on. */
    private static long appListings() {
        return flow.count("SELECT COALESCE(SUM(EXECUTION_COUNT), 0) FROM INFORMATION_SCHEMA.QUERY_STATISTICS "
                + "WHERE SQL_STATEMENT LIKE '%FROM apps a WHERE 1 = 1%' AND SQL_STATEMENT NOT LIKE '%QUERY_STATISTICS%'");
    }

    @Test
    void anUntrustedOriginIsCountedInMemoryNotWrittenPerRequest() {
        String origin = "https://not-trusted-" + SEQ.incrementAndGet() + ".example";
        admin.get("/admin/reports/sign-in-problems");
        long events = flow.count("SELECT COUNT(*) FROM system_log_events");
        long refusedEvents = flow.events("security.trusted_origin.refused");
        long counted = flow.count("SELECT COALESCE(SUM(occurrences), 0) FROM sign_in_problems");
        for (int i = 0; i < 10; i++) {
            preflight(origin);
            assertThat(origins.send("GET", DEFAULT + "/keys", null, "Origin", origin).status()).isEqualTo(200);
            assertThat(origins.send("GET", "/.well-known/openid-configuration", null, "Origin", origin).status()).isEqualTo(200);
            origins.send("GET", "/api/v1/sessions/me", null, "Origin", origin);
        }
        assertThat(flow.count("SELECT COUNT(*) FROM system_log_events")).as("no event per refused request").isEqualTo(events);
        assertThat(flow.count("SELECT COALESCE(SUM(occurrences), 0) FROM sign_in_problems")).isEqualTo(counted);
        Http.Response org = admin.get("/admin/reports/sign-in-problems");
        assertThat(org.body()).contains(origin);
        assertThat(flow.count("SELECT occurrences FROM sign_in_problems WHERE subject = '" + origin + "'")).isEqualTo(40);
        assertThat(flow.events("security.trusted_origin.refused")).as("one event for the 40").isEqualTo(refusedEvents + 1);
    }

    @Test
    void gatehousesOwnPagesAndOpaqueOriginsAreNotCounted() throws Exception {
        admin.get("/admin/reports/sign-in-problems");
        String own = server.wiring().config.baseUrl();
        for (String origin : List.of(own, "null")) {
            preflight(origin);
            origins.send("GET", "/api/v1/sessions/me", null, "Origin", origin);
            origins.send("GET", DEFAULT + "/keys", null, "Origin", origin);
        }
        assertThat(countedOrigins()).isZero();
        admin.get("/admin/reports/sign-in-problems");
        assertThat(flow.count("SELECT COUNT(*) FROM sign_in_problems WHERE subject IN ('" + own + "', 'null')")).isZero();
    }

    // ---- forged and misdirected fixes ---------------------------------------------------------------------------------

    @Test
    void fixAndDismissAnswerOnlyAPostWithThisSessionsTokenFromGatehousesOwnPages() {
        Client spa = flow.spaClient();
        String sent = "https://csrf-" + SEQ.incrementAndGet() + ".example/cb";
        authorize(server.browser(), spa, sent);
        String id = problem(spa.appId(), "REDIRECT_URI_NOT_REGISTERED").get("id").asText();
        String base = "/admin/apps/" + spa.appId() + "/troubleshoot/" + id;
        String token = Browser.csrf(admin.get("/admin/apps/" + spa.appId() + "/troubleshoot"));
        Browser otherAdmin = flow.signedIn();
        String othersToken = Browser.csrf(otherAdmin.get("/admin/apps/" + spa.appId() + "/troubleshoot"));
        String person = "nonadmin-" + SEQ.incrementAndGet() + "@example.com";
        People.create(server.http(), person, "Correct-Horse-66");
        Browser plain = OAuthFlow.signedIn(server, person, "Correct-Horse-66");
        String before = redirectUris(spa.appId());
        for (String action : List.of("/fix", "/dismiss")) {
            assertThat(admin.post(base + action).status()).as("no token").isEqualTo(403);
            assertThat(admin.post(base + action, "csrf", othersToken).status()).as("another session's token").isEqualTo(403);
            assertThat(admin.post(base + action, "csrf", (token.charAt(0) == 'A' ? "B" : "A") + token.substring(1)).status())
                    .as("a forged token").isEqualTo(403);
            assertThat(admin.postWithHeaders(base + action, List.of("Origin", "https://evil.example"), "csrf", token).status())
                    .as("from another site").isEqualTo(403);
            assertThat(admin.postWithHeaders(base + action, List.of("Sec-Fetch-Site", "cross-site"), "csrf", token).status())
                    .as("a cross-site fetch").isEqualTo(403);
            assertThat(admin.get(base + action).status()).as("a GET").isIn(404, 405);
            assertThat(plain.post(base + action, "csrf", token).status()).as("a person who is no admin").isEqualTo(403);
            assertThat(server.browser().post(base + action, "csrf", token).status()).as("no session").isIn(302, 403);
        }
        assertThat(redirectUris(spa.appId())).isEqualTo(before);
        assertThat(problems(spa.appId())).extracting(p -> p.get("id").asText()).contains(id);
        assertThat(plain.get("/admin/apps/" + spa.appId() + "/troubleshoot").status()).isEqualTo(403);
        assertThat(plain.get("/admin/reports/sign-in-problems").status()).isEqualTo(403);
    }

    @Test
    void aProblemIdPostedToAnotherAppsOrTheOrgsAddressChangesNothing() {
        Client a = flow.spaClient();
        Client b = flow.spaClient();
        String sent = "https://misdirected-" + SEQ.incrementAndGet() + ".example/cb";
        authorize(server.browser(), a, sent);
        String id = problem(a.appId(), "REDIRECT_URI_NOT_REGISTERED").get("id").asText();
        server.browser().get(DEFAULT + "/authorize?client_id=misdirected-client-" + SEQ.incrementAndGet() + "&redirect_uri="
                + enc(OAuthFlow.REDIRECT_URI) + "&response_type=code&scope=openid&state=s");
        Matcher first = Pattern.compile("id=\"problem-(CLIENT_NOT_FOUND\\.[A-Za-z0-9_-]{16})\"").matcher(admin.get("/admin/reports/sign-in-problems").body());
        assertThat(first.find()).isTrue();
        String orgId = first.group(1);
        String token = Browser.csrf(admin.get("/admin/apps/" + b.appId() + "/troubleshoot"));
        String beforeA = redirectUris(a.appId());
        String beforeB = redirectUris(b.appId());
        for (String path : List.of("/admin/apps/" + b.appId() + "/troubleshoot/" + id, "/admin/reports/sign-in-problems/" + id,
                "/admin/apps/" + a.appId() + "/troubleshoot/" + orgId, "/admin/apps/0oaNoSuchApp00000000/troubleshoot/" + id)) {
            for (String action : List.of("/fix", "/dismiss")) {
                assertThat(admin.post(path + action, "csrf", token).status()).as(path + action).isEqualTo(404);
            }
        }
        assertThat(redirectUris(a.appId())).isEqualTo(beforeA);
        assertThat(redirectUris(b.appId())).isEqualTo(beforeB).doesNotContain(sent);
        assertThat(problems(a.appId())).extracting(p -> p.get("id").asText()).contains(id);
        assertThat(admin.get("/admin/reports/sign-in-problems").body()).contains(orgId);
    }

    @Test
    void anAttackersRedirectUriIsOfferedOnlyWithAConfirmationThatSaysAnyoneCouldHaveSentIt() {
        Client spa = flow.spaClient();
        String attacker = "https://attacker-" + SEQ.incrementAndGet() + ".example/steal";
        authorize(server.browser(), spa, attacker);
        JsonNode problem = problem(spa.appId(), "REDIRECT_URI_NOT_REGISTERED");
        assertThat(problem.at("/fix/action/type").asText()).isEqualTo("ADD_REDIRECT_URI");
        String confirm = confirmOf(admin.get("/admin/apps/" + spa.appId() + "/troubleshoot").body(), problem.get("id").asText());
        assertThat(confirm).contains(attacker).contains(spa.redirectUri()).contains("Anyone can send a sign-in request naming any address")
                .contains("only if it is the app's own callback");
        assertThat(problem.get("summary").asText()).doesNotStartWith("SPA").contains("A sign-in request");
        // The same for an origin an attacker's page calls from: the confirmation says the request could come from anyone.
        String origin = "https://attacker-origin-" + SEQ.incrementAndGet() + ".example";
        Client withOrigin = flow.spaClient(a -> OAuthFlow.oauthClient(a).putArray("redirect_uris").add(origin + "/cb"));
        preflight(origin);
        JsonNode cors = problem(withOrigin.appId(), "CORS_ORIGIN_NOT_TRUSTED");
        String corsConfirm = confirmOf(admin.get("/admin/apps/" + withOrigin.appId() + "/troubleshoot").body(), cors.get("id").asText());
        assertThat(corsConfirm).contains(origin).contains("Any web page can send these requests")
                .contains("only if it is the app's own address");
    }

    @Test
    void replayingAFixChangesNothingTheSecondTime() {
        Client spa = flow.spaClient();
        String sent = "https://replay-" + SEQ.incrementAndGet() + ".example/cb";
        authorize(server.browser(), spa, sent);
        String id = problem(spa.appId(), "REDIRECT_URI_NOT_REGISTERED").get("id").asText();
        String url = "/admin/apps/" + spa.appId() + "/troubleshoot/" + id + "/fix";
        String token = Browser.csrf(admin.get("/admin/apps/" + spa.appId() + "/troubleshoot"));
        assertThat(admin.post(url, "csrf", token).status()).isEqualTo(303);
        String after = redirectUris(spa.appId());
        Http.Response again = admin.post(url, "csrf", token);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.body()).contains("Not found");
        assertThat(redirectUris(spa.appId())).isEqualTo(after);
        assertThat(after.split(Pattern.quote(sent), -1)).as("added once").hasSize(2);
    }

    @Test
    void aFixThatBreaksARuleChangesNothingAndSaysWhyReadably() {
        // An http redirect URI off localhost, which AppRules refuses.
        Client spa = flow.spaClient();
        String http = "http://plain-http-" + SEQ.incrementAndGet() + ".example/cb";
        authorize(server.browser(), spa, http);
        String before = redirectUris(spa.appId());
        String lastUpdated = api.get("/api/v1/apps/" + spa.appId()).json().get("lastUpdated").asText();
        JsonNode problem = problem(spa.appId(), "REDIRECT_URI_NOT_REGISTERED");
        Http.Response refused = fixOf(spa.appId(), problem.get("id").asText());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("Nothing was changed").contains("redirect_uris");
        assertThat(redirectUris(spa.appId())).isEqualTo(before);
        assertThat(api.get("/api/v1/apps/" + spa.appId()).json().get("lastUpdated").asText()).isEqualTo(lastUpdated);
        assertThat(problems(spa.appId())).extracting(p -> p.get("id").asText()).contains(problem.get("id").asText());

        // A redirect URI with a control character is recorded only described; no one-click fix adds the description.
        Client other = flow.spaClient();
        authorize(server.browser(), other, "https://ctl.example/cb\nInjected: yes");
        JsonNode described = problem(other.appId(), "REDIRECT_URI_NOT_REGISTERED");
        assertThat(described.get("subject").asText()).startsWith("[refused:");
        assertThat(described.at("/fix/action").isNull()).as("no button that adds the description").isTrue();
        Http.Response noFix = fixOf(other.appId(), described.get("id").asText());
        assertThat(noFix.status()).isEqualTo(400);
        assertThat(redirectUris(other.appId())).doesNotContain("refused");

        // An Origin header that is no origin (it has a path): no button trusts it, a forged post is refused readably.
        String notAnOrigin = "https://with-path-" + SEQ.incrementAndGet() + ".example/path";
        dismissAll();   // so the origin gets a group of its own, not the '*' of earlier floods
        preflight(notAnOrigin);
        Http.Response org = admin.get("/admin/reports/sign-in-problems");
        String corsId = "CORS_ORIGIN_NOT_TRUSTED." + idHash(notAnOrigin);
        assertThat(org.body()).contains("problem-" + corsId);
        long trusted = flow.count("SELECT COUNT(*) FROM trusted_origins");
        Http.Response r = admin.post("/admin/reports/sign-in-problems/" + corsId + "/fix", "csrf", Browser.csrf(org));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("Nothing was changed");
        assertThat(flow.count("SELECT COUNT(*) FROM trusted_origins")).isEqualTo(trusted);

        // A person unlocked elsewhere meanwhile: the unlock fix answers readably, not with a 500.
        String login = "unlocked-meanwhile-" + SEQ.incrementAndGet() + "@example.com";
        String userId = People.create(server.http(), login, "Correct-Horse-11");
        for (int i = 0; i < server.wiring().config.lockoutAttempts() + 1; i++) {
            server.clock.advance(Duration.ofSeconds(1));
            server.browser().signIn(login, "Wrong-" + i, "/");
        }
        server.browser().signIn(login, "Correct-Horse-11", "/");
        assertThat(api.post("/api/v1/users/" + userId + "/lifecycle/unlock", "").status()).isEqualTo(200);
        Http.Response page = admin.get("/admin/reports/sign-in-problems");
        String lockedId = "USER_LOCKED_OUT." + idHash(login);
        assertThat(page.body()).contains(lockedId + "/fix");
        Http.Response unlock = admin.post("/admin/reports/sign-in-problems/" + lockedId + "/fix", "csrf", Browser.csrf(page));
        assertThat(unlock.status()).as(unlock.body()).isIn(303, 400);
        assertThat(api.get("/api/v1/users/" + userId).json().get("status").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void concurrentFixesOfOneAppEachLandAndTheSameFixTwiceLandsOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                Client spa = flow.spaClient();
                String one = "https://one-" + SEQ.incrementAndGet() + ".example/cb";
                String two = "https://two-" + SEQ.incrementAndGet() + ".example/cb";
                authorize(server.browser(), spa, one);
                authorize(server.browser(), spa, two);
                String oneId = "REDIRECT_URI_NOT_REGISTERED." + idHash(one);
                String twoId = "REDIRECT_URI_NOT_REGISTERED." + idHash(two);
                String token = Browser.csrf(admin.get("/admin/apps/" + spa.appId() + "/troubleshoot"));
                String base = "/admin/apps/" + spa.appId() + "/troubleshoot/";
                List<Callable<Integer>> fixes = List.of(() -> sameSession().post(base + oneId + "/fix", "csrf", token).status(),
                        () -> sameSession().post(base + twoId + "/fix", "csrf", token).status(),
                        () -> sameSession().post(base + oneId + "/fix", "csrf", token).status());
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : pool.invokeAll(fixes)) {
                    statuses.add(f.get());
                }
                assertThat(statuses).as("no 500").allMatch(s -> s == 303 || s == 404);
                String uris = redirectUris(spa.appId());
                assertThat(uris).as("round " + round + ": both confirmed URIs are there").contains(one).contains(two);
                assertThat(uris.split(Pattern.quote(one), -1)).as("added once").hasSize(2);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- the API ------------------------------------------------------------------------------------------------------

    @Test
    void theProblemsApiAnswersOnlyASuperAdminsTokenFromAServerAndNeverA500() {
        Client spa = flow.spaClient();
        String path = "/api/v1/apps/" + spa.appId() + "/problems";
        assertThat(server.http().send("GET", path, null).status()).as("no token").isEqualTo(401);
        assertThat(server.http().send("GET", path, null, "Authorization", "SSWS not-a-token").status()).isEqualTo(401);
        assertThat(admin.send("GET", path).status()).as("an admin's session cookie is no token").isEqualTo(401);
        assertThat(server.http().send("GET", path, null, "Authorization", "SSWS " + TestServer.API_TOKEN, "Origin", "https://evil.example")
                .status()).as("a token from a browser").isEqualTo(403);
        for (String junk : List.of("..%2F..%2Fusers", "%00", "x".repeat(300), "%27%20OR%201%3D1--", "%E2%80%AE", ".")) {
            Http.Response r = api.get("/api/v1/apps/" + junk + "/problems");
            assertThat(r.status()).as(junk).isIn(400, 404);
        }
        for (String junk : List.of("x".repeat(300), "%27%20OR%201%3D1--", "CORS_ORIGIN_NOT_TRUSTED.%2F..%2F..%2F..%2F..", "REDIRECT_URI_NOT_REGISTERED.",
                "NOPE.0123456789abcdef")) {
            Http.Response page = admin.get("/admin/apps/" + spa.appId() + "/troubleshoot");
            Http.Response r = admin.post("/admin/apps/" + spa.appId() + "/troubleshoot/" + junk + "/fix", "csrf", Browser.csrf(page));
            assertThat(r.status()).as(junk).isIn(400, 404);
        }
        assertThat(admin.get("/admin/apps/0oaNoSuchApp00000000/troubleshoot").status()).isEqualTo(404);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------------

    /** A browser of its own (for another thread) with the admin's session. */
    private static Browser sameSession() {
        Browser b = server.browser();
        synchronized (admin) {
            b.cookies.putAll(admin.cookies);
        }
        return b;
    }

    /** Dismisses every group of the org through the console (after a flood, so later tests get groups of their own). */
    private static void dismissAll() {
        for (int i = 0; i < 200; i++) {
            Http.Response page = admin.get("/admin/reports/sign-in-problems");
            Matcher m = Pattern.compile("action=\"(/admin/reports/sign-in-problems/[A-Z_]+\\.[A-Za-z0-9_-]{16}/dismiss)\"").matcher(page.body());
            if (!m.find()) {
                return;
            }
            assertThat(admin.post(m.group(1), "csrf", Browser.csrf(page)).status()).isEqualTo(303);
        }
        throw new AssertionError("the org's groups did not go");
    }

    private static String marker(String what) {
        return what + "-" + SEQ.incrementAndGet() + "-" + Long.toString(System.nanoTime(), 36);
    }

    private static Http.Response authorize(Browser b, Client c, String redirectUri) {
        Map<String, String> p = params(c, randomVerifier());
        p.put("redirect_uri", redirectUri);
        return b.get(authorizeUrl(DEFAULT, p));
    }

    private static void preflight(String origin) {
        Http.Response r = origins.send("OPTIONS", DEFAULT + "/token", null, "Origin", origin, "Access-Control-Request-Method", "POST");
        assertThat(r.status()).isEqualTo(204);
    }

    /** A page with what varies per request (ids, the URI sent, nonces) taken out. */
    private static String normalised(String body, String sent) {
        return body.replace(sent, "SENT").replace(enc(sent), "SENT").replaceAll("[A-Za-z0-9_-]{20,}", "ID");
    }

    private static String problemsJson(String appId) {
        Http.Response r = api.get("/api/v1/apps/" + appId + "/problems");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static List<JsonNode> problems(String appId) {
        Http.Response r = api.get("/api/v1/apps/" + appId + "/problems");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return StreamSupport.stream(r.json().spliterator(), false).toList();
    }

    private static JsonNode problem(String appId, String cause) {
        List<JsonNode> found = problems(appId).stream().filter(p -> p.get("cause").asText().equals(cause)).toList();
        assertThat(found).as("problems of %s with cause %s", appId, cause).isNotEmpty();
        return found.getFirst();
    }

    private static Http.Response fixOf(String appId, String problemId) {
        Http.Response tab = admin.get("/admin/apps/" + appId + "/troubleshoot");
        return admin.post("/admin/apps/" + appId + "/troubleshoot/" + problemId + "/fix", "csrf", Browser.csrf(tab));
    }

    private static String redirectUris(String appId) {
        return api.get("/api/v1/apps/" + appId).json().at("/settings/oauthClient/redirect_uris").toString();
    }

    private static long rows(String appId, String cause) {
        return flow.count("SELECT COUNT(*) FROM sign_in_problems WHERE app_id = '" + appId + "' AND cause = '" + cause + "'");
    }

    /** The id part {@code SignInProblemStore.Row#id} makes of a subject. */
    private static String idHash(String subject) {
        return dev.gatehouse.storage.Hashes.sha256(subject).substring(0, 16);
    }

    /** The confirmation text of a problem's fix button, unescaped. */
    private static String confirmOf(String page, String problemId) {
        int form = page.indexOf("/" + problemId + "/fix\"");
        assertThat(form).as(page).isPositive();
        Matcher m = Pattern.compile("data-confirm=\"([^\"]*)\"").matcher(page);
        assertThat(m.find(form)).isTrue();
        return m.group(1).replace("&#34;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    private static int countedOrigins() throws Exception {
        java.lang.reflect.Field f = OriginRefusals.class.getDeclaredField("counts");
        f.setAccessible(true);
        return ((Map<?, ?>) f.get(server.wiring().originRefusals)).size();
    }
}
