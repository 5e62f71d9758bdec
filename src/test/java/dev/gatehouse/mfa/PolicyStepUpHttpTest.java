package dev.gatehouse.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.gatehouse.support.ApiClient.ok;
import static dev.gatehouse.support.OAuthFlow.REDIRECT_URI;
import static dev.gatehouse.support.OAuthFlow.challenge;
import static dev.gatehouse.support.OAuthFlow.claims;
import static dev.gatehouse.support.OAuthFlow.enc;
import static dev.gatehouse.support.OAuthFlow.freshNonce;
import static dev.gatehouse.support.OAuthFlow.query;
import static dev.gatehouse.support.OAuthFlow.randomVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The policies in force at /authorize (issue #18): an app assigned Okta's "Any two factors" asks a password-only session
 * for the second factor (or an enrollment); a DENY rule refuses; "re-authenticate every time" asks once per request and
 * never loops; the global session policy raises any app to two factors for the people it names; on H2 and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class PolicyStepUpHttpTest {

    static final String PASSWORD = "Correct-Horse-Battery-9";
    static final String POLICIES = "/api/v1/policies";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static MfaClient api;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = new MfaClient(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @BeforeEach
    void googleAuthenticatorIsActive() {
        api.googleOtpActive();
    }

    /** A new SPA whose app sign-in policy is a new "Any two factors"-like policy (Okta's auto-created Catch-all: 2FA). */
    record App(OAuthFlow flow, String appId, String policyId, String catchAll) {
    }

    App twoFactorApp() {
        OAuthFlow.Client c = new OAuthFlow(server).spaClient();
        JsonNode policy = ok(api.post(POLICIES, "{\"type\":\"ACCESS_POLICY\",\"name\":\"Two factors " + System.nanoTime() + "\"}"));
        String pid = policy.get("id").asText();
        assertThat(api.put("/api/v1/apps/" + c.appId() + "/policies/" + pid, "").status()).isEqualTo(204);
        String rule = ok(api.get(POLICIES + "/" + pid + "/rules")).get(0).get("id").asText();
        return new App(OAuthFlow.forClient(server, c.clientId()), c.appId(), pid, rule);
    }

    record Person(String id, String login, Browser browser) {
    }

    Person signedIn() {
        String id = api.newUser();
        String login = api.get("/api/v1/users/" + id).json().at("/profile/login").asText();
        Browser b = server.browser();
        assertThat(b.signIn(login, PASSWORD, "/").status()).isEqualTo(303);
        return new Person(id, login, b);
    }

    static String authorize(OAuthFlow flow, String verifier, String... extra) {
        StringBuilder url = new StringBuilder(flow.base() + "/authorize?client_id=" + enc(flow.clientId()) + "&redirect_uri=" + enc(REDIRECT_URI)
                + "&response_type=code&scope=openid&state=s1&nonce=" + freshNonce() + "&code_challenge=" + challenge(verifier)
                + "&code_challenge_method=S256");
        for (int i = 0; i < extra.length; i += 2) {
            url.append('&').append(extra[i]).append('=').append(enc(extra[i + 1]));
        }
        return url.toString();
    }

    static Map<String, String> callback(Http.Response r) {
        assertThat(r.status()).as(r.header("Location") + " " + r.body()).isEqualTo(302);
        assertThat(r.header("Location")).startsWith(REDIRECT_URI + "?");
        return query(URI.create(r.header("Location")).getRawQuery());
    }

    static String path(String location) {
        URI u = URI.create(location);
        return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    static String field(Http.Response page, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return m.group(1).replace("&#x2F;", "/").replace("&quot;", "\"").replace("&#34;", "\"").replace("&#39;", "'")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    /** Follows the hosted pages from {@code location} until the app's callback: signs in and verifies as asked; counts. */
    record Walk(Map<String, String> callback, int passwords, int codes) {
    }

    Walk walk(Person p, MfaClient.Enrolled factor, String location) {
        int passwords = 0;
        int codes = 0;
        for (int hop = 0; hop < 12; hop++) {
            if (location.startsWith(REDIRECT_URI)) {
                return new Walk(query(URI.create(location).getRawQuery()), passwords, codes);
            }
            server.clock.advance(Duration.ofSeconds(20));   // a person takes a moment at each page
            if (location.startsWith("/signin?")) {
                Http.Response form = p.browser().get(location);
                location = p.browser().post("/signin", "csrf", Browser.csrf(form), "username", p.login(), "password", PASSWORD,
                        "fromURI", field(form, "fromURI")).header("Location");
                passwords++;
            } else if (location.startsWith("/signin/verify")) {
                api.nextSteps(1);
                Http.Response page = p.browser().get(location);
                location = p.browser().post("/signin/verify", "csrf", Browser.csrf(page), "fromURI", field(page, "fromURI"),
                        "factorId", factor.factorId(), "passCode", api.code(factor, 0)).header("Location");
                codes++;
            } else {
                location = p.browser().get(location).header("Location");
            }
            assertThat(location).as("hop " + hop).isNotNull();
        }
        throw new AssertionError("no answer for the app after 12 hops: a loop");
    }

    @Test
    void anAppAssignedTwoFactorsAsksAPasswordOnlySessionForTheFactorAndPromptNoneIsLoginRequired() {
        App app = twoFactorApp();
        Person p = signedIn();
        MfaClient.Enrolled factor = api.active(p.id());
        api.nextSteps(2);

        Map<String, String> none = callback(p.browser().get(authorize(app.flow(), randomVerifier(), "prompt", "none")));
        assertThat(none).containsEntry("error", "login_required")
                .containsEntry("error_description", "The client specified not to prompt, but the client app requires re-authentication or MFA.");

        String verifier = randomVerifier();
        Http.Response first = p.browser().get(authorize(app.flow(), verifier));
        assertThat(first.header("Location")).startsWith("/signin/verify?fromURI=");
        Walk w = walk(p, factor, first.header("Location"));
        assertThat(w.passwords()).isZero();
        assertThat(w.codes()).isEqualTo(1);
        Http.Response t = app.flow().form("/token", "grant_type", "authorization_code", "client_id", app.flow().clientId(),
                "redirect_uri", REDIRECT_URI, "code", w.callback().get("code"), "code_verifier", verifier);
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        JsonNode id = claims(t.json().get("id_token").asText());
        assertThat(id.get("amr").toString()).isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
        assertThat(id.has("acr")).as("no acr_values asked").isFalse();

        // The default (Password only) app next door is unaffected for a new password-only person.
        Person q = signedIn();
        OAuthFlow plain = OAuthFlow.forClient(server, new OAuthFlow(server).spaClient().clientId());
        assertThat(callback(q.browser().get(authorize(plain, randomVerifier())))).containsKey("code");
        // And the two-factor app sends a person without any factor to enroll one.
        assertThat(q.browser().get(authorize(app.flow(), randomVerifier())).header("Location")).startsWith("/signin/enroll?fromURI=");
    }

    @Test
    void aDenyRuleRefusesWithOktasWords() {
        App app = twoFactorApp();
        ok(api.put(POLICIES + "/" + app.policyId() + "/rules/" + app.catchAll(), "{\"name\":\"Catch-all Rule\",\"type\":\"ACCESS_POLICY\","
                + "\"actions\":{\"appSignOn\":{\"access\":\"DENY\"}}}"));
        Person p = signedIn();
        assertThat(callback(p.browser().get(authorize(app.flow(), randomVerifier()))))
                .containsEntry("error", "access_denied")
                .containsEntry("error_description", "Access to this application is denied due to a policy.");
    }

    @Test
    void reauthenticatingEveryTimeAsksOncePerRequestAndNeverLoops() {
        App app = twoFactorApp();
        ok(api.put(POLICIES + "/" + app.policyId() + "/rules/" + app.catchAll(), "{\"name\":\"Catch-all Rule\",\"type\":\"ACCESS_POLICY\","
                + "\"actions\":{\"appSignOn\":{\"access\":\"ALLOW\",\"verificationMethod\":{\"factorMode\":\"2FA\","
                + "\"reauthenticateIn\":\"PT0S\",\"type\":\"ASSURANCE\"}}}}"));
        Person p = signedIn();
        MfaClient.Enrolled factor = api.active(p.id());
        api.nextSteps(2);
        server.clock.advance(Duration.ofMinutes(1));
        Http.Response first = p.browser().get(authorize(app.flow(), randomVerifier()));
        Walk w = walk(p, factor, first.header("Location"));
        assertThat(w.callback()).containsKey("code");
        assertThat(w.passwords()).as("the password once").isEqualTo(1);
        assertThat(w.codes()).as("the code once").isEqualTo(1);
        // The next request asks again: every time means every time.
        assertThat(p.browser().get(authorize(app.flow(), randomVerifier())).header("Location")).startsWith("/signin?");
    }

    @Test
    void theGlobalSessionPolicyRaisesEveryAppToTwoFactorsForThePeopleItNames() {
        Person p = signedIn();
        MfaClient.Enrolled factor = api.active(p.id());
        api.nextSteps(2);
        String pid = ok(api.post(POLICIES, "{\"type\":\"OKTA_SIGN_ON\",\"name\":\"Second factor " + System.nanoTime()
                + "\",\"priority\":1}")).get("id").asText();
        ok(api.post(POLICIES + "/" + pid + "/rules", "{\"name\":\"Named people\",\"type\":\"SIGN_ON\",\"conditions\":{\"people\":"
                + "{\"users\":{\"include\":[\"" + p.id() + "\"]}}},\"actions\":{\"signon\":{\"access\":\"ALLOW\",\"requireFactor\":true,"
                + "\"factorPromptMode\":\"ALWAYS\"}}}"));
        try {
            assertThat(p.browser().get("/api/v1/sessions/me").json().get("status").asText()).isEqualTo("MFA_REQUIRED");
            OAuthFlow plain = OAuthFlow.forClient(server, new OAuthFlow(server).spaClient().clientId());
            Http.Response first = p.browser().get(authorize(plain, randomVerifier()));
            assertThat(first.header("Location")).startsWith("/signin/verify?fromURI=");
            Walk w = walk(p, factor, first.header("Location"));
            assertThat(w.callback()).containsKey("code");
            assertThat(p.browser().get("/api/v1/sessions/me").json().get("status").asText()).isEqualTo("ACTIVE");
            // Someone the rule does not name signs in to the same app with the password alone.
            Person q = signedIn();
            assertThat(callback(q.browser().get(authorize(plain, randomVerifier())))).containsKey("code");
        } finally {
            ok(api.post(POLICIES + "/" + pid + "/lifecycle/deactivate", null));
        }
    }
}
