package dev.gatehouse.http;

import dev.gatehouse.Wiring;
import dev.gatehouse.sessions.SignInPages;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.People;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;

import static dev.gatehouse.support.Http.ssws;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limits over HTTP, on H2 and PostgreSQL: the X-Rate-Limit-* headers, the 429 of each surface, per-family
 * overrides, the multiplier, that a refused request changes nothing, and (PostgreSQL) that two nodes sharing the store
 * share the limit. The server runs with small limits for a few families so a test reaches them in a few requests; each
 * test starts by moving the clock two minutes on, which refills every bucket, so tests do not depend on each other.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class RateLimitHttpTest {

    /** users=0 turns that family off: the fixtures create people freely. */
    static final String LIMITS = "logs=3,authorize=2,token=6,signin=3,signin-user=100,users=0";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static Http http;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database, "--rate-limit-multiplier", "1", "--rate-limits", LIMITS);
        http = server.http();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @BeforeEach
    void refillEveryBucket() {
        server.clock.advance(Duration.ofMinutes(2));
    }

    private long now() {
        return server.clock.instant().getEpochSecond();
    }

    @Test
    void everyResponseOfALimitedFamilyCarriesTheHeadersAndRemainingCountsDown() {
        Http.Response first = http.get("/api/v1/groups", ssws(TestServer.API_TOKEN));
        Http.Response second = http.get("/api/v1/groups", ssws(TestServer.API_TOKEN));
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header(RateLimitFilter.LIMIT)).as("Okta's default for /api/v1").isEqualTo("600");
        assertThat(Long.parseLong(second.header(RateLimitFilter.REMAINING)))
                .isEqualTo(Long.parseLong(first.header(RateLimitFilter.REMAINING)) - 1);
        assertThat(Long.parseLong(first.header(RateLimitFilter.RESET))).as("epoch seconds within the minute")
                .isBetween(now(), now() + 60);
        // Errors of a limited family carry them too, as Okta's do.
        Http.Response unauthenticated = http.get("/api/v1/groups");
        assertThat(unauthenticated.status()).isEqualTo(401);
        assertThat(unauthenticated.header(RateLimitFilter.LIMIT)).isEqualTo("600");
    }

    @Test
    void publicMetadataHealthAndTheSignInPageAreNotLimited() {
        for (String path : new String[]{"/oauth2/default/v1/keys", "/oauth2/default/.well-known/openid-configuration",
                "/.well-known/openid-configuration", "/health/live", "/signin"}) {
            Http.Response r = http.get(path);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(r.header(RateLimitFilter.LIMIT)).as(path).isNull();
        }
    }

    @Test
    void theManagementApiAnswers429WithE0000047PastTheLimitAndAgainOnceTheBucketRefills() {
        for (int i = 0; i < 3; i++) {
            Http.Response ok = http.get("/api/v1/logs", ssws(TestServer.API_TOKEN));
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.header(RateLimitFilter.LIMIT)).as("the per-family override").isEqualTo("3");
            assertThat(ok.header(RateLimitFilter.REMAINING)).isEqualTo(Integer.toString(2 - i));
        }
        Http.Response refused = http.get("/api/v1/logs", ssws(TestServer.API_TOKEN));
        assertOktaError(refused, 429, "E0000047");
        assertThat(refused.json().get("errorSummary").asText()).isEqualTo("API call exceeded rate limit due to too many requests.");
        assertThat(refused.header(RateLimitFilter.REMAINING)).isEqualTo("0");
        assertThat(Long.parseLong(refused.header(RateLimitFilter.RESET))).isBetween(now(), now() + 60);
        assertThat(refused.header("Retry-After")).as("one token comes back every 20 s at 3 a minute").isEqualTo("20");
        assertThat(refused.header(Edge.REQUEST_ID_HEADER)).isNotBlank();

        assertThat(http.get("/api/v1/groups", ssws(TestServer.API_TOKEN)).status()).as("another family is not affected").isEqualTo(200);
        server.clock.advance(Duration.ofSeconds(20));
        assertThat(http.get("/api/v1/logs", ssws(TestServer.API_TOKEN)).status()).as("one token back after a third of a minute").isEqualTo(200);
        assertThat(http.get("/api/v1/logs", ssws(TestServer.API_TOKEN)).status()).isEqualTo(429);
    }

    @Test
    void aRefusedTokenRequestIssuesNothingAndLeavesTheCodeUsable() {
        OAuthFlow flow = OAuthFlow.spa(server);
        Browser browser = OAuthFlow.signedIn(server);
        String verifier = OAuthFlow.randomVerifier();
        String code = flow.code(browser, "openid offline_access", verifier);
        for (int i = 0; i < 6; i++) {
            assertThat(flow.form("/token", "grant_type", "client_credentials").status()).as("spends a token").isEqualTo(401);
        }
        long accessTokens = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM access_tokens");
        String[] exchange = {"grant_type", "authorization_code", "client_id", flow.clientId(), "redirect_uri", OAuthFlow.REDIRECT_URI,
                "code", code, "code_verifier", verifier};

        Http.Response refused = flow.form("/token", exchange);
        assertOktaError(refused, 429, "E0000047");
        assertThat(refused.header(RateLimitFilter.LIMIT)).isEqualTo("6");
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM access_tokens")).as("nothing issued").isEqualTo(accessTokens);

        server.clock.advance(Duration.ofMinutes(1));
        Http.Response later = flow.form("/token", exchange);
        assertThat(later.status()).as("the refused request did not use up the code: " + later.body()).isEqualTo(200);
        assertThat(later.json().get("access_token").asText()).isNotBlank();
    }

    @Test
    void theOrgAuthorizationServerHasItsOwnBucketAsAtOkta() {
        for (int i = 0; i < 6; i++) {
            http.send("POST", "/oauth2/default/v1/token", "grant_type=client_credentials", "Content-Type", "application/x-www-form-urlencoded");
        }
        assertThat(http.send("POST", "/oauth2/default/v1/token", "grant_type=client_credentials",
                "Content-Type", "application/x-www-form-urlencoded").status()).isEqualTo(429);
        Http.Response org = http.send("POST", "/oauth2/v1/token", "grant_type=client_credentials", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(org.status()).isEqualTo(401);
        assertThat(org.header(RateLimitFilter.REMAINING)).isEqualTo("5");
    }

    @Test
    void refreshingOneSignInFasterThanFourASecondIsRefusedAndRotatesNothing() {
        OAuthFlow flow = OAuthFlow.spa(server);
        String refreshToken = flow.tokens(OAuthFlow.signedIn(server), "openid offline_access").get("refresh_token").asText();
        for (int i = 0; i < 4; i++) {
            Http.Response r = flow.refresh(refreshToken);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            refreshToken = r.json().get("refresh_token").asText();
        }
        long refreshTokens = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM refresh_tokens");
        Http.Response refused = flow.refresh(refreshToken);
        assertOktaError(refused, 429, "E0000047");
        assertThat(refused.header(RateLimitFilter.LIMIT)).as("Okta's per-user 4 a second").isEqualTo("4");
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM refresh_tokens")).as("nothing rotated").isEqualTo(refreshTokens);

        server.clock.advance(Duration.ofSeconds(10));   // the org-wide token bucket (6 a minute here) needs 10 s for one more
        assertThat(flow.refresh(refreshToken).status()).as("the same token works later").isEqualTo(200);
    }

    @Test
    void authorizePastTheLimitShowsAReadablePage() {
        String path = "/oauth2/default/v1/authorize?client_id=nobody&response_type=code";
        assertThat(http.get(path).status()).isEqualTo(400);
        assertThat(http.get(path).status()).isEqualTo(400);
        Http.Response refused = http.get(path);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Content-Type")).startsWith("text/html");
        assertThat(refused.body()).contains("Too many requests").contains(refused.header(Edge.REQUEST_ID_HEADER));
        assertThat(refused.header(RateLimitFilter.REMAINING)).isEqualTo("0");
    }

    @Test
    void signInPastTheLimitShowsTheFormAgainAndMovesNoLockoutCounter() {
        String login = "limited-" + database.name().toLowerCase() + "@example.com";
        String id = People.create(http, login, "Right-Password-9");
        for (int i = 0; i < 3; i++) {
            Http.Response wrong = server.browser().signIn(login, "wrong-" + i, "/");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.header(RateLimitFilter.LIMIT)).isEqualTo("3");
        }
        assertThat(failedSignIns(id)).isEqualTo(3);

        Browser browser = server.browser();
        Http.Response refused = browser.signIn(login, "wrong-again", "/");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body()).contains(SignInPages.TOO_MANY.replace("'", "&#39;")).contains("name=\"username\"").contains("name=\"csrf\"");
        assertThat(refused.header("Retry-After")).isNotNull();
        assertThat(failedSignIns(id)).as("a refused attempt checks no password").isEqualTo(3);
        assertThat(browser.signIn(login, "Right-Password-9", "/").status()).as("not even the right one").isEqualTo(429);
        assertThat(browser.cookies).doesNotContainKey("sid");

        server.clock.advance(Duration.ofMinutes(1));
        assertThat(browser.signIn(login, "Right-Password-9", "/").status()).as("the form works again later").isEqualTo(303);
        assertThat(failedSignIns(id)).isZero();
    }

    @Test
    void twoNodesOnPostgresqlShareTheLimitAndOnH2EachNodeCountsAlone() {
        try (Wiring second = Wiring.start(server.anotherNodeConfig(), server.clock)) {
            Http other = new Http("http://127.0.0.1:" + second.port());
            assertThat(http.get("/api/v1/logs", ssws(TestServer.API_TOKEN)).status()).isEqualTo(200);
            assertThat(other.get("/api/v1/logs", ssws(TestServer.API_TOKEN)).status()).isEqualTo(200);
            assertThat(http.get("/api/v1/logs", ssws(TestServer.API_TOKEN)).status()).isEqualTo(200);
            Http.Response fourth = other.get("/api/v1/logs", ssws(TestServer.API_TOKEN));
            if (database == TestDatabase.POSTGRES) {
                assertOktaError(fourth, 429, "E0000047");
                assertThat(http.get("/api/v1/logs", ssws(TestServer.API_TOKEN)).status()).isEqualTo(429);
            } else {
                // H2 is the single-node store: buckets live in memory, so a second process on it counts on its own.
                assertThat(fourth.status()).isEqualTo(200);
                assertThat(fourth.header(RateLimitFilter.REMAINING)).isEqualTo("1");
            }
        }
    }

    @Test
    void multiplierZeroTurnsEveryLimitOff() {
        try (TestServer unlimited = TestServer.start(TestDatabase.H2, "--rate-limit-multiplier", "0", "--rate-limits", LIMITS)) {
            Http h = unlimited.http();
            for (int i = 0; i < 60; i++) {
                Http.Response r = h.get("/api/v1/logs", ssws(TestServer.API_TOKEN));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header(RateLimitFilter.LIMIT)).isNull();
            }
        }
    }

    private static int failedSignIns(String userId) {
        return (int) Sql.count(server.wiring().db, "SELECT failed_sign_ins FROM users WHERE id = '" + userId + "'");
    }
}
