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

import static dev.gatehouse.support.OAuthFlow.REDIRECT_URI;
import static dev.gatehouse.support.OAuthFlow.challenge;
import static dev.gatehouse.support.OAuthFlow.claims;
import static dev.gatehouse.support.OAuthFlow.enc;
import static dev.gatehouse.support.OAuthFlow.freshNonce;
import static dev.gatehouse.support.OAuthFlow.query;
import static dev.gatehouse.support.OAuthFlow.randomVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step-up at /authorize (issue #18): {@code acr_values}, the hosted verify and enroll pages, the session's amr, and
 * {@code acr}/{@code amr} in the tokens, on H2 and PostgreSQL. Policies that ask for two factors are tested where the
 * policies are; here the client asks.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class StepUpHttpTest {

    static final String TWO = "urn:okta:loa:2fa:any";
    static final String IF_POSSIBLE = "urn:okta:loa:2fa:any:ifpossible";
    static final String PASSWORD = "Correct-Horse-Battery-9";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static MfaClient api;
    static OAuthFlow spa;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = new MfaClient(server);
        spa = OAuthFlow.spa(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @BeforeEach
    void googleAuthenticatorIsActive() {
        api.googleOtpActive();
    }

    /** A person with a password, signed in through the hosted page. */
    record Person(String id, String login, Browser browser) {
    }

    Person signedIn() {
        String id = api.newUser();
        String login = api.get("/api/v1/users/" + id).json().at("/profile/login").asText();
        Browser b = server.browser();
        Http.Response r = b.signIn(login, PASSWORD, "/");
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        return new Person(id, login, b);
    }

    /** The /authorize request of the SPA with these extra parameters; the verifier is in {@code verifier}. */
    static String authorize(String verifier, String... extra) {
        StringBuilder url = new StringBuilder(spa.base() + "/authorize?client_id=" + enc(spa.clientId()) + "&redirect_uri=" + enc(REDIRECT_URI)
                + "&response_type=code&scope=" + enc("openid profile offline_access") + "&state=s1&nonce=" + freshNonce()
                + "&code_challenge=" + challenge(verifier) + "&code_challenge_method=S256");
        for (int i = 0; i < extra.length; i += 2) {
            url.append('&').append(extra[i]).append('=').append(enc(extra[i + 1]));
        }
        return url.toString();
    }

    static Map<String, String> callback(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        assertThat(r.header("Location")).startsWith(REDIRECT_URI + "?");
        return query(URI.create(r.header("Location")).getRawQuery());
    }

    static JsonNode exchange(String code, String verifier) {
        Http.Response t = spa.form("/token", "grant_type", "authorization_code", "client_id", spa.clientId(), "redirect_uri", REDIRECT_URI,
                "code", code, "code_verifier", verifier);
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        return t.json();
    }

    static String path(String location) {
        URI u = URI.create(location);
        return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    static String secret(Http.Response page) {
        Matcher m = Pattern.compile("<code data-secret>([A-Z2-7 ]+)</code>").matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return m.group(1).replace(" ", "");
    }

    static String field(Http.Response page, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return m.group(1).replace("&#x2F;", "/").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&amp;", "&");
    }

    String code(byte[] seed, int offset) {
        return Totp.code(seed, Totp.step(server.clock.instant()) + offset);
    }

    JsonNode sessionMe(Browser b) {
        Http.Response r = b.get("/api/v1/sessions/me");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void withoutAnySecondFactorTheClientsTwoFactorRequestEnrollsGoogleAuthenticatorThenIssuesTokensWithAcrAndAmr() {
        Person p = signedIn();
        String verifier = randomVerifier();
        String request = authorize(verifier, "acr_values", TWO);
        Http.Response first = p.browser().get(request);
        assertThat(first.status()).isEqualTo(302);
        assertThat(first.header("Location")).startsWith("/signin/enroll?fromURI=");

        Http.Response choose = p.browser().get(path(first.header("Location")));
        assertThat(choose.status()).as(choose.body()).isEqualTo(200);
        assertThat(choose.body()).contains("Set up security methods", "Google Authenticator");
        assertThat(choose.header("Cache-Control")).isEqualTo("no-store");

        Http.Response enroll = p.browser().post("/signin/enroll/google_otp", "csrf", Browser.csrf(choose), "fromURI", field(choose, "fromURI"));
        assertThat(enroll.status()).as(enroll.body()).isEqualTo(200);
        assertThat(enroll.body()).contains("data:image/png;base64,", "Setup key");
        byte[] seed = Totp.fromBase32(secret(enroll));

        Http.Response wrong = p.browser().post("/signin/enroll/google_otp/activate", "csrf", Browser.csrf(enroll),
                "fromURI", field(enroll, "fromURI"), "factorId", field(enroll, "factorId"), "passCode", code(seed, 5));
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.body()).contains("That code didn't match").doesNotContain("data:image/png");
        assertThat(sessionMe(p.browser()).get("amr").toString()).isEqualTo("[\"pwd\"]");

        String before = p.browser().cookies.get("sid");
        Http.Response done = p.browser().post("/signin/enroll/google_otp/activate", "csrf", Browser.csrf(enroll),
                "fromURI", field(enroll, "fromURI"), "factorId", field(enroll, "factorId"), "passCode", code(seed, 0));
        assertThat(done.status()).as(done.body()).isEqualTo(303);
        assertThat(done.header("Location")).startsWith(spa.base() + "/authorize?").contains("acr_values=urn%3Aokta%3Aloa%3A2fa%3Aany");
        request = done.header("Location");
        assertThat(p.browser().cookies.get("sid")).as("a new cookie value after the step-up").isNotEqualTo(before);

        JsonNode tokens = exchange(callback(p.browser().get(request)).get("code"), verifier);
        JsonNode id = claims(tokens.get("id_token").asText());
        assertThat(id.get("acr").asText()).isEqualTo(TWO);
        assertThat(id.get("amr").toString()).isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
        JsonNode at = claims(tokens.get("access_token").asText());
        assertThat(at.get("acr").asText()).isEqualTo(TWO);
        assertThat(at.get("amr").toString()).isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");

        JsonNode me = sessionMe(p.browser());
        assertThat(me.get("amr").toString()).isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
        assertThat(me.get("lastFactorVerification").isNull()).isFalse();
        assertThat(me.get("mfaActive").asBoolean()).isTrue();
        assertThat(me.get("status").asText()).isEqualTo("ACTIVE");

        // Refreshed tokens reflect the original authentication (Okta: "tokens reflect the acr_values … sent in the original request").
        Http.Response refreshed = spa.refresh(tokens.get("refresh_token").asText());
        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        JsonNode again = claims(refreshed.json().get("id_token").asText());
        assertThat(again.get("acr").asText()).isEqualTo(TWO);
        assertThat(again.get("amr").toString()).isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
        assertThat(again.get("auth_time").asLong()).isEqualTo(id.get("auth_time").asLong());
    }

    @Test
    void aPersonWithAFactorVerifiesItOnTheHostedPageAWrongOrReplayedCodeChangesNothing() {
        Person p = signedIn();
        MfaClient.Enrolled factor = api.active(p.id());
        api.nextSteps(2);
        String verifier = randomVerifier();
        String request = authorize(verifier, "acr_values", TWO);
        Http.Response first = p.browser().get(request);
        assertThat(first.header("Location")).startsWith("/signin/verify?fromURI=");
        Http.Response page = p.browser().get(path(first.header("Location")));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Verify it's you", "Google Authenticator");

        Http.Response wrong = p.browser().post("/signin/verify", "csrf", Browser.csrf(page), "fromURI", field(page, "fromURI"),
                "factorId", factor.factorId(), "passCode", code(factor.seed(), 7));
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.body()).contains("That code didn't match");
        assertThat(sessionMe(p.browser()).get("amr").toString()).isEqualTo("[\"pwd\"]");
        assertThat(p.browser().get(request).header("Location")).as("still asks").startsWith("/signin/verify");

        Http.Response foreign = p.browser().post("/signin/verify", "csrf", Browser.csrf(page), "fromURI", field(page, "fromURI"),
                "factorId", "ostSomeoneElse0000000", "passCode", code(factor.seed(), 0));
        assertThat(foreign.status()).isEqualTo(400);

        String good = code(factor.seed(), 0);
        Http.Response ok = p.browser().post("/signin/verify", "csrf", Browser.csrf(page), "fromURI", field(page, "fromURI"),
                "factorId", factor.factorId(), "passCode", good);
        assertThat(ok.status()).as(ok.body()).isEqualTo(303);
        assertThat(ok.header("Location")).startsWith(spa.base() + "/authorize?").contains("acr_values=");
        Map<String, String> cb = callback(p.browser().get(ok.header("Location")));
        JsonNode id = claims(exchange(cb.get("code"), verifier).get("id_token").asText());
        assertThat(id.get("amr").toString()).isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");

        // The same code again, in another session of the same person: refused as replayed.
        Browser other = server.browser();
        assertThat(other.signIn(p.login(), PASSWORD, "/").status()).isEqualTo(303);
        Http.Response verifyPage = other.get("/signin/verify?fromURI=%2F");
        Http.Response replay = other.post("/signin/verify", "csrf", Browser.csrf(verifyPage), "fromURI", "/", "factorId", factor.factorId(),
                "passCode", good);
        assertThat(replay.status()).isEqualTo(403);
        assertThat(replay.body()).contains("already used");
    }

    @Test
    void theOldCookieNoLongerWorksAfterTheStepUp() {
        Person p = signedIn();
        MfaClient.Enrolled factor = api.active(p.id());
        api.nextSteps(2);
        String old = p.browser().cookies.get("sid");
        Http.Response page = p.browser().get("/signin/verify?fromURI=%2F");
        Http.Response ok = p.browser().post("/signin/verify", "csrf", Browser.csrf(page), "fromURI", "/", "factorId", factor.factorId(),
                "passCode", code(factor.seed(), 0));
        assertThat(ok.status()).as(ok.body()).isEqualTo(303);
        Browser stale = server.browser();
        stale.cookies.put("sid", old);
        assertThat(stale.get("/api/v1/sessions/me").status()).isEqualTo(404);
        assertThat(sessionMe(p.browser()).get("amr").toString()).contains("mfa");
    }

    @Test
    void promptNoneWithoutTheFactorIsLoginRequiredAndIfPossibleWithoutAFactorIsOneFactor() {
        Person p = signedIn();
        Map<String, String> none = callback(p.browser().get(authorize(randomVerifier(), "acr_values", TWO, "prompt", "none")));
        assertThat(none).containsEntry("error", "login_required")
                .containsEntry("error_description", "The client specified not to prompt, but the client app requires re-authentication or MFA.");

        String verifier = randomVerifier();
        Map<String, String> cb = callback(p.browser().get(authorize(verifier, "acr_values", IF_POSSIBLE)));
        JsonNode id = claims(exchange(cb.get("code"), verifier).get("id_token").asText());
        assertThat(id.get("acr").asText()).isEqualTo(IF_POSSIBLE);
        assertThat(id.get("amr").toString()).isEqualTo("[\"pwd\"]");

        String v2 = randomVerifier();
        Map<String, String> plain = callback(p.browser().get(authorize(v2, "acr_values", "urn:example:unknown urn:okta:loa:1fa:any")));
        JsonNode id2 = claims(exchange(plain.get("code"), v2).get("id_token").asText());
        assertThat(id2.get("acr").asText()).as("the first supported value").isEqualTo("urn:okta:loa:1fa:any");

        String v3 = randomVerifier();
        Map<String, String> ignored = callback(p.browser().get(authorize(v3, "acr_values", "urn:example:unknown")));
        JsonNode id3 = claims(exchange(ignored.get("code"), v3).get("id_token").asText());
        assertThat(id3.has("acr")).as("unsupported values are ignored").isFalse();
    }

    @Test
    void nothingToEnrollIsUnmetAuthenticationRequirements() {
        Person p = signedIn();
        api.googleOtpInactive();
        try {
            Map<String, String> cb = callback(p.browser().get(authorize(randomVerifier(), "acr_values", TWO)));
            assertThat(cb).containsEntry("error", "unmet_authentication_requirements")
                    .containsEntry("error_description", "Unable to meet the authentication requirements imposed by 'acr_values' parameter.")
                    .containsEntry("state", "s1");
        } finally {
            api.googleOtpActive();
        }
    }

    @Test
    void maxAgeZeroWithPromptNoneAndOutOfRangeMaxAgeAreOktasInvalidRequest() {
        Person p = signedIn();
        assertThat(callback(p.browser().get(authorize(randomVerifier(), "max_age", "0", "prompt", "none"))))
                .containsEntry("error", "invalid_request")
                .containsEntry("error_description", "'prompt' parameter must not have the value 'none' for request with 'zero' as max_age.");
        assertThat(callback(p.browser().get(authorize(randomVerifier(), "max_age", "2147483648"))))
                .containsEntry("error_description", "Invalid value for 'max_age' parameter. It should be within range 0 - 2^31-1.");
    }

    @Test
    void enrollingInAnOldSessionAsksForThePasswordAgainAndWithAFactorForTheFactor() {
        Person p = signedIn();
        server.clock.advance(Duration.ofMinutes(16));
        Http.Response stale = p.browser().get("/signin/enroll?fromURI=%2F");
        assertThat(stale.status()).isEqualTo(303);
        assertThat(stale.header("Location")).startsWith("/signin?prompt=login&fromURI=");
        Http.Response forged = p.browser().post("/signin/enroll/google_otp", "csrf", Browser.csrf(p.browser().get("/signin")), "fromURI", "/");
        assertThat(forged.status()).isIn(303, 403);
        assertThat(api.get(MfaClient.factors(p.id())).json().size()).as("nothing enrolled").isZero();

        Person q = signedIn();
        api.active(q.id());
        Http.Response needFactor = q.browser().get("/signin/enroll?fromURI=%2F");
        assertThat(needFactor.status()).isEqualTo(303);
        assertThat(needFactor.header("Location")).startsWith("/signin/verify?fromURI=");
    }

    @Test
    void theVerifyPageWithoutASessionSendsToSignInAndAForeignFormIsRefused() {
        Browser anonymous = server.browser();
        Http.Response r = anonymous.get("/signin/verify?fromURI=%2Fadmin");
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).startsWith("/signin?fromURI=");

        Person p = signedIn();
        Http.Response noToken = p.browser().post("/signin/verify", "fromURI", "/", "factorId", "x", "passCode", "123456");
        assertThat(noToken.status()).isEqualTo(403);
    }
}
