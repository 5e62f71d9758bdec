package dev.gatehouse.directory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.People;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.atomic.AtomicInteger;

import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #14 item 4, the kill switch for a compromised account, through the API: {@code DELETE /api/v1/users/{id}/sessions}
 * (with and without {@code oauthTokens}), and what the lifecycle changes end (suspend, deactivate, an admin-set password,
 * an app's deactivation). Each attack is a thief holding the victim's session cookie and refresh/access tokens; the
 * checks are the ones a thief would try: the session at /api/v1/sessions/me and /authorize, a refresh, /introspect and
 * /userinfo. On H2 and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class KillSwitchHttpTest {

    private static final String PASSWORD = "Stolen-Cookie-Jar-42";
    private static final AtomicInteger SEQ = new AtomicInteger();

    @Parameter
    TestDatabase database;

    static TestServer server;
    static Http http;
    static OAuthFlow spa;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        http = server.http();
        spa = OAuthFlow.spa(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    /** A person, signed in (the browser is what a thief would hold: the session cookie), with SPA tokens. */
    record Victim(String id, String login, Browser browser, JsonNode tokens) {
        String refreshToken() {
            return tokens.get("refresh_token").asText();
        }

        String accessToken() {
            return tokens.get("access_token").asText();
        }
    }

    private Victim victim() {
        String login = "victim-" + SEQ.incrementAndGet() + "-" + database.name().toLowerCase() + "@example.com";
        String id = People.create(http, login, PASSWORD);
        Browser browser = OAuthFlow.signedIn(server, login, PASSWORD);
        JsonNode tokens = spa.tokens(browser, OAuthFlow.ALL_SCOPES);
        Victim v = new Victim(id, login, browser, tokens);
        assertSessionWorks(v.browser());
        assertTokensWork(v);
        return v;
    }

    // ---- DELETE /api/v1/users/{id}/sessions ---------------------------------------------------------------------

    @Test
    void clearingSessionsWithOauthTokensStopsAStolenCookieRefreshTokenAndAccessToken() {
        Victim v = victim();
        Browser secondDevice = OAuthFlow.signedIn(server, v.login(), PASSWORD);
        long clears = events("user.session.clear");
        long ends = events("user.session.end");
        long revokes = events("app.oauth2.token.revoke.implicit.user");

        Http.Response r = http.send("DELETE", "/api/v1/users/" + v.id() + "/sessions?oauthTokens=true", null, Http.ssws(TestServer.API_TOKEN));
        assertThat(r.status()).as(r.body()).isEqualTo(204);
        assertThat(r.body()).isEmpty();

        assertSessionDead(v.browser());
        assertSessionDead(secondDevice);
        assertTokensDead(v);
        assertThat(events("user.session.clear")).as("one clear").isEqualTo(clears + 1);
        assertThat(events("user.session.end")).as("one end per session: two devices").isEqualTo(ends + 2);
        assertThat(events("app.oauth2.token.revoke.implicit.user")).isEqualTo(revokes + 1);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM sessions WHERE user_id = '" + v.id() + "'")).isZero();
        JsonNode clear = lastEvent("user.session.clear");
        assertThat(clear.get("target").get(0).get("id").asText()).isEqualTo(v.id());
        assertThat(clear.get("actor").get("alternateId").asText()).isEqualTo(TestServer.ADMIN);

        // The person (not the thief: they know the password) signs in again and everything works anew.
        Browser again = OAuthFlow.signedIn(server, v.login(), PASSWORD);
        assertSessionWorks(again);
        assertTokensWork(new Victim(v.id(), v.login(), again, spa.tokens(again, OAuthFlow.ALL_SCOPES)));
    }

    @Test
    void clearingSessionsWithoutOauthTokensEndsTheSessionsAndKeepsTheTokens() {
        Victim v = victim();
        long revokes = events("app.oauth2.token.revoke.implicit.user");
        Http.Response r = http.send("DELETE", "/api/v1/users/" + v.id() + "/sessions", null, Http.ssws(TestServer.API_TOKEN));
        assertThat(r.status()).as(r.body()).isEqualTo(204);
        assertSessionDead(v.browser());
        assertTokensWork(v);
        assertThat(events("app.oauth2.token.revoke.implicit.user")).isEqualTo(revokes);

        Http.Response explicitFalse = http.send("DELETE", "/api/v1/users/" + v.id() + "/sessions?oauthTokens=false&forgetDevices=true", null,
                Http.ssws(TestServer.API_TOKEN));
        assertThat(explicitFalse.status()).isEqualTo(204);
        assertTokensWork(v);
    }

    @Test
    void aCodeNotYetExchangedDiesWithTheSessionItCameFrom() {
        Victim v = victim();
        String verifier = OAuthFlow.randomVerifier();
        String code = spa.code(v.browser(), OAuthFlow.ALL_SCOPES, verifier);
        assertThat(http.send("DELETE", "/api/v1/users/" + v.id() + "/sessions", null, Http.ssws(TestServer.API_TOKEN)).status()).isEqualTo(204);
        Http.Response exchange = spa.form("/token", "grant_type", "authorization_code", "client_id", spa.clientId(),
                "redirect_uri", OAuthFlow.REDIRECT_URI, "code", code, "code_verifier", verifier);
        assertThat(exchange.status()).as(exchange.body()).isEqualTo(400);
        assertThat(exchange.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void anUnknownUserIs404AndABadFlagIs400AndNeitherEndsAnything() {
        Victim v = victim();
        long clears = events("user.session.clear");
        Http.Response unknown = http.send("DELETE", "/api/v1/users/00uNoSuchUser0000000/sessions?oauthTokens=true", null,
                Http.ssws(TestServer.API_TOKEN));
        assertOktaError(unknown, 404, "E0000007");

        Http.Response bad = http.send("DELETE", "/api/v1/users/" + v.id() + "/sessions?oauthTokens=yes", null, Http.ssws(TestServer.API_TOKEN));
        assertOktaError(bad, 400, "E0000001");
        assertThat(bad.json().get("errorCauses").get(0).get("errorSummary").asText()).startsWith("oauthTokens:");
        Http.Response badDevices = http.send("DELETE", "/api/v1/users/" + v.id() + "/sessions?forgetDevices=maybe", null,
                Http.ssws(TestServer.API_TOKEN));
        assertOktaError(badDevices, 400, "E0000001");

        Http.Response anonymous = http.send("DELETE", "/api/v1/users/" + v.id() + "/sessions?oauthTokens=true", null);
        assertOktaError(anonymous, 401, "E0000011");
        Http.Response withTheVictimsCookie = v.browser().send("DELETE", "/api/v1/users/" + v.id() + "/sessions?oauthTokens=true");
        assertThat(withTheVictimsCookie.status()).as("a session cookie is not an API credential").isEqualTo(401);

        assertSessionWorks(v.browser());
        assertTokensWork(v);
        assertThat(events("user.session.clear")).isEqualTo(clears);
    }

    @Test
    void anAccessTokenMintedAfterItsFamilyWasRevokedIsRevokedToo() {
        // The race the revocation orders its statements for: a refresh commits its new access token just after the
        // family (and its tokens) were revoked. The store reads the family's revocation with the token.
        Victim v = victim();
        server.wiring().db.tx(h -> h.createUpdate("UPDATE token_families SET revoked_at = CURRENT_TIMESTAMP WHERE user_id = :u")
                .bind("u", v.id()).execute());
        assertThat(introspect(v.accessToken()).get("active").asBoolean()).isFalse();
        assertThat(spa.refresh(v.refreshToken()).status()).isEqualTo(400);
    }

    @Test
    void aSignInWritesItsSessionOnlyIfNothingEndedTheUsersAccessSinceThePasswordCheck() {
        // A sign-in checks the password in one transaction and writes the session in the next; that one re-checks, under
        // the user's row lock, that the user is still ACTIVE with the password that was checked. (A suspension,
        // deactivation, password reset or clear takes the same lock, so it cannot slip between the check and the write.)
        Victim v = victim();
        java.time.Instant checked = server.wiring().users.get(v.id()).passwordChanged();
        assertThat(lockSignedIn(v.id(), checked)).isTrue();

        Http.Response reset = http.send("POST", "/api/v1/users/" + v.id(), "{\"credentials\":{\"password\":{\"value\":\"Reset-Between-7\"}}}",
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        assertThat(lockSignedIn(v.id(), checked)).as("checked against the old password").isFalse();
        java.time.Instant now = server.wiring().users.get(v.id()).passwordChanged();
        assertThat(lockSignedIn(v.id(), now)).isTrue();
        lifecycle(v.id(), "suspend");
        assertThat(lockSignedIn(v.id(), now)).as("suspended meanwhile").isFalse();
        lifecycle(v.id(), "unsuspend");
        assertThat(lockSignedIn(v.id(), now)).isTrue();
        assertSessionWorks(OAuthFlow.signedIn(server, v.login(), "Reset-Between-7"));
    }

    private static boolean lockSignedIn(String userId, java.time.Instant passwordChecked) {
        return server.wiring().db.tx(h -> new UserStore().lockSignedIn(h, userId, passwordChecked));
    }

    // ---- lifecycle ------------------------------------------------------------------------------------------------

    @Test
    void suspensionEndsTheSessionsForGoodAndPausesTheTokensUntilUnsuspended() {
        Victim v = victim();
        long ends = events("user.session.end");
        lifecycle(v.id(), "suspend");
        assertSessionDead(v.browser());
        assertThat(events("user.session.end")).isEqualTo(ends + 1);
        assertThat(introspect(v.accessToken()).get("active").asBoolean()).as("a suspended user's token is not active").isFalse();
        assertThat(introspect(v.refreshToken()).get("active").asBoolean()).isFalse();
        assertThat(userinfo(v.accessToken()).status()).isEqualTo(401);

        lifecycle(v.id(), "unsuspend");
        assertSessionDead(v.browser());   // the sessions were deleted, not paused: unsuspending brings none back
        // As at Okta, suspension keeps what the user was granted and unsuspension restores it: only deactivation revokes.
        assertTokensWork(v);
    }

    @Test
    void deactivationRevokesTokensForGoodAndReactivationRevivesNothing() {
        Victim v = victim();
        long revokes = events("app.oauth2.token.revoke.implicit.user");

        lifecycle(v.id(), "deactivate");
        assertSessionDead(v.browser());
        assertThat(events("app.oauth2.token.revoke.implicit.user")).isEqualTo(revokes + 1);
        lifecycle(v.id(), "activate");

        // Before this issue these worked again here ("they work again if it is reactivated"); now they stay dead.
        assertSessionDead(v.browser());
        assertTokensDead(v);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM refresh_tokens WHERE user_id = '" + v.id() + "' AND revoked_at IS NULL"))
                .as("every refresh token row is revoked").isZero();

        Browser again = OAuthFlow.signedIn(server, v.login(), PASSWORD);
        assertTokensWork(new Victim(v.id(), v.login(), again, spa.tokens(again, OAuthFlow.ALL_SCOPES)));
    }

    @Test
    void anAdminSetPasswordEndsTheSessionsAndKeepsTheTokens() {
        for (String method : new String[]{"POST", "PUT"}) {
            Victim v = victim();
            long ends = events("user.session.end");
            String body = """
                    {"profile":{"firstName":"Test","lastName":"Person","email":"%s","login":"%s"},
                     "credentials":{"password":{"value":"New-Password-After-Theft-7"}}}""".formatted(v.login(), v.login());
            Http.Response r = http.send(method, "/api/v1/users/" + v.id(), body, Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
            assertThat(r.status()).as(method + " " + r.body()).isEqualTo(200);
            assertSessionDead(v.browser());
            assertThat(events("user.session.end")).as(method).isEqualTo(ends + 1);
            assertTokensWork(v);   // as at Okta: a password change revokes no OAuth token (clear sessions with oauthTokens does)
            assertThat(server.browser().signIn(v.login(), PASSWORD, "/").status()).as("the old password").isNotEqualTo(303);
            assertSessionWorks(OAuthFlow.signedIn(server, v.login(), "New-Password-After-Theft-7"));
        }
    }

    @Test
    void aProfileUpdateWithoutAPasswordEndsNothing() {
        Victim v = victim();
        Http.Response r = http.send("POST", "/api/v1/users/" + v.id(), "{\"profile\":{\"nickName\":\"still me\"}}",
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertSessionWorks(v.browser());
        assertTokensWork(v);
    }

    // ---- apps ---------------------------------------------------------------------------------------------------

    @Test
    void anAppsDeactivationRevokesItsTokensForGoodAndReactivationRevivesNothing() {
        OAuthFlow app = OAuthFlow.spa(server);
        String login = "app-user-" + SEQ.incrementAndGet() + "-" + database.name().toLowerCase() + "@example.com";
        People.create(http, login, PASSWORD);
        Browser browser = OAuthFlow.signedIn(server, login, PASSWORD);
        JsonNode tokens = app.tokens(browser, OAuthFlow.ALL_SCOPES);
        JsonNode otherAppTokens = spa.tokens(browser, OAuthFlow.ALL_SCOPES);
        String appId = appId(app.clientId());
        long revokes = events("app.oauth2.token.revoke.implicit.client");

        assertThat(http.send("POST", "/api/v1/apps/" + appId + "/lifecycle/deactivate", null, Http.ssws(TestServer.API_TOKEN)).status()).isEqualTo(200);
        assertThat(events("app.oauth2.token.revoke.implicit.client")).isEqualTo(revokes + 1);
        assertThat(http.send("POST", "/api/v1/apps/" + appId + "/lifecycle/activate", null, Http.ssws(TestServer.API_TOKEN)).status()).isEqualTo(200);

        assertThat(app.refresh(tokens.get("refresh_token").asText()).status()).as("refresh after reactivation").isEqualTo(400);
        assertThat(app.form("/introspect", "token", tokens.get("access_token").asText(), "client_id", app.clientId()).json()
                .get("active").asBoolean()).isFalse();
        assertThat(userinfo(tokens.get("access_token").asText()).status()).isEqualTo(401);
        assertSessionWorks(browser);   // the person's session is theirs, not the app's
        assertThat(spa.refresh(otherAppTokens.get("refresh_token").asText()).status()).as("another app's tokens").isEqualTo(200);

        // The reactivated app signs people in again.
        JsonNode fresh = app.tokens(browser, OAuthFlow.ALL_SCOPES);
        assertThat(app.refresh(fresh.get("refresh_token").asText()).status()).isEqualTo(200);
    }

    @Test
    void aServiceAppsClientCredentialsTokenDiesWithItsDeactivation() {
        OAuthFlow.ServiceToken token = OAuthFlow.clientCredentials(server);
        String clientId = token.clientId();
        String appId = appId(clientId);
        assertThat(OAuthFlow.introspect(server, token).get("active").asBoolean()).isTrue();
        http.send("POST", "/api/v1/apps/" + appId + "/lifecycle/deactivate", null, Http.ssws(TestServer.API_TOKEN));
        // Time passes as a reactivation within the cutoff's second would make it pass (Apps waits for the next second).
        server.clock.advance(java.time.Duration.ofSeconds(1));
        http.send("POST", "/api/v1/apps/" + appId + "/lifecycle/activate", null, Http.ssws(TestServer.API_TOKEN));
        // No row to revoke (issue #23): the deactivation's cutoff revokes it, and the app, active again, cannot bring it back.
        assertThat(OAuthFlow.introspect(server, token).get("active").asBoolean())
                .as("a token of no family (client credentials) is revoked too").isFalse();
        // A token the reactivated app gets afterwards is not caught by the cutoff.
        Http.Response fresh = http.send("POST", "/oauth2/default/v1/token",
                "grant_type=client_credentials&scope=" + OAuthFlow.claims(token.token()).get("scp").get(0).asText(),
                "Content-Type", "application/x-www-form-urlencoded", "Authorization", OAuthFlow.basic(token.clientId(), token.secret()));
        assertThat(fresh.status()).as(fresh.body()).isEqualTo(200);
        OAuthFlow.ServiceToken again = new OAuthFlow.ServiceToken(fresh.json().get("access_token").asText(), token.clientId(), token.secret());
        assertThat(OAuthFlow.introspect(server, again).get("active").asBoolean()).isTrue();
    }

    @Test
    void aClientCredentialsTokenItsClientRevokesIsRecordedRevokedOnce() {
        OAuthFlow.ServiceToken token = OAuthFlow.clientCredentials(server);
        OAuthFlow.ServiceToken other = OAuthFlow.clientCredentials(server);
        String jti = OAuthFlow.claims(token.token()).get("jti").asText();
        String row = "SELECT COUNT(*) FROM access_tokens WHERE jti = '" + jti + "'";
        assertThat(Sql.count(server.wiring().db, row)).as("issue #23: the grant writes no row").isZero();
        // Another client cannot revoke it (RFC 7009 §2.1): 200 as always, and nothing recorded.
        assertThat(revoke(other, token.token()).status()).isEqualTo(200);
        assertThat(Sql.count(server.wiring().db, row)).isZero();
        assertThat(OAuthFlow.introspect(server, token).get("active").asBoolean()).isTrue();
        long revocations = OAuthFlow.events(server, "app.oauth2.as.token.revoke", "SUCCESS");
        assertThat(revoke(token, token.token()).status()).isEqualTo(200);
        assertThat(Sql.count(server.wiring().db, row + " AND revoked_at IS NOT NULL")).isEqualTo(1);
        assertThat(OAuthFlow.introspect(server, token).get("active").asBoolean()).isFalse();
        assertThat(OAuthFlow.events(server, "app.oauth2.as.token.revoke", "SUCCESS")).isEqualTo(revocations + 1);
        assertThat(revoke(token, token.token()).status()).as("again: nothing more").isEqualTo(200);
        assertThat(Sql.count(server.wiring().db, row)).isEqualTo(1);
        assertThat(OAuthFlow.events(server, "app.oauth2.as.token.revoke", "SUCCESS")).isEqualTo(revocations + 1);
        assertThat(OAuthFlow.introspect(server, other).get("active").asBoolean()).as("the other client's own token").isTrue();
    }

    private Http.Response revoke(OAuthFlow.ServiceToken as, String token) {
        return http.send("POST", "/oauth2/default/v1/revoke", "token=" + token + "&token_type_hint=access_token",
                "Content-Type", "application/x-www-form-urlencoded", "Authorization", OAuthFlow.basic(as.clientId(), as.secret()));
    }

    // ---- the console ---------------------------------------------------------------------------------------------

    @Test
    void theConsoleOffersClearUserSessionsBehindAConfirmationButNotOnTheAdminsOwnPage() {
        Victim v = victim();
        Browser admin = admin();
        Http.Response person = admin.get("/admin/people/" + v.id());
        assertThat(person.status()).isEqualTo(200);
        assertThat(person.body()).contains("href=\"/admin/people/" + v.id() + "/sessions\"").contains("Clear user sessions");

        Http.Response confirm = admin.get("/admin/people/" + v.id() + "/sessions");
        assertThat(confirm.status()).isEqualTo(200);
        assertThat(confirm.body()).contains("<form method=\"post\" action=\"/admin/people/" + v.id() + "/sessions\"")
                .contains("name=\"csrf\"").contains("name=\"oauthTokens\"").contains(v.login());
        assertSessionWorks(v.browser());   // showing the confirmation ends nothing

        String adminId = http.get("/api/v1/users/me", Http.ssws(TestServer.API_TOKEN)).json().get("id").asText();
        assertThat(admin.get("/admin/people/" + adminId).body()).as("Okta hides it on one's own page").doesNotContain("/sessions\"");
    }

    @Test
    void aCrossSiteConsolePostCannotClearSessionsAndTheAdminsFormCan() {
        Victim v = victim();
        Browser admin = admin();
        String csrf = Browser.csrf(admin.get("/admin/people/" + v.id() + "/sessions"));
        long clears = events("user.session.clear");

        // A page elsewhere posting the form with the admin's cookies but without the form's token changes nothing.
        Http.Response forged = admin.post("/admin/people/" + v.id() + "/sessions", "oauthTokens", "true");
        assertThat(forged.status()).isEqualTo(403);
        Http.Response guessed = admin.post("/admin/people/" + v.id() + "/sessions", "csrf", "guess", "oauthTokens", "true");
        assertThat(guessed.status()).isEqualTo(403);
        assertSessionWorks(v.browser());
        assertTokensWork(v);
        assertThat(events("user.session.clear")).isEqualTo(clears);

        Http.Response r = admin.post("/admin/people/" + v.id() + "/sessions", "csrf", csrf, "oauthTokens", "true");
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        assertThat(r.header("Location")).isEqualTo("/admin/people/" + v.id() + "?notice=sessions-tokens");
        assertSessionDead(v.browser());
        assertTokensDead(v);
        assertThat(events("user.session.clear")).isEqualTo(clears + 1);
        assertThat(admin.get(r.header("Location")).body()).contains("Sessions cleared and OAuth tokens revoked.");
        assertSessionWorks(admin);
    }

    @Test
    void theConsoleClearsSessionsAndKeepsTokensWhenTheBoxIsNotTicked() {
        Victim v = victim();
        Browser admin = admin();
        String csrf = Browser.csrf(admin.get("/admin/people/" + v.id() + "/sessions"));
        Http.Response r = admin.post("/admin/people/" + v.id() + "/sessions", "csrf", csrf);
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        assertThat(r.header("Location")).endsWith("?notice=sessions");
        assertSessionDead(v.browser());
        assertTokensWork(v);
    }

    @Test
    void theConsoleSuspensionAndPasswordResetEndTheSessions() {
        Victim v = victim();
        Browser admin = admin();
        String csrf = Browser.csrf(admin.get("/admin/people/" + v.id()));
        Http.Response reset = admin.post("/admin/people/" + v.id() + "/password", "csrf", csrf, "password", "Console-Reset-Password-8");
        assertThat(reset.status()).as(reset.body()).isEqualTo(303);
        assertSessionDead(v.browser());
        assertTokensWork(v);

        Victim w = victim();
        Http.Response suspend = admin.post("/admin/people/" + w.id() + "/lifecycle/suspend", "csrf", csrf);
        assertThat(suspend.status()).as(suspend.body()).isEqualTo(303);
        assertSessionDead(w.browser());
    }

    @Test
    void anAdminSettingTheirOwnPasswordInTheConsoleKeepsThatSessionAndEndsTheirOthers() {
        String adminId = http.get("/api/v1/users/me", Http.ssws(TestServer.API_TOKEN)).json().get("id").asText();
        Browser here = admin();
        Browser elsewhere = admin();
        try {
            String csrf = Browser.csrf(here.get("/admin/people/" + adminId));
            Http.Response r = here.post("/admin/people/" + adminId + "/password", "csrf", csrf, "password", "Own-New-Passphrase-9");
            assertThat(r.status()).as(r.body()).isEqualTo(303);
            assertSessionWorks(here);
            assertThat(here.get("/admin/people").status()).isEqualTo(200);
            assertSessionDead(elsewhere);
        } finally {
            Http.Response back = http.send("POST", "/api/v1/users/" + adminId, "{\"credentials\":{\"password\":{\"value\":\""
                    + TestServer.ADMIN_PASSWORD + "\"}}}", Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
            assertThat(back.status()).as(back.body()).isEqualTo(200);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static Browser admin() {
        Browser b = server.browser();
        assertThat(b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin").status()).isEqualTo(303);
        return b;
    }

    private static void lifecycle(String userId, String op) {
        Http.Response r = ApiClient.of(http).post("/api/v1/users/" + userId + "/lifecycle/" + op, null);
        assertThat(r.status()).as(op + " " + r.body()).isEqualTo(200);
    }

    private static void assertSessionWorks(Browser b) {
        assertThat(b.get("/api/v1/sessions/me").status()).isEqualTo(200);
    }

    /** The cookie names no session: /api/v1/sessions/me is 404 and /authorize sends the browser to sign in, not back with a code. */
    private static void assertSessionDead(Browser b) {
        assertThat(b.get("/api/v1/sessions/me").status()).isEqualTo(404);
        Http.Response authorize = b.get(spa.base() + "/authorize?client_id=" + spa.clientId() + "&redirect_uri=" + OAuthFlow.enc(OAuthFlow.REDIRECT_URI)
                + "&response_type=code&scope=openid&state=s1&nonce=" + OAuthFlow.freshNonce() + "&code_challenge_method=S256&code_challenge="
                + OAuthFlow.challenge(OAuthFlow.randomVerifier()) + "&prompt=none");
        assertThat(authorize.status()).isEqualTo(302);
        assertThat(authorize.header("Location")).contains("error=login_required").doesNotContain("code=");
    }

    private static void assertTokensWork(Victim v) {
        assertThat(introspect(v.accessToken()).get("active").asBoolean()).isTrue();
        assertThat(introspect(v.refreshToken()).get("active").asBoolean()).isTrue();
        assertThat(userinfo(v.accessToken()).status()).isEqualTo(200);
    }

    private static void assertTokensDead(Victim v) {
        assertThat(introspect(v.accessToken()).get("active").asBoolean()).as("access token").isFalse();
        assertThat(introspect(v.refreshToken()).get("active").asBoolean()).as("refresh token").isFalse();
        assertThat(userinfo(v.accessToken()).status()).isEqualTo(401);
        Http.Response refresh = spa.refresh(v.refreshToken());
        assertThat(refresh.status()).as(refresh.body()).isEqualTo(400);
        assertThat(refresh.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    private static JsonNode introspect(String token) {
        Http.Response r = spa.form("/introspect", "token", token, "client_id", spa.clientId());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static Http.Response userinfo(String accessToken) {
        return http.get(spa.base() + "/userinfo", "Authorization", "Bearer " + accessToken);
    }

    private static long events(String type) {
        return OAuthFlow.events(server, type, "SUCCESS");
    }

    private static JsonNode lastEvent(String type) {
        Http.Response r = ApiClient.of(http).get("/api/v1/logs?filter=" + OAuthFlow.enc("eventType eq \"" + type + "\"")
                + "&sortOrder=DESCENDING&limit=1");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get(0);
    }

    private static String appId(String clientId) {
        return server.wiring().apps.findByClientId(clientId).orElseThrow().id();
    }

}
