package dev.gatehouse.authn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.sessions.SessionTokenStore;
import dev.gatehouse.storage.Ids;
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

import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.gatehouse.support.ApiClient.ok;
import static dev.gatehouse.support.OAuthFlow.REDIRECT_URI;
import static dev.gatehouse.support.OAuthFlow.challenge;
import static dev.gatehouse.support.OAuthFlow.claims;
import static dev.gatehouse.support.OAuthFlow.enc;
import static dev.gatehouse.support.OAuthFlow.freshNonce;
import static dev.gatehouse.support.OAuthFlow.randomVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Okta's one-time {@code sessionToken} (issue #20) where it is redeemed, and the Sessions API by id; on H2 and PostgreSQL,
 * one server per database. A token comes from {@code POST /api/v1/authn} ({@link AuthnClient}); each test method is one
 * row of this table.
 *
 * <table>
 * <caption>sessionToken rows</caption>
 * <tr><th>where</th><th>given</th><th>answer</th></tr>
 * <tr><td>/authorize prompt=none, okta_post_message (okta-auth-js getWithoutPrompt, PKCE)</td><td>a live token</td>
 *     <td>200 HTML posting {code, state} to the client's origin; the session cookie set; tokens for the user, amr ["pwd"]</td></tr>
 * <tr><td>same</td><td>the same token again, new browser</td><td>the page posts error=login_required (+ description), no code</td></tr>
 * <tr><td>same</td><td>a token 5 min + 1 s old</td><td>login_required</td></tr>
 * <tr><td>same</td><td>garbage (not a token; a token-shaped unknown value)</td><td>login_required</td></tr>
 * <tr><td>same</td><td>browser signed in as A, a live token of B</td><td>tokens for B; A's session ended (/sessions/me with A's cookie: 404)</td></tr>
 * <tr><td>same</td><td>browser signed in as A, a token that is not good</td><td>login_required, never A's code</td></tr>
 * <tr><td>/authorize without prompt</td><td>a token that is not good</td><td>302 to the sign-in page (the token not carried)</td></tr>
 * <tr><td>/authorize prompt=none</td><td>a live token, the app's sign-on policy asks 2 factors</td>
 *     <td>login_required ("…requires re-authentication or MFA."), no code; without prompt: the factor page</td></tr>
 * <tr><td>/authorize, POST /api/v1/sessions</td><td>the user suspended after the token was issued</td><td>login_required / 401; no session</td></tr>
 * <tr><td>same</td><td>the user's password reset by an admin after the token was issued</td><td>login_required / 401; no session</td></tr>
 * <tr><td>/authorize</td><td>a live token, an unregistered redirect URI or an unknown client</td><td>400 page, no session, the token unused</td></tr>
 * <tr><td>all three</td><td>a global session policy DENY rule for the user made after the token was issued</td><td>refused; no session</td></tr>
 * <tr><td>/login/sessionCookieRedirect</td><td>a live token, a trusted REDIRECT origin</td><td>303 to it, cookie set, /sessions/me works</td></tr>
 * <tr><td>same</td><td>the token again</td><td>401 sign-in page, no session cookie</td></tr>
 * <tr><td>same</td><td>an untrusted redirectUrl</td><td>400 page; the token not used up (works afterwards)</td></tr>
 * <tr><td>same</td><td>no redirectUrl</td><td>303 to "/"</td></tr>
 * <tr><td>POST /api/v1/sessions (API token)</td><td>a live token</td><td>200 Session: id, userId, login, ACTIVE, amr, _links by id</td></tr>
 * <tr><td>same</td><td>the token again</td><td>401 E0000004</td></tr>
 * <tr><td>same</td><td>the same token 8 times at once</td><td>one 200, seven 401; one session</td></tr>
 * <tr><td>same</td><td>no sessionToken</td><td>400 E0000001</td></tr>
 * <tr><td>same</td><td>no API token</td><td>401 E0000011</td></tr>
 * <tr><td>GET, refresh, DELETE /api/v1/sessions/{id}</td><td>the session's id</td>
 *     <td>200; 200 with expiresAt moved on; 204, then GET 404 E0000007</td></tr>
 * <tr><td>GET /api/v1/sessions/{id}</td><td>an unknown id</td><td>404 E0000007</td></tr>
 * <tr><td>GET /api/v1/sessions/me</td><td>the cookie; the API token without a cookie</td>
 *     <td>by cookie (the same session as by id); 404, "me" never read as an id; ended by id, the cookie's /me is 404</td></tr>
 * <tr><td>session_tokens</td><td>200 tokens issued and expired, then one more</td><td>only the new row remains</td></tr>
 * </table>
 *
 * <p>Every {@code /api/v1} response is checked against Okta's schema by {@link Http} (POST /api/v1/sessions: see
 * {@code OktaSchemaDeviations}).
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class SessionTokenHttpTest {

    /** A REDIRECT (and CORS) trusted origin made in {@link #start}. */
    static final String TRUSTED = "https://app.sessiontoken.example";
    static final String CLIENT_ORIGIN = "http://localhost:8080";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static AuthnClient authn;
    static OAuthFlow spa;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        authn = new AuthnClient(server);
        spa = OAuthFlow.spa(server);
        ok(authn.admin.post("/api/v1/trustedOrigins", "{\"name\":\"Session token app\",\"origin\":\"" + TRUSTED
                + "\",\"scopes\":[{\"type\":\"CORS\"},{\"type\":\"REDIRECT\"}]}"));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    /** A live sessionToken of {@code p}, from the Authentication API. */
    static String sessionToken(AuthnClient.Person p) {
        Http.Response r = authn.primary(p.login(), AuthnClient.PASSWORD);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("SUCCESS");
        return r.json().get("sessionToken").asText();
    }

    /** okta-auth-js {@code token.getWithoutPrompt({sessionToken})} with PKCE: the iframe's /authorize request. */
    static String silentAuthorize(OAuthFlow client, String sessionToken, String verifier, String state) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("client_id", client.clientId());
        p.put("code_challenge", challenge(verifier));
        p.put("code_challenge_method", "S256");
        p.put("nonce", freshNonce());
        p.put("prompt", "none");
        p.put("redirect_uri", REDIRECT_URI);
        p.put("response_mode", "okta_post_message");
        p.put("response_type", "code");
        if (sessionToken != null) {
            p.put("sessionToken", sessionToken);
        }
        p.put("state", state);
        p.put("scope", "openid email");
        return client.base() + "/authorize?" + OAuthFlow.encode(p);
    }

    /** What an okta_post_message page posts, after checking it is one, aimed at the client's origin only. */
    static JsonNode postMessage(Http.Response r, String state) {
        assertThat(r.status()).as(r.header("Location") + " " + r.body()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/html");
        assertThat(r.header("Content-Security-Policy")).contains("frame-ancestors " + CLIENT_ORIGIN + ";");
        assertThat(scriptJson(r.body(), "origin").asText()).as("postMessage's targetOrigin").isEqualTo(CLIENT_ORIGIN);
        assertThat(r.body()).contains("window.parent.postMessage(data, target)");
        JsonNode data = scriptJson(r.body(), "data");
        assertThat(data.get("state").asText()).isEqualTo(state);
        return data;
    }

    static void assertLoginRequired(JsonNode data) {
        assertThat(data.has("code")).as(data.toString()).isFalse();
        assertThat(data.get("error").asText()).as(data.toString()).isEqualTo("login_required");
        assertThat(data.get("error_description").asText()).isNotBlank();
    }

    /** The silent request in {@code b} with {@code sessionToken}: what the page posts. */
    static JsonNode silent(Browser b, OAuthFlow client, String sessionToken, String verifier) {
        String state = "st-" + System.nanoTime();
        return postMessage(b.get(silentAuthorize(client, sessionToken, verifier, state)), state);
    }

    static JsonNode exchange(OAuthFlow client, String code, String verifier) {
        Http.Response t = client.form("/token", "grant_type", "authorization_code", "client_id", client.clientId(), "redirect_uri", REDIRECT_URI,
                "code", code, "code_verifier", verifier);
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        return t.json();
    }

    static JsonNode scriptJson(String html, String id) {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"" + id + "\">(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as(html).isTrue();
        try {
            return new ObjectMapper().readTree(m.group(1));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Http.Response me(Browser b) {
        return b.send("GET", "/api/v1/sessions/me", "Accept", "application/json");
    }

    static Http.Response createSession(String sessionToken) {
        return authn.admin.post("/api/v1/sessions", "{\"sessionToken\":" + AuthnClient.str(sessionToken) + "}");
    }

    static long sessionsOf(String userId) {
        return server.wiring().db.read(h -> h.createQuery("SELECT COUNT(*) FROM sessions WHERE user_id = :u").bind("u", userId)
                .mapTo(Long.class).one());
    }

    static long tokensOf(String userId) {
        return server.wiring().db.read(h -> h.createQuery("SELECT COUNT(*) FROM session_tokens WHERE user_id = :u").bind("u", userId)
                .mapTo(Long.class).one());
    }

    static String issuedRows() {
        return new OAuthFlow(server).issuedRows();
    }

    static String sessionCookieRedirect(String token, String redirectUrl) {
        return "/login/sessionCookieRedirect?checkAccountSetupComplete=true&token=" + enc(token)
                + (redirectUrl == null ? "" : "&redirectUrl=" + enc(redirectUrl));
    }

    static boolean setsSessionCookie(Http.Response r) {
        return Browser.setCookies(r).stream().anyMatch(c -> c.startsWith("sid=") && !c.startsWith("sid=;") && !c.contains("Max-Age=0"));
    }

    // ---- /authorize?sessionToken= (okta-auth-js getWithoutPrompt) --------------------------------------------------

    /** A request that can answer no app (unregistered redirect URI, unknown client) leaves the token unused and sets nothing. */
    @Test
    void anAuthorizeRequestForNoAppLeavesTheTokenUnusedAndSetsNoSession() {
        AuthnClient.Person p = authn.person();
        String token = sessionToken(p);
        Browser b = server.browser();
        Http.Response badRedirect = b.get(silentAuthorize(spa, token, randomVerifier(), "s1").replace(enc(REDIRECT_URI),
                enc("https://evil.example/callback")));
        assertThat(badRedirect.status()).as(badRedirect.body()).isEqualTo(400);
        assertThat(setsSessionCookie(badRedirect)).isFalse();
        Http.Response unknownClient = b.get(silentAuthorize(spa, token, randomVerifier(), "s1").replace("client_id=" + enc(spa.clientId()),
                "client_id=0oaNoSuchClient00000"));
        assertThat(unknownClient.status()).as(unknownClient.body()).isEqualTo(400);
        assertThat(setsSessionCookie(unknownClient)).isFalse();
        assertThat(sessionsOf(p.id())).isZero();
        // The token still works where the app really is.
        JsonNode data = silent(server.browser(), spa, token, randomVerifier());
        assertThat(data.has("code")).as(data.toString()).isTrue();
    }

    @Test
    void silentAuthorizeWithALiveTokenPostsTheCodeToTheClientOriginAndSetsTheSession() {
        AuthnClient.Person p = authn.person();
        String token = sessionToken(p);
        Browser b = server.browser();
        String verifier = randomVerifier();
        String state = "st-live";
        Http.Response r = b.get(silentAuthorize(spa, token, verifier, state));
        JsonNode data = postMessage(r, state);
        assertThat(data.has("error")).as(data.toString()).isFalse();
        assertThat(data.get("code").asText()).matches("[A-Za-z0-9]{43}");
        assertThat(setsSessionCookie(r)).as(Browser.setCookies(r).toString()).isTrue();

        JsonNode id = claims(exchange(spa, data.get("code").asText(), verifier).get("id_token").asText());
        assertThat(id.get("sub").asText()).isEqualTo(p.id());
        assertThat(id.get("amr").toString()).isEqualTo("[\"pwd\"]");

        Http.Response session = me(b);
        assertThat(session.status()).as(session.body()).isEqualTo(200);
        assertThat(session.json().get("userId").asText()).isEqualTo(p.id());
        assertThat(session.json().get("amr").toString()).isEqualTo("[\"pwd\"]");
        assertThat(tokensOf(p.id())).as("used up").isZero();
    }

    @Test
    void theSameTokenAgainInANewBrowserIsLoginRequired() {
        AuthnClient.Person p = authn.person();
        String token = sessionToken(p);
        assertThat(silent(server.browser(), spa, token, randomVerifier()).has("code")).isTrue();
        String before = issuedRows();
        long failures = OAuthFlow.events(server, "user.session.start", "FAILURE");
        Browser again = server.browser();
        Http.Response r = again.get(silentAuthorize(spa, token, randomVerifier(), "st-again"));
        assertLoginRequired(postMessage(r, "st-again"));
        assertThat(setsSessionCookie(r)).isFalse();
        assertThat(issuedRows()).isEqualTo(before);
        assertThat(sessionsOf(p.id())).as("only the first redemption's").isEqualTo(1);
        assertThat(OAuthFlow.events(server, "user.session.start", "FAILURE")).as("the refusal is logged").isEqualTo(failures + 1);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE debug_data LIKE '%" + token
                + "%' OR targets LIKE '%" + token + "%'")).as("never the token itself").isZero();
    }

    @Test
    void aTokenFiveMinutesAndOneSecondOldIsLoginRequired() {
        AuthnClient.Person p = authn.person();
        String token = sessionToken(p);
        server.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        String before = issuedRows();
        assertLoginRequired(silent(server.browser(), spa, token, randomVerifier()));
        assertThat(issuedRows()).isEqualTo(before);
        assertThat(sessionsOf(p.id())).isZero();
    }

    @Test
    void aGarbageTokenIsLoginRequired() {
        String before = issuedRows();
        for (String garbage : new String[]{"garbage", "", "x".repeat(2048), "A".repeat(42), "00Fpzf4en68pCXTsMjcX8JPMctzN2Wiw4LDOBL_9pe"}) {
            Browser b = server.browser();
            Http.Response r = b.get(silentAuthorize(spa, garbage, randomVerifier(), "st-garbage"));
            assertLoginRequired(postMessage(r, "st-garbage"));
            assertThat(setsSessionCookie(r)).as(garbage).isFalse();
        }
        // Over /authorize's 2,048-character cap for any parameter: the request itself is refused, on an error page.
        Http.Response tooLong = server.browser().get(silentAuthorize(spa, "x".repeat(2049), randomVerifier(), "st-long"));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body()).contains("sessionToken").contains("parameter is too long");
        assertThat(setsSessionCookie(tooLong)).isFalse();
        assertThat(issuedRows()).isEqualTo(before);
    }

    @Test
    void aBrowserSignedInAsAGivenBsTokenGetsBsTokensAndAsSessionEnds() {
        AuthnClient.Person a = authn.person();
        AuthnClient.Person bob = authn.person();
        Browser b = OAuthFlow.signedIn(server, a.login(), AuthnClient.PASSWORD);
        String aCookie = b.cookies.get("sid");
        assertThat(me(b).json().get("userId").asText()).isEqualTo(a.id());

        String verifier = randomVerifier();
        JsonNode data = silent(b, spa, sessionToken(bob), verifier);
        assertThat(data.has("code")).as(data.toString()).isTrue();
        assertThat(claims(exchange(spa, data.get("code").asText(), verifier).get("id_token").asText()).get("sub").asText()).isEqualTo(bob.id());
        assertThat(b.cookies.get("sid")).isNotEqualTo(aCookie);
        assertThat(me(b).json().get("userId").asText()).isEqualTo(bob.id());

        Browser old = server.browser();
        old.cookies.put("sid", aCookie);
        Http.Response gone = me(old);
        assertThat(gone.status()).as(gone.body()).isEqualTo(404);
        assertThat(gone.json().get("errorCode").asText()).isEqualTo("E0000007");
        assertThat(sessionsOf(a.id())).as("A's session ended, not left to idle out").isZero();
    }

    @Test
    void aBrowserSignedInAsAGivenATokenThatIsNotGoodIsLoginRequiredNeverAsTokens() {
        AuthnClient.Person a = authn.person();
        Browser b = OAuthFlow.signedIn(server, a.login(), AuthnClient.PASSWORD);
        String before = issuedRows();
        for (String bad : new String[]{"garbage", "B".repeat(42)}) {
            assertLoginRequired(silent(b, spa, bad, randomVerifier()));
        }
        // A used one too.
        String used = sessionToken(a);
        assertThat(createSession(used).status()).isEqualTo(200);
        before = issuedRows();
        assertLoginRequired(silent(b, spa, used, randomVerifier()));
        assertThat(issuedRows()).isEqualTo(before);
        assertThat(me(b).json().get("userId").asText()).as("A's session goes on: the token was not good, nothing was traded")
                .isEqualTo(a.id());
    }

    @Test
    void withoutPromptNoneATokenThatIsNotGoodGoesToTheSignInPage() {
        Browser b = server.browser();
        String url = spa.base() + "/authorize?client_id=" + enc(spa.clientId()) + "&redirect_uri=" + enc(REDIRECT_URI)
                + "&response_type=code&scope=openid&state=st-page&nonce=" + freshNonce() + "&code_challenge=" + challenge(randomVerifier())
                + "&code_challenge_method=S256&sessionToken=" + "C".repeat(42);
        Http.Response r = b.get(url);
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        String location = r.header("Location");
        assertThat(location).startsWith("/signin?fromURI=");
        assertThat(OAuthFlow.parameters(location).get("fromURI")).as("the used-up token is not carried").doesNotContain("sessionToken");
        assertThat(setsSessionCookie(r)).isFalse();
    }

    @Test
    void aLiveTokenForAnAppThatAsksTwoFactorsIsAnOAuthErrorWithPromptNone() {
        AuthnClient.Person p = authn.person();
        authn.totp(p);
        OAuthFlow.Client c = new OAuthFlow(server).spaClient();
        String pid = ok(authn.admin.post("/api/v1/policies", "{\"type\":\"ACCESS_POLICY\",\"name\":\"Two factors " + System.nanoTime() + "\"}"))
                .get("id").asText();
        assertThat(authn.admin.put("/api/v1/apps/" + c.appId() + "/policies/" + pid, "").status()).isEqualTo(204);
        OAuthFlow twoFactors = OAuthFlow.forClient(server, c.clientId());

        String before = issuedRows();
        Browser b = server.browser();
        JsonNode data = silent(b, twoFactors, sessionToken(p), randomVerifier());
        assertThat(data.has("code")).as(data.toString()).isFalse();
        assertThat(data.get("error").asText()).isEqualTo("login_required");
        assertThat(data.get("error_description").asText())
                .isEqualTo("The client specified not to prompt, but the client app requires re-authentication or MFA.");
        assertThat(issuedRows()).isEqualTo(before);
        // The token proved the password: that session stands (password only); without prompt=none the app asks its factor.
        assertThat(me(b).json().get("amr").toString()).isEqualTo("[\"pwd\"]");
        Http.Response page = server.browser().get(spa.base() + "/authorize?client_id=" + enc(c.clientId()) + "&redirect_uri=" + enc(REDIRECT_URI)
                + "&response_type=code&scope=openid&state=st-2fa&nonce=" + freshNonce() + "&code_challenge=" + challenge(randomVerifier())
                + "&code_challenge_method=S256&sessionToken=" + sessionToken(p));
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.header("Location")).startsWith("/signin/verify?fromURI=");
    }

    // ---- the user changed after the token was issued --------------------------------------------------------------

    @Test
    void aTokenOfAUserSuspendedSinceIsRefusedAndNothingIsIssued() {
        AuthnClient.Person p = authn.person();
        String silentToken = sessionToken(p);
        String apiToken = sessionToken(p);
        ok(authn.admin.post("/api/v1/users/" + p.id() + "/lifecycle/suspend", null));
        String before = issuedRows();
        assertLoginRequired(silent(server.browser(), spa, silentToken, randomVerifier()));
        Http.Response api = createSession(apiToken);
        assertThat(api.status()).as(api.body()).isEqualTo(401);
        assertThat(api.json().get("errorCode").asText()).isEqualTo("E0000004");
        assertThat(issuedRows()).isEqualTo(before);
        assertThat(sessionsOf(p.id())).isZero();
        assertThat(tokensOf(p.id())).isZero();
    }

    @Test
    void aTokenOfAUserWhosePasswordAnAdminResetSinceIsRefusedAndNothingIsIssued() {
        AuthnClient.Person p = authn.person();
        String silentToken = sessionToken(p);
        String apiToken = sessionToken(p);
        String cookieToken = sessionToken(p);
        ok(authn.admin.post("/api/v1/users/" + p.id() + "/lifecycle/reset_password?sendEmail=false", null));
        String before = issuedRows();
        assertLoginRequired(silent(server.browser(), spa, silentToken, randomVerifier()));
        Http.Response api = createSession(apiToken);
        assertThat(api.status()).as(api.body()).isEqualTo(401);
        Http.Response page = server.browser().get(sessionCookieRedirect(cookieToken, TRUSTED + "/home"));
        assertThat(page.status()).isEqualTo(401);
        assertThat(setsSessionCookie(page)).isFalse();
        assertThat(issuedRows()).isEqualTo(before);
        assertThat(sessionsOf(p.id())).isZero();
        assertThat(tokensOf(p.id())).isZero();
    }

    @Test
    void aTokenOfAUserTheGlobalSessionPolicyDeniesSinceIsRefusedAndLeavesNoSession() {
        AuthnClient.Person p = authn.person();
        String silentToken = sessionToken(p);
        String apiToken = sessionToken(p);
        String cookieToken = sessionToken(p);
        String pid = ok(authn.admin.post("/api/v1/policies", "{\"type\":\"OKTA_SIGN_ON\",\"name\":\"Deny " + System.nanoTime()
                + "\",\"priority\":1}")).get("id").asText();
        ok(authn.admin.post("/api/v1/policies/" + pid + "/rules", "{\"name\":\"Deny one\",\"type\":\"SIGN_ON\",\"conditions\":"
                + "{\"people\":{\"users\":{\"include\":[\"" + p.id() + "\"]}}},\"actions\":{\"signon\":{\"access\":\"DENY\"}}}"));
        try {
            assertLoginRequired(silent(server.browser(), spa, silentToken, randomVerifier()));
            Http.Response api = createSession(apiToken);
            assertThat(api.status()).as(api.body()).isEqualTo(401);
            Http.Response page = server.browser().get(sessionCookieRedirect(cookieToken, TRUSTED + "/home"));
            assertThat(page.status()).isEqualTo(401);
            assertThat(sessionsOf(p.id())).isZero();
        } finally {
            authn.deactivatePolicy(pid);
        }
    }

    // ---- /login/sessionCookieRedirect ---------------------------------------------------------------------------------

    @Test
    void sessionCookieRedirectToATrustedOriginSetsTheCookieAndGoesThere() {
        AuthnClient.Person p = authn.person();
        Browser b = server.browser();
        String target = TRUSTED + "/after?x=1";
        Http.Response r = b.get(sessionCookieRedirect(sessionToken(p), target));
        assertThat(r.status()).as(r.body()).isIn(302, 303);
        assertThat(r.header("Location")).isEqualTo(target);
        assertThat(setsSessionCookie(r)).isTrue();
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        Http.Response session = me(b);
        assertThat(session.status()).as(session.body()).isEqualTo(200);
        assertThat(session.json().get("userId").asText()).isEqualTo(p.id());
        assertThat(session.json().get("status").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void sessionCookieRedirectWithAUsedTokenIs401TheSignInPageAndNoCookie() {
        AuthnClient.Person p = authn.person();
        String token = sessionToken(p);
        assertThat(server.browser().get(sessionCookieRedirect(token, TRUSTED + "/")).status()).isIn(302, 303);
        Browser b = server.browser();
        Http.Response r = b.get(sessionCookieRedirect(token, TRUSTED + "/"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("Content-Type")).startsWith("text/html");
        assertThat(r.body()).contains("name=\"password\"");
        assertThat(setsSessionCookie(r)).isFalse();
        assertThat(b.cookies).doesNotContainKey("sid");
        assertThat(me(b).status()).isEqualTo(404);
        assertThat(sessionsOf(p.id())).isEqualTo(1);
    }

    @Test
    void sessionCookieRedirectToAnUntrustedOriginIs400AndLeavesTheTokenUnused() {
        AuthnClient.Person p = authn.person();
        String token = sessionToken(p);
        Browser b = server.browser();
        Http.Response r = b.get(sessionCookieRedirect(token, "https://evil.example/steal"));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("text/html");
        assertThat(r.header("Location")).isNull();
        assertThat(setsSessionCookie(r)).isFalse();
        assertThat(tokensOf(p.id())).as("not used up").isEqualTo(1);
        assertThat(sessionsOf(p.id())).isZero();

        Http.Response trusted = b.get(sessionCookieRedirect(token, TRUSTED + "/"));
        assertThat(trusted.status()).isIn(302, 303);
        assertThat(trusted.header("Location")).isEqualTo(TRUSTED + "/");
        assertThat(me(b).json().get("userId").asText()).isEqualTo(p.id());
    }

    @Test
    void sessionCookieRedirectWithoutARedirectUrlGoesToTheStartPage() {
        AuthnClient.Person p = authn.person();
        Browser b = server.browser();
        Http.Response r = b.get(sessionCookieRedirect(sessionToken(p), null));
        assertThat(r.status()).as(r.body()).isIn(302, 303);
        assertThat(r.header("Location")).isEqualTo("/");
        assertThat(me(b).json().get("userId").asText()).isEqualTo(p.id());
    }

    // ---- POST /api/v1/sessions and the Sessions API by id -------------------------------------------------------------

    @Test
    void createSessionFromATokenAnswersOktasSessionByIdAndOnlyOnce() {
        AuthnClient.Person p = authn.person();
        String token = sessionToken(p);
        Http.Response r = createSession(token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode s = r.json();
        String id = s.get("id").asText();
        assertThat(id).isNotBlank();
        assertThat(s.get("userId").asText()).isEqualTo(p.id());
        assertThat(s.get("login").asText()).isEqualTo(p.login());
        assertThat(s.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(s.get("amr").toString()).isEqualTo("[\"pwd\"]");
        assertThat(s.get("expiresAt").asText()).isNotBlank();
        assertThat(s.at("/_links/self/href").asText()).isEqualTo(server.url() + "/api/v1/sessions/" + id);
        assertThat(s.at("/_links/refresh/href").asText()).isEqualTo(server.url() + "/api/v1/sessions/" + id + "/lifecycle/refresh");
        assertThat(s.at("/_links/user/href").asText()).isEqualTo(server.url() + "/api/v1/users/" + p.id());
        assertThat(setsSessionCookie(r)).as("the API makes no browser session").isFalse();

        Http.Response again = createSession(token);
        assertThat(again.status()).as(again.body()).isEqualTo(401);
        assertThat(again.json().get("errorCode").asText()).isEqualTo("E0000004");
        assertThat(sessionsOf(p.id())).isEqualTo(1);
    }

    @Test
    void theSameTokenRedeemedEightTimesAtOnceMakesOneSession() throws Exception {
        AuthnClient.Person p = authn.person();
        String token = sessionToken(p);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            java.util.List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return dev.gatehouse.support.ApiClient.of(server).post("/api/v1/sessions",
                            "{\"sessionToken\":" + AuthnClient.str(token) + "}").status();
                }));
            }
            go.countDown();
            java.util.List<Integer> statuses = new java.util.ArrayList<>();
            for (var a : answers) {
                statuses.add(a.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(statuses).as(statuses.toString()).containsOnly(200, 401);
            assertThat(statuses.stream().filter(x -> x == 200).count()).as(statuses.toString()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(sessionsOf(p.id())).isEqualTo(1);
    }

    @Test
    void createSessionWithoutASessionTokenIs400E0000001() {
        for (String body : new String[]{"{}", "{\"sessionToken\":null}"}) {
            Http.Response r = authn.admin.post("/api/v1/sessions", body);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().get("errorCode").asText()).isEqualTo("E0000001");
        }
    }

    @Test
    void createSessionWithoutAnApiTokenIs401E0000011AndLeavesTheTokenUnused() {
        AuthnClient.Person p = authn.person();
        String token = sessionToken(p);
        Http.Response r = authn.post("/api/v1/sessions", "{\"sessionToken\":" + AuthnClient.str(token) + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.json().get("errorCode").asText()).isEqualTo("E0000011");
        assertThat(tokensOf(p.id())).isEqualTo(1);
        assertThat(createSession(token).status()).isEqualTo(200);
    }

    @Test
    void aSessionByIdIsReadRefreshedAndEnded() {
        AuthnClient.Person p = authn.person();
        JsonNode created = ok(createSession(sessionToken(p)));
        String id = created.get("id").asText();
        String path = "/api/v1/sessions/" + id;

        JsonNode got = ok(authn.admin.get(path));
        assertThat(got.get("id").asText()).isEqualTo(id);
        assertThat(got.get("userId").asText()).isEqualTo(p.id());
        assertThat(got.at("/_links/self/href").asText()).endsWith(path);

        server.clock.advance(Duration.ofMinutes(3));
        Http.Response refreshed = authn.admin.post(path + "/lifecycle/refresh", null);
        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        assertThat(Instant.parse(refreshed.json().get("expiresAt").asText())).isAfter(Instant.parse(got.get("expiresAt").asText()));
        assertThat(refreshed.json().get("id").asText()).isEqualTo(id);

        Http.Response deleted = authn.admin.delete(path);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        Http.Response gone = authn.admin.get(path);
        assertThat(gone.status()).as(gone.body()).isEqualTo(404);
        assertThat(gone.json().get("errorCode").asText()).isEqualTo("E0000007");
        assertThat(authn.admin.post(path + "/lifecycle/refresh", null).status()).isEqualTo(404);
        assertThat(authn.admin.delete(path).status()).isEqualTo(404);
    }

    @Test
    void anUnknownSessionIdIs404() {
        for (String id : new String[]{"102abcdefghijklmnopqrstuv", "x".repeat(300)}) {
            Http.Response r = authn.admin.get("/api/v1/sessions/" + id);
            assertThat(r.status()).as(r.body()).isEqualTo(404);
            assertThat(r.json().get("errorCode").asText()).isEqualTo("E0000007");
        }
    }

    @Test
    void sessionsMeStillAnswersByCookieNotAsAnId() {
        AuthnClient.Person p = authn.person();
        Browser b = server.browser();
        assertThat(b.get(sessionCookieRedirect(sessionToken(p), TRUSTED + "/")).status()).isIn(302, 303);
        Http.Response mine = me(b);
        assertThat(mine.status()).as(mine.body()).isEqualTo(200);
        assertThat(mine.json().get("userId").asText()).isEqualTo(p.id());
        assertThat(mine.json().at("/_links/self/href").asText()).isEqualTo(server.url() + "/api/v1/sessions/me");
        String id = mine.json().get("id").asText();
        assertThat(ok(authn.admin.get("/api/v1/sessions/" + id)).get("userId").asText()).as("the same session by id").isEqualTo(p.id());

        // The API token does not turn "me" into an id: without the cookie there is no session to answer.
        Http.Response noCookie = authn.admin.get("/api/v1/sessions/me");
        assertThat(noCookie.status()).as(noCookie.body()).isEqualTo(404);
        assertThat(noCookie.json().get("errorCode").asText()).isEqualTo("E0000007");

        // Ended by id, the browser's cookie names no session any more.
        assertThat(authn.admin.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);
        assertThat(me(b).status()).isEqualTo(404);
    }

    // ---- storage stays bounded ----------------------------------------------------------------------------------------

    @Test
    void expiredTokensAreDeletedWhenTheNextIsIssued() {
        java.util.List<AuthnClient.Person> people = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            people.add(authn.person());
        }
        AuthnClient.Person p = people.getFirst();
        server.clock.advance(Duration.ofMinutes(5).plusSeconds(1));   // whatever earlier rows left is now expired
        // 200 sign-ins' tokens (10 each for 20 people: a person holds at most SessionTokenStore.MAX_PER_USER) through the
        // store's own issue (200 password checks over HTTP would take ~30 s), then one more through the Authentication
        // API: the deletion under test is the one every issue runs first.
        SessionTokenStore store = new SessionTokenStore(new Ids(new SecureRandom()));
        Instant at = server.clock.instant();
        server.wiring().db.inTx(h -> {
            for (int i = 0; i < 200; i++) {
                store.issue(h, new SessionTokenStore.Grant(people.get(i % 20).id(), java.util.List.of("pwd"), at, null, null), at);
            }
        });
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM session_tokens")).as("the 200 (older ones went)").isEqualTo(200);
        server.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        sessionToken(p);
        Timestamp now = Timestamp.from(server.clock.instant());
        long expired = server.wiring().db.read(h -> h.createQuery("SELECT COUNT(*) FROM session_tokens WHERE expires_at <= :now")
                .bind("now", now).mapTo(Long.class).one());
        assertThat(expired).isZero();
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM session_tokens")).isEqualTo(1);
    }
}
