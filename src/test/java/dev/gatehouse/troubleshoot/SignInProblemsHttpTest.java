package dev.gatehouse.troubleshoot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.OAuthFlow.Client;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.LogEvent;
import dev.gatehouse.syslog.SystemLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;

import static dev.gatehouse.support.OAuthFlow.DEFAULT;
import static dev.gatehouse.support.OAuthFlow.authorizeUrl;
import static dev.gatehouse.support.OAuthFlow.basic;
import static dev.gatehouse.support.OAuthFlow.enc;
import static dev.gatehouse.support.OAuthFlow.exchange;
import static dev.gatehouse.support.OAuthFlow.params;
import static dev.gatehouse.support.OAuthFlow.parameters;
import static dev.gatehouse.support.OAuthFlow.randomVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sign-in doctor (issue #21), one cause per test, on H2 and PostgreSQL: the refusal is produced the way a client
 * produces it (HTTP as okta-auth-js, a server-side app or a person's browser sends it; the SPA cases also run in Chromium
 * with okta-auth-js: {@code browser/SignInDoctorBrowserTest}); then {@code GET /api/v1/apps/{appId}/problems} (or, for what
 * no app can be named for, the console's Sign-in Problems page) shows the cause with its fix, the refusal's System Log
 * event carries {@code debugData.cause}; and where a one-click fix exists, the admin applies it through the console form
 * and the same request succeeds.
 *
 * <table>
 *   <caption>Causes and how each test makes one</caption>
 *   <tr><th>cause</th><th>made by</th><th>one-click fix</th></tr>
 *   <tr><td>REDIRECT_URI_NOT_REGISTERED</td><td>/authorize with a trailing slash</td><td>add the URI</td></tr>
 *   <tr><td>POST_LOGOUT_REDIRECT_URI_NOT_REGISTERED</td><td>/logout to another path</td><td>add the URI</td></tr>
 *   <tr><td>CLIENT_NOT_FOUND</td><td>/authorize and /token with an unknown client_id</td><td>—</td></tr>
 *   <tr><td>APP_INACTIVE</td><td>/authorize for a deactivated app</td><td>activate</td></tr>
 *   <tr><td>USER_NOT_ASSIGNED</td><td>/authorize by a person not assigned</td><td>assign</td></tr>
 *   <tr><td>PKCE_MISSING</td><td>/authorize without code_challenge; /token without code_verifier</td><td>—</td></tr>
 *   <tr><td>PKCE_MISMATCH</td><td>/token with another verifier</td><td>—</td></tr>
 *   <tr><td>PUBLIC_CLIENT_SENT_SECRET</td><td>/token from an SPA with a client_secret</td><td>—</td></tr>
 *   <tr><td>CLIENT_AUTHENTICATION_FAILED</td><td>/token with a wrong secret</td><td>—</td></tr>
 *   <tr><td>GRANT_TYPE_NOT_ALLOWED</td><td>refresh for an SPA without the grant, the EA feature off</td><td>enable + allow</td></tr>
 *   <tr><td>SCOPE_NOT_ALLOWED</td><td>/authorize with a scope the server lacks</td><td>—</td></tr>
 *   <tr><td>REFRESH_TOKEN_REUSED</td><td>a refresh token used twice, grace period 0</td><td>grace period 30 s</td></tr>
 *   <tr><td>REFRESH_TOKEN_EXPIRED</td><td>a refresh after its idle lifetime</td><td>—</td></tr>
 *   <tr><td>CODE_REUSED, CODE_EXPIRED</td><td>a code exchanged twice; after 5 minutes</td><td>—</td></tr>
 *   <tr><td>CORS_ORIGIN_NOT_TRUSTED</td><td>50 preflights from the SPA's origin</td><td>trust for CORS</td></tr>
 *   <tr><td>REDIRECT_ORIGIN_NOT_TRUSTED</td><td>sign-in with a fromURI elsewhere</td><td>trust for redirects</td></tr>
 *   <tr><td>USER_LOCKED_OUT</td><td>wrong passwords up to the lockout</td><td>unlock</td></tr>
 *   <tr><td>NO_MATCHING_POLICY</td><td>/authorize at a server with no policy</td><td>—</td></tr>
 *   <tr><td>CONSENT_DENIED</td><td>Don't Allow on the consent page</td><td>—</td></tr>
 *   <tr><td>MFA_FAILED</td><td>a wrong TOTP code</td><td>—</td></tr>
 * </table>
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class SignInProblemsHttpTest {

    private static final AtomicInteger SEQ = new AtomicInteger();

    @Parameter
    TestDatabase database;

    static TestServer server;
    static OAuthFlow flow;
    static ApiClient api;
    static Browser admin;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        flow = new OAuthFlow(server);
        api = ApiClient.of(server);
        admin = flow.signedIn();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    // ---- the app's redirect URIs ------------------------------------------------------------------------------------

    @Test
    void redirectUriNotRegisteredShowsTheDifferenceOnlyToAnAdminAndAddingItLetsTheSameRequestThrough() {
        Client spa = flow.spaClient();
        Map<String, String> p = params(spa, randomVerifier());
        String sent = spa.redirectUri() + "/";
        p.put("redirect_uri", sent);

        Http.Response anonymous = server.browser().get(authorizeUrl(DEFAULT, p));
        assertThat(anonymous.status()).isEqualTo(400);
        assertThat(anonymous.body()).contains("must be a Login redirect URI").contains("Troubleshoot tab")
                .doesNotContain("closest").doesNotContain("trailing slash");
        assertThat(anonymous.body().replace(enc(sent), "")).as("no registered URI on the page").doesNotContain(spa.redirectUri() + "<")
                .doesNotContain(spa.redirectUri() + ";");

        Http.Response asAdmin = admin.get(authorizeUrl(DEFAULT, p));
        assertThat(asAdmin.status()).isEqualTo(400);
        assertThat(asAdmin.body()).contains("The closest registered Sign-in redirect URI is " + spa.redirectUri())
                .contains("the trailing slash").contains("/admin/apps/" + spa.appId() + "/troubleshoot");

        JsonNode problem = problem(spa.appId(), "REDIRECT_URI_NOT_REGISTERED");
        assertThat(problem.get("subject").asText()).isEqualTo(sent);
        assertThat(problem.get("count").asLong()).isEqualTo(2);
        assertThat(problem.at("/example/closest").asText()).isEqualTo(spa.redirectUri());
        assertThat(problem.at("/example/difference").asText()).isEqualTo("the trailing slash");
        assertThat(problem.get("summary").asText()).contains(sent).contains(spa.redirectUri());
        assertThat(problem.at("/fix/action/type").asText()).isEqualTo("ADD_REDIRECT_URI");
        assertThat(problem.at("/fix/action/value").asText()).isEqualTo(sent);
        assertThat(lastEvent("app.oauth2.as.authorize").debugData()).containsEntry("cause", "REDIRECT_URI_NOT_REGISTERED")
                .containsEntry("closest", spa.redirectUri());

        fix(spa.appId(), problem.get("id").asText());
        assertThat(api.get("/api/v1/apps/" + spa.appId()).json().at("/settings/oauthClient/redirect_uris").toString()).contains(sent);
        assertThat(problems(spa.appId())).isEmpty();
        Map<String, String> again = params(spa, randomVerifier());
        again.put("redirect_uri", sent);
        flow.code(admin, DEFAULT, again);
    }

    @Test
    void postLogoutRedirectUriNotRegisteredIsAddedByItsFix() {
        Client spa = flow.spaClient();
        String idToken = idToken(spa);
        String other = OAuthFlow.POST_LOGOUT_REDIRECT_URI + "/signed-out";
        Http.Response r = server.browser().get(DEFAULT + "/logout?id_token_hint=" + idToken + "&post_logout_redirect_uri=" + enc(other));
        assertThat(r.status()).isEqualTo(400);
        JsonNode problem = problem(spa.appId(), "POST_LOGOUT_REDIRECT_URI_NOT_REGISTERED");
        assertThat(problem.at("/example/closest").asText()).isEqualTo(OAuthFlow.POST_LOGOUT_REDIRECT_URI);
        assertThat(problem.at("/example/difference").asText()).isEqualTo("the path");
        assertThat(problem.at("/fix/action/type").asText()).isEqualTo("ADD_POST_LOGOUT_REDIRECT_URI");
        fix(spa.appId(), problem.get("id").asText());
        Http.Response again = server.browser().get(DEFAULT + "/logout?id_token_hint=" + idToken + "&post_logout_redirect_uri=" + enc(other));
        assertThat(again.status()).isEqualTo(302);
        assertThat(again.header("Location")).isEqualTo(other);
    }

    // ---- the client --------------------------------------------------------------------------------------------------

    @Test
    void anUnknownClientIdIsTheOrgsProblemWithTheIdItNamed() {
        String unknown = "no-such-client-" + SEQ.incrementAndGet();
        Http.Response r = server.browser().get(DEFAULT + "/authorize?client_id=" + unknown + "&redirect_uri=" + enc(OAuthFlow.REDIRECT_URI)
                + "&response_type=code&scope=openid&state=s");
        assertThat(r.status()).isEqualTo(400);
        Http.Response t = flow.token(DEFAULT, OAuthFlow.fields("grant_type", "client_credentials", "scope", "x"),
                "Authorization", basic(unknown, "some-secret-value"));
        assertThat(t.status()).isEqualTo(401);
        String page = orgPage();
        assertThat(page).contains("data-cause=\"CLIENT_NOT_FOUND\"").contains(unknown).doesNotContain("some-secret-value");
        assertThat(lastEvent("app.oauth2.as.token.grant").debugData()).containsEntry("cause", "CLIENT_NOT_FOUND");
    }

    @Test
    void anInactiveAppIsActivatedByItsFix() {
        Client spa = flow.spaClient();
        assertThat(api.post("/api/v1/apps/" + spa.appId() + "/lifecycle/deactivate", "").status()).isEqualTo(200);
        Map<String, String> p = params(spa, randomVerifier());
        assertThat(admin.get(authorizeUrl(DEFAULT, p)).status()).isEqualTo(400);
        JsonNode problem = problem(spa.appId(), "APP_INACTIVE");
        assertThat(problem.at("/fix/action/type").asText()).isEqualTo("ACTIVATE_APP");
        fix(spa.appId(), problem.get("id").asText());
        assertThat(api.get("/api/v1/apps/" + spa.appId()).json().get("status").asText()).isEqualTo("ACTIVE");
        flow.code(admin, DEFAULT, params(spa, randomVerifier()));
    }

    @Test
    void aPersonNotAssignedIsAssignedByTheFix() {
        Client spa = flow.spaClient(a -> a.withObjectProperty("settings").put("implicitAssignment", false));
        String login = "unassigned-" + SEQ.incrementAndGet() + "@example.com";
        String userId = People.create(server.http(), login, "Correct-Horse-77");
        Browser person = OAuthFlow.signedIn(server, login, "Correct-Horse-77");
        Http.Response r = person.get(authorizeUrl(DEFAULT, params(spa, randomVerifier())));
        assertThat(parameters(r.header("Location"))).containsEntry("error", "access_denied");
        JsonNode problem = problem(spa.appId(), "USER_NOT_ASSIGNED");
        assertThat(problem.get("subject").asText()).isEqualTo(userId);
        assertThat(problem.get("summary").asText()).contains(login);
        assertThat(problem.at("/fix/action/type").asText()).isEqualTo("ASSIGN_USER");
        assertThat(problem.at("/fix/action/value").asText()).isEqualTo(userId);
        fix(spa.appId(), problem.get("id").asText());
        flow.code(person, DEFAULT, params(spa, randomVerifier()));
    }

    @Test
    void pkceMissingAtAuthorizeAndAtTokenAndAMismatchAreNamedApart() {
        Client spa = flow.spaClient();
        Map<String, String> noChallenge = params(spa, null);
        assertThat(parameters(admin.get(authorizeUrl(DEFAULT, noChallenge)).header("Location"))).containsEntry("error", "invalid_request");
        JsonNode missing = problem(spa.appId(), "PKCE_MISSING");
        assertThat(missing.get("summary").asText()).contains("no code_challenge");
        assertThat(missing.at("/fix/action").isNull()).isTrue();

        OAuthFlow.Code code = flow.code(admin, spa);
        Map<String, String> wrong = exchange(spa, code);
        wrong.put("code_verifier", randomVerifier());
        assertThat(flow.token(DEFAULT, wrong).status()).isEqualTo(400);
        JsonNode mismatch = problem(spa.appId(), "PKCE_MISMATCH");
        assertThat(mismatch.toString()).doesNotContain(wrong.get("code_verifier")).doesNotContain(code.code());

        Client web = flow.webClient();
        OAuthFlow.Code withChallenge = flow.code(admin, DEFAULT, params(web, randomVerifier()));
        Map<String, String> noVerifier = OAuthFlow.fields("grant_type", "authorization_code", "redirect_uri", web.redirectUri(),
                "code", withChallenge.code());
        assertThat(flow.token(DEFAULT, noVerifier, "Authorization", basic(web.clientId(), web.secret())).status()).isEqualTo(400);
        assertThat(problem(web.appId(), "PKCE_MISSING").get("summary").asText()).contains("no code_verifier");
    }

    @Test
    void aSecretFromAPublicClientAndAWrongSecretAreNamedWithoutTheSecret() {
        Client spa = flow.spaClient();
        OAuthFlow.Code code = flow.code(admin, spa);
        Map<String, String> withSecret = exchange(spa, code);
        withSecret.put("client_secret", "spa-should-not-have-this");
        assertThat(flow.token(DEFAULT, withSecret).status()).isEqualTo(401);
        JsonNode sent = problem(spa.appId(), "PUBLIC_CLIENT_SENT_SECRET");
        assertThat(sent.toString()).doesNotContain("spa-should-not-have-this");

        Client web = flow.webClient();
        String wrongSecret = "wrong-" + web.secret();
        assertThat(flow.token(DEFAULT, OAuthFlow.fields("grant_type", "client_credentials", "scope", "x"), "Authorization",
                basic(web.clientId(), wrongSecret)).status()).isEqualTo(401);
        JsonNode failed = problem(web.appId(), "CLIENT_AUTHENTICATION_FAILED");
        assertThat(failed.get("subject").asText()).isEqualTo("wrong secret");
        assertThat(failed.toString()).doesNotContain(wrongSecret).doesNotContain(web.secret());
        assertThat(lastEvent("app.oauth2.as.token.grant").debugData().toString()).doesNotContain(wrongSecret);
    }

    // ---- grants, scopes, policies ------------------------------------------------------------------------------------

    @Test
    void aRefreshWithoutTheGrantIsFixedByEnablingTheFeatureAndAllowingTheGrant() {
        Client spa = flow.spaClient(a -> OAuthFlow.oauthClient(a).putArray("grant_types").add("authorization_code"));
        String feature = featureId();
        assertThat(api.post("/api/v1/features/" + feature + "/disable", "").status()).isEqualTo(200);
        try {
            Http.Response r = flow.token(DEFAULT, OAuthFlow.fields("grant_type", "refresh_token", "client_id", spa.clientId(),
                    "refresh_token", "anything"));
            assertThat(r.json().get("error").asText()).isEqualTo("unauthorized_client");
            JsonNode problem = problem(spa.appId(), "GRANT_TYPE_NOT_ALLOWED");
            assertThat(problem.get("subject").asText()).isEqualTo("refresh_token");
            assertThat(problem.at("/fix/description").asText()).contains("Enable the Early Access feature");
            assertThat(problem.at("/fix/action/type").asText()).isEqualTo("ALLOW_GRANT");
            fix(spa.appId(), problem.get("id").asText());
            assertThat(api.get("/api/v1/features/" + feature).json().get("status").asText()).isEqualTo("ENABLED");
            JsonNode tokens = tokensWithRefresh(spa);
            assertThat(flow.token(DEFAULT, OAuthFlow.fields("grant_type", "refresh_token", "client_id", spa.clientId(),
                    "refresh_token", tokens.get("refresh_token").asText())).status()).isEqualTo(200);
        } finally {
            api.post("/api/v1/features/" + feature + "/enable", "");
        }
    }

    @Test
    void aScopeTheServerDoesNotHaveIsNamed() {
        Client spa = flow.spaClient();
        Map<String, String> p = params(spa, randomVerifier());
        p.put("scope", "openid payroll:nonexistent");
        assertThat(parameters(admin.get(authorizeUrl(DEFAULT, p)).header("Location"))).containsEntry("error", "invalid_scope");
        JsonNode problem = problem(spa.appId(), "SCOPE_NOT_ALLOWED");
        assertThat(problem.get("subject").asText()).isEqualTo("payroll:nonexistent");
        assertThat(problem.get("summary").asText()).contains("payroll:nonexistent").contains("default");
    }

    @Test
    void noMatchingAccessPolicyIsNamedWithTheServer() {
        Http.Response s = api.post("/api/v1/authorizationServers", "{\"name\":\"Doctor " + SEQ.incrementAndGet()
                + "\",\"description\":\"no policy\",\"audiences\":[\"api://doctor\"]}");
        assertThat(s.status()).as(s.body()).isEqualTo(201);
        String serverId = s.json().get("id").asText();
        Client spa = flow.spaClient();
        Map<String, String> p = params(spa, randomVerifier());
        p.put("scope", "openid");
        Http.Response r = admin.get(authorizeUrl("/oauth2/" + serverId + "/v1", p));
        assertThat(parameters(r.header("Location"))).containsEntry("error", "access_denied");
        JsonNode problem = problem(spa.appId(), "NO_MATCHING_POLICY");
        assertThat(problem.get("summary").asText()).contains("Doctor").contains("authorization_code");
    }

    // ---- tokens -------------------------------------------------------------------------------------------------------

    @Test
    void aReusedRefreshTokenProposesTheGracePeriodThatWouldHaveLetItThrough() {
        Client spa = flow.spaClient(a -> OAuthFlow.oauthClient(a).putObject("refresh_token").put("rotation_type", "ROTATE").put("leeway", 0));
        String refresh = tokensWithRefresh(spa).get("refresh_token").asText();
        assertThat(refreshWith(spa, refresh).status()).isEqualTo(200);
        assertThat(refreshWith(spa, refresh).status()).isEqualTo(400);
        JsonNode problem = problem(spa.appId(), "REFRESH_TOKEN_REUSED");
        assertThat(problem.at("/example/family").asText()).startsWith("fam");
        assertThat(problem.at("/example/firstUsed").asText()).isNotBlank();
        assertThat(problem.at("/example/gracePeriod").asInt()).isZero();
        assertThat(problem.toString()).doesNotContain(refresh);
        assertThat(problem.at("/fix/action/type").asText()).isEqualTo("SET_GRACE_PERIOD");
        assertThat(problem.at("/fix/action/value").asText()).isEqualTo("30");
        fix(spa.appId(), problem.get("id").asText());
        String next = tokensWithRefresh(spa).get("refresh_token").asText();
        assertThat(refreshWith(spa, next).status()).isEqualTo(200);
        assertThat(refreshWith(spa, next).status()).as("a second tab's refresh within the grace period").isEqualTo(200);
    }

    @Test
    void codeReusedCodeExpiredAndRefreshTokenExpiredAreNamedApart() {
        Client spa = flow.spaClient();
        OAuthFlow.Code code = flow.code(admin, spa);
        assertThat(flow.token(DEFAULT, exchange(spa, code)).status()).isEqualTo(200);
        assertThat(flow.token(DEFAULT, exchange(spa, code)).status()).isEqualTo(400);
        assertThat(problem(spa.appId(), "CODE_REUSED").toString()).doesNotContain(code.code());

        String refresh = tokensWithRefresh(spa).get("refresh_token").asText();
        OAuthFlow.Code late = flow.code(admin, spa);
        server.clock.advance(Duration.ofMinutes(6));   // within the admin's session (idle 2 hours)
        assertThat(flow.token(DEFAULT, exchange(spa, late)).status()).isEqualTo(400);
        assertThat(problem(spa.appId(), "CODE_EXPIRED").get("summary").asText()).contains("5-minute");

        server.clock.advance(Duration.ofDays(8));   // past the default idle lifetime (7 days)
        admin = flow.signedIn();   // the moved clock ended the admin's session
        assertThat(refreshWith(spa, refresh).status()).isEqualTo(400);
        assertThat(problem(spa.appId(), "REFRESH_TOKEN_EXPIRED").get("summary").asText()).contains("idle");
    }

    // ---- origins ------------------------------------------------------------------------------------------------------

    @Test
    void preflightsFromAnUntrustedOriginAreCountedAsOneProblemAndOneEventAndTrustingItLetsThemThrough() {
        String origin = "http://localhost:" + (41000 + SEQ.incrementAndGet());
        Client spa = flow.spaClient(a -> OAuthFlow.oauthClient(a).putArray("redirect_uris").add(origin + "/login/callback"));
        long events = flow.events("security.trusted_origin.refused");
        for (int i = 0; i < 50; i++) {
            Http.Response r = server.http().send("OPTIONS", DEFAULT + "/token", null, "Origin", origin,
                    "Access-Control-Request-Method", "POST");
            assertThat(r.header("Access-Control-Allow-Origin")).isNull();
        }
        JsonNode problem = problem(spa.appId(), "CORS_ORIGIN_NOT_TRUSTED");
        assertThat(problem.get("subject").asText()).isEqualTo(origin);
        assertThat(problem.get("count").asLong()).isEqualTo(50);
        // Aggregated: one event for the 50 (two if the 30-second flush happened to run in the middle).
        assertThat(flow.events("security.trusted_origin.refused") - events).as("aggregated events for 50 refusals").isBetween(1L, 2L);
        assertThat(problem.at("/fix/action/type").asText()).isEqualTo("ADD_CORS_ORIGIN");
        fix(spa.appId(), problem.get("id").asText());
        Http.Response after = server.http().send("OPTIONS", DEFAULT + "/token", null, "Origin", origin, "Access-Control-Request-Method", "POST");
        assertThat(after.header("Access-Control-Allow-Origin")).isEqualTo(origin);
    }

    @Test
    void aReturnTargetOutsideTheTrustedOriginsIsTheOrgsProblemUntilTrusted() {
        String origin = "http://portal-" + SEQ.incrementAndGet() + ".example.com";
        Browser b = server.browser();
        Http.Response r = b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, origin + "/home");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("is not a trusted origin for redirects");
        String page = orgPage();
        assertThat(page).contains("data-cause=\"REDIRECT_ORIGIN_NOT_TRUSTED\"").contains(origin);
        fixOnOrgPage("REDIRECT_ORIGIN_NOT_TRUSTED", origin);
        Http.Response again = server.browser().signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, origin + "/home");
        assertThat(again.status()).isEqualTo(303);
        assertThat(again.header("Location")).isEqualTo(origin + "/home");
    }

    // ---- people -------------------------------------------------------------------------------------------------------

    @Test
    void aLockedOutPersonIsUnlockedByTheFix() {
        String login = "locked-" + SEQ.incrementAndGet() + "@example.com";
        People.create(server.http(), login, "Correct-Horse-88");
        for (int i = 0; i < server.wiring().config.lockoutAttempts() + 1; i++) {
            server.clock.advance(Duration.ofSeconds(1));
            server.browser().signIn(login, "Wrong-guess-" + i, "/");
        }
        assertThat(server.browser().signIn(login, "Correct-Horse-88", "/").status()).isEqualTo(401);
        assertThat(orgPage()).contains("data-cause=\"USER_LOCKED_OUT\"").contains(login).doesNotContain("Wrong-guess");
        fixOnOrgPage("USER_LOCKED_OUT", login);
        assertThat(server.browser().signIn(login, "Correct-Horse-88", "/").status()).isEqualTo(303);
    }

    @Test
    void dontAllowOnTheConsentPageIsNamed() {
        Client spa = flow.spaClient(a -> OAuthFlow.oauthClient(a).put("consent_method", "REQUIRED"));
        String scope = "doctor.read." + SEQ.incrementAndGet();
        assertThat(api.post("/api/v1/authorizationServers/default/scopes", "{\"name\":\"" + scope + "\",\"consent\":\"REQUIRED\"}")
                .status()).isEqualTo(201);
        Map<String, String> p = params(spa, randomVerifier());
        p.put("scope", "openid " + scope);
        Http.Response asked = admin.get(authorizeUrl(DEFAULT, p));
        Http.Response page = admin.get(asked.header("Location"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"request\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        Http.Response denied = admin.post("/signin/consent", "csrf", Browser.csrf(page), "request", m.group(1), "consent", "deny");
        assertThat(parameters(denied.header("Location"))).containsEntry("error", "access_denied");
        JsonNode problem = problem(spa.appId(), "CONSENT_DENIED");
        assertThat(problem.get("summary").asText()).contains(TestServer.ADMIN).contains(scope);
    }

    @Test
    void aWrongSecondFactorCodeIsNamed() {
        String login = "mfa-" + SEQ.incrementAndGet() + "@example.com";
        String userId = People.create(server.http(), login, "Correct-Horse-99");
        for (JsonNode a : api.get("/api/v1/authenticators").json()) {
            if (a.get("key").asText().equals("google_otp") && !a.get("status").asText().equals("ACTIVE")) {
                assertThat(api.post("/api/v1/authenticators/" + a.get("id").asText() + "/lifecycle/activate", "").status()).isEqualTo(200);
            }
        }
        Http.Response enrolled = api.post("/api/v1/users/" + userId + "/factors", "{\"factorType\":\"token:software:totp\",\"provider\":\"GOOGLE\"}");
        assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(200);
        Http.Response wrong = api.post("/api/v1/users/" + userId + "/factors/" + enrolled.json().get("id").asText() + "/lifecycle/activate",
                "{\"passCode\":\"000000\"}");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(orgPage()).contains("data-cause=\"MFA_FAILED\"").contains(login).doesNotContain("000000");
    }

    // ---- bad input ----------------------------------------------------------------------------------------------------

    @Test
    void floodingWithDistinctValuesKeepsAtMostTwentySubjectsPerCauseAndCountsTheRest() {
        Client spa = flow.spaClient();
        for (int i = 0; i < 30; i++) {
            Map<String, String> p = params(spa, randomVerifier());
            p.put("redirect_uri", spa.redirectUri() + "/flood-" + i);
            assertThat(admin.get(authorizeUrl(DEFAULT, p)).status()).isEqualTo(400);
        }
        List<JsonNode> groups = problems(spa.appId()).stream().filter(p -> p.get("cause").asText().equals("REDIRECT_URI_NOT_REGISTERED")).toList();
        assertThat(groups).hasSize(21);
        JsonNode others = groups.stream().filter(g -> g.get("subject").asText().equals("*")).findFirst().orElseThrow();
        assertThat(others.get("count").asLong()).isEqualTo(10);
        assertThat(others.at("/fix/action").isNull()).as("no one-click fix for a mixed group").isTrue();
    }

    @Test
    void theApiAndTheFixFormsRefuseWhatTheyShould() {
        Http.Response unknown = api.get("/api/v1/apps/0oaNoSuchApp000000000/problems");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("errorCode").asText()).isEqualTo("E0000007");
        assertThat(server.http().send("GET", "/api/v1/apps/" + flow.spaClient().appId() + "/problems", null).status()).isEqualTo(401);

        Client spa = flow.spaClient();
        Map<String, String> p = params(spa, null);
        admin.get(authorizeUrl(DEFAULT, p));   // PKCE_MISSING: advice only
        JsonNode advice = problem(spa.appId(), "PKCE_MISSING");
        String base = "/admin/apps/" + spa.appId() + "/troubleshoot/";
        Http.Response tab = admin.get("/admin/apps/" + spa.appId() + "/troubleshoot");
        assertThat(tab.status()).isEqualTo(200);
        assertThat(admin.post(base + advice.get("id").asText() + "/fix").status()).as("no CSRF token").isEqualTo(403);
        Http.Response noFix = admin.post(base + advice.get("id").asText() + "/fix", "csrf", Browser.csrf(tab));
        assertThat(noFix.status()).isEqualTo(400);
        assertThat(noFix.body()).contains("no one-click fix");
        Http.Response gone = admin.post(base + "REDIRECT_URI_NOT_REGISTERED.0123456789abcdef/fix", "csrf", Browser.csrf(tab));
        assertThat(gone.status()).isEqualTo(404);
        Http.Response junk = admin.post(base + "%27%3B--/fix", "csrf", Browser.csrf(tab));
        assertThat(junk.status()).isEqualTo(404);
        // Dismiss forgets the group without changing the app.
        String before = api.get("/api/v1/apps/" + spa.appId()).json().get("lastUpdated").asText();
        assertThat(admin.post(base + advice.get("id").asText() + "/dismiss", "csrf", Browser.csrf(tab)).status()).isEqualTo(303);
        assertThat(problems(spa.appId())).isEmpty();
        assertThat(api.get("/api/v1/apps/" + spa.appId()).json().get("lastUpdated").asText()).isEqualTo(before);
    }

    @Test
    void groupsUnseenForTheLogsRetentionPeriodGoWithItsEvents() {
        Client spa = flow.spaClient();
        admin.get(authorizeUrl(DEFAULT, params(spa, null)));
        problem(spa.appId(), "PKCE_MISSING");
        // Seen last just past the retention period (the clock is not moved: API tokens and sessions would expire with it).
        java.time.Instant old = server.clock.instant().minus(Duration.ofDays(server.wiring().config.logRetentionDays() + 1));
        server.wiring().db.inTx(h -> h.createUpdate("UPDATE sign_in_problems SET first_seen = :t, last_seen = :t WHERE app_id = :a")
                .bind("t", old).bind("a", spa.appId()).execute());
        server.wiring().logRetention.purge();
        assertThat(problems(spa.appId())).isEmpty();
    }

    @Test
    void deletingAnAppForgetsItsProblems() {
        Client spa = flow.spaClient();
        admin.get(authorizeUrl(DEFAULT, params(spa, null)));
        problem(spa.appId(), "PKCE_MISSING");
        assertThat(api.post("/api/v1/apps/" + spa.appId() + "/lifecycle/deactivate", "").status()).isEqualTo(200);
        assertThat(api.delete("/api/v1/apps/" + spa.appId()).status()).isEqualTo(204);
        assertThat(flow.count("SELECT COUNT(*) FROM sign_in_problems WHERE app_id = '" + spa.appId() + "'")).isZero();
    }

    @Test
    void theDashboardListsAppsWithRecentProblems() {
        Client spa = flow.spaClient();
        admin.get(authorizeUrl(DEFAULT, params(spa, null)));
        String label = api.get("/api/v1/apps/" + spa.appId()).json().get("label").asText();
        Http.Response dashboard = admin.get("/admin");
        assertThat(dashboard.body()).contains("Sign-in problems this week").contains("/admin/apps/" + spa.appId() + "/troubleshoot")
                .contains(label);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------------

    private static List<JsonNode> problems(String appId) {
        Http.Response r = api.get("/api/v1/apps/" + appId + "/problems");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return StreamSupport.stream(r.json().spliterator(), false).toList();
    }

    /** The app's group of this cause, checked to have what every group has. */
    private static JsonNode problem(String appId, String cause) {
        List<JsonNode> found = problems(appId).stream().filter(p -> p.get("cause").asText().equals(cause)).toList();
        assertThat(found).as("problems of %s with cause %s", appId, cause).isNotEmpty();
        JsonNode p = found.getFirst();
        assertThat(p.get("count").asLong()).isPositive();
        assertThat(p.get("firstSeen").asText()).isNotBlank();
        assertThat(p.get("lastSeen").asText()).isNotBlank();
        assertThat(p.get("summary").asText()).isNotBlank();
        assertThat(p.at("/fix/description").asText()).isNotBlank();
        // The Troubleshoot tab shows the same group, with its summary and fix (escaped as every page is).
        Http.Response tab = admin.get("/admin/apps/" + appId + "/troubleshoot");
        assertThat(tab.status()).isEqualTo(200);
        assertThat(tab.body()).contains("data-cause=\"" + cause + "\"").contains("id=\"problem-" + p.get("id").asText() + "\"");
        return p;
    }

    /** Applies a fix as the admin does: the Troubleshoot tab's form, with its CSRF token. */
    private static void fix(String appId, String problemId) {
        Http.Response tab = admin.get("/admin/apps/" + appId + "/troubleshoot");
        assertThat(tab.status()).isEqualTo(200);
        assertThat(tab.body()).contains("/troubleshoot/" + problemId + "/fix");
        Http.Response r = admin.post("/admin/apps/" + appId + "/troubleshoot/" + problemId + "/fix", "csrf", Browser.csrf(tab));
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        Http.Response after = admin.get(r.header("Location"));
        assertThat(after.body()).contains("Try the sign-in again.");
    }

    private static String orgPage() {
        Http.Response r = admin.get("/admin/reports/sign-in-problems");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** Applies the fix of the org's group of {@code cause} whose page section mentions {@code mentioning}. */
    private static void fixOnOrgPage(String cause, String mentioning) {
        Http.Response page = admin.get("/admin/reports/sign-in-problems");
        String body = page.body();
        List<String> ids = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("action=\"/admin/reports/sign-in-problems/(" + cause + "\\.[A-Za-z0-9_-]{16})/fix\"")
                .matcher(body);
        while (m.find()) {
            int section = body.lastIndexOf("<section", m.start());
            if (body.substring(section, m.start()).contains(mentioning)) {
                ids.add(m.group(1));
            }
        }
        assertThat(ids).as(body).hasSize(1);
        Http.Response r = admin.post("/admin/reports/sign-in-problems/" + ids.getFirst() + "/fix", "csrf", Browser.csrf(page));
        assertThat(r.status()).as(r.body()).isEqualTo(303);
    }

    private static LogEvent lastEvent(String type) {
        return server.wiring().db.read(h -> server.wiring().systemLog.list(h,
                new SystemLog.Query(null, null, null, List.of(), null, 10_000, true))).stream()
                .filter(e -> e.eventType().equals(type)).findFirst().orElseThrow();
    }

    private static String idToken(Client spa) {
        OAuthFlow.Code code = flow.code(admin, spa);
        Http.Response t = flow.token(DEFAULT, exchange(spa, code));
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        return t.json().get("id_token").asText();
    }

    private static JsonNode tokensWithRefresh(Client spa) {
        OAuthFlow.Code code = flow.code(admin, spa);
        Http.Response t = flow.token(DEFAULT, exchange(spa, code));
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        assertThat(t.json().has("refresh_token")).as(t.body()).isTrue();
        return t.json();
    }

    private static Http.Response refreshWith(Client spa, String refreshToken) {
        return flow.token(DEFAULT, OAuthFlow.fields("grant_type", "refresh_token", "client_id", spa.clientId(), "refresh_token", refreshToken));
    }

    private static String featureId() {
        for (JsonNode f : api.get("/api/v1/features").json()) {
            if (f.get("name").asText().equals("Refresh Token Rotation for SPA")) {
                return f.get("id").asText();
            }
        }
        throw new AssertionError("no such feature");
    }
}
