package dev.gatehouse.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.gatehouse.mfa.SoftAuthenticator.UP;
import static dev.gatehouse.mfa.SoftAuthenticator.UV;
import static dev.gatehouse.support.OAuthFlow.REDIRECT_URI;
import static dev.gatehouse.support.OAuthFlow.challenge;
import static dev.gatehouse.support.OAuthFlow.enc;
import static dev.gatehouse.support.OAuthFlow.freshNonce;
import static dev.gatehouse.support.OAuthFlow.query;
import static dev.gatehouse.support.OAuthFlow.randomVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The integrated multifactor sign-in tried as an attacker would (issue #18; written by the second outside review, kept
 * as regression tests once its findings were fixed): a start mark from another browser, "Any two factors" and DENY on
 * both servers, the global session policy's DENY at sign-in and in the console, an administrator shut out of the console,
 * WebAuthn replays, foreign credentials, forged forms, and a setup finished after its authenticator was disabled. H2 only.
 */
class IntegrationAttackHttpTest {

    static final String PASSWORD = "Correct-Horse-Battery-9";
    static final ObjectMapper JSON = new ObjectMapper();

    static TestServer server;
    static MfaClient api;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2);
        api = new MfaClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void active() {
        api.googleOtpActive();
        JsonNode w = api.authenticator("webauthn");
        if (!w.get("status").asText().equals("ACTIVE")) {
            ok(api.post(MfaClient.AUTHENTICATORS + "/" + w.get("id").asText() + "/lifecycle/activate", null));
        }
        enrollment("OPTIONAL", "OPTIONAL");
    }

    static void enrollment(String google, String webauthn) {
        for (JsonNode p : ok(api.get("/api/v1/policies?type=MFA_ENROLL"))) {
            if (p.get("system").asBoolean()) {
                ok(api.put("/api/v1/policies/" + p.get("id").asText(), "{\"type\":\"MFA_ENROLL\",\"name\":\"Default Policy\","
                        + "\"settings\":{\"type\":\"AUTHENTICATORS\",\"authenticators\":[{\"key\":\"okta_password\",\"enroll\":"
                        + "{\"self\":\"REQUIRED\"}},{\"key\":\"google_otp\",\"enroll\":{\"self\":\"" + google + "\"}},"
                        + "{\"key\":\"webauthn\",\"enroll\":{\"self\":\"" + webauthn + "\"}}]}}"));
            }
        }
    }

    static JsonNode ok(Http.Response r) {
        assertThat(r.status()).as(r.body()).isBetween(200, 299);
        return r.body().isEmpty() ? null : r.json();
    }

    record Person(String id, String login, Browser browser) {
    }

    static Person signedIn() {
        String id = api.newUser();
        String login = api.get("/api/v1/users/" + id).json().at("/profile/login").asText();
        Browser b = server.browser();
        Http.Response r = b.signIn(login, PASSWORD, "/");
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        return new Person(id, login, b);
    }

    static String authorize(OAuthFlow f, String verifier, String... extra) {
        StringBuilder url = new StringBuilder(f.base() + "/authorize?client_id=" + enc(f.clientId()) + "&redirect_uri=" + enc(REDIRECT_URI)
                + "&response_type=code&scope=" + enc("openid profile") + "&state=s1&nonce=" + freshNonce()
                + "&code_challenge=" + challenge(verifier) + "&code_challenge_method=S256");
        for (int i = 0; i < extra.length; i += 2) {
            url.append('&').append(extra[i]).append('=').append(enc(extra[i + 1]));
        }
        return url.toString();
    }

    static boolean gotCode(Http.Response r) {
        return r.status() == 302 && r.header("Location").startsWith(REDIRECT_URI) && r.header("Location").contains("code=");
    }

    static String appId(OAuthFlow f) {
        for (JsonNode a : ok(api.get("/api/v1/apps?limit=200"))) {
            if (f.clientId().equals(a.at("/credentials/oauthClient/client_id").asText())) {
                return a.get("id").asText();
            }
        }
        throw new AssertionError("no app for " + f.clientId());
    }

    /** An ACCESS_POLICY with one rule, assigned to the app. */
    static String assign(OAuthFlow f, String access, String factorMode, String reauth) {
        String name = "p " + System.nanoTime();
        String pid = ok(api.post("/api/v1/policies", "{\"type\":\"ACCESS_POLICY\",\"name\":\"" + name + "\"}")).get("id").asText();
        String vm = access.equals("DENY") ? "" : ",\"verificationMethod\":{\"factorMode\":\"" + factorMode + "\""
                + (reauth == null ? "" : ",\"reauthenticateIn\":\"" + reauth + "\"") + ",\"type\":\"ASSURANCE\"}";
        ok(api.post("/api/v1/policies/" + pid + "/rules", "{\"name\":\"r\",\"priority\":1,\"type\":\"ACCESS_POLICY\","
                + "\"conditions\":{\"network\":{\"connection\":\"ANYWHERE\"}},\"actions\":{\"appSignOn\":{\"access\":\"" + access + "\"" + vm + "}}}"));
        Http.Response put = api.put("/api/v1/apps/" + appId(f) + "/policies/" + pid, null);
        assertThat(put.status()).as(put.body()).isBetween(200, 299);
        return pid;
    }

    /** A mark of a request begun now, as anyone on the internet gets one: /authorize without a session. */
    static String freshMark(OAuthFlow f) {
        Browser anon = server.browser();
        Http.Response r = anon.get(authorize(f, randomVerifier()));
        assertThat(r.status()).isEqualTo(302);
        String loc = URLDecoder.decode(r.header("Location"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("gh_started=([0-9]+\\.[A-Za-z0-9_-]+)").matcher(loc);
        assertThat(m.find()).as(loc).isTrue();
        return m.group(1);
    }

    String code(byte[] seed, int offset) {
        return Totp.code(seed, Totp.step(server.clock.instant()) + offset);
    }

    static String unescape(String s) {
        return s.replace("&#34;", "\"").replace("&quot;", "\"").replace("&#39;", "'").replace("&#x2F;", "/").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&amp;", "&");
    }

    static String attr(Http.Response page, String regex) {
        Matcher m = Pattern.compile(regex).matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return unescape(m.group(1));
    }

    static JsonNode options(Http.Response page) throws Exception {
        return JSON.readTree(attr(page, "data-options=\"([^\"]*)\""));
    }

    // ------------------------------------------------------------------------------------------ the signed start mark

    @Test
    void aMarkFromAnotherRequestDefeatsMaxAgeZero() {
        OAuthFlow spa = OAuthFlow.spa(server);
        String mark = freshMark(spa);                      // T0, by anyone
        server.clock.advance(Duration.ofSeconds(30));
        Person p = signedIn();                              // password at T0+30
        server.clock.advance(Duration.ofMinutes(5));        // the person walks away; someone else at the browser
        Http.Response control = p.browser().get(authorize(spa, randomVerifier(), "max_age", "0"));
        assertThat(control.status()).isEqualTo(302);
        assertThat(control.header("Location")).startsWith("/signin");
        Http.Response attack = p.browser().get(authorize(spa, randomVerifier(), "max_age", "0", "gh_started", mark));
        assertThat(gotCode(attack)).as("max_age=0 met by a mark minted before the password").isFalse();
    }

    @Test
    void aMarkFromAnotherRequestDefeatsEveryTimeSecondFactor() {
        OAuthFlow spa = OAuthFlow.spa(server);
        assign(spa, "ALLOW", "2FA", "PT0S");
        String id = api.newUser();
        String login = api.get("/api/v1/users/" + id).json().at("/profile/login").asText();
        MfaClient.Enrolled f = api.active(id);
        api.nextSteps(2);
        String mark = freshMark(spa);                      // minted anonymously before the person's sign-in and verification
        server.clock.advance(Duration.ofSeconds(5));
        Browser b = server.browser();
        Http.Response first = b.get(authorize(spa, randomVerifier()));
        String signinFrom = URLDecoder.decode(first.header("Location").replaceAll(".*fromURI=([^&]*).*", "$1"), StandardCharsets.UTF_8);
        Http.Response s = b.signIn(login, PASSWORD, signinFrom);
        Http.Response step = b.get(s.header("Location"));
        assertThat(step.header("Location")).startsWith("/signin/verify");
        String fromUri = URLDecoder.decode(step.header("Location").replaceAll(".*fromURI=([^&]*).*", "$1"), StandardCharsets.UTF_8);
        Http.Response page = b.get("/signin/verify?fromURI=" + enc(fromUri));
        Http.Response v = b.post("/signin/verify", "csrf", Browser.csrf(page), "fromURI", fromUri, "factorId", f.factorId(),
                "passCode", code(f.seed(), 0));
        assertThat(v.status()).as(v.body()).isEqualTo(303);
        Http.Response back = b.get(v.header("Location"));
        assertThat(gotCode(back)).as(back.status() + " " + back.header("Location")).isTrue();
        server.clock.advance(Duration.ofMinutes(4));
        Http.Response control = b.get(authorize(spa, randomVerifier()));
        assertThat(gotCode(control)).as("every time: no code without a new sign-in").isFalse();
        Http.Response attack = b.get(authorize(spa, randomVerifier(), "gh_started", mark));
        assertThat(gotCode(attack)).as("every-time password+factor met by a mark minted before them").isFalse();
    }

    @Test
    void globalSessionPolicyDenyAndTheConsole() {
        Browser admin = OAuthFlow.signedIn(server);
        String adminId = admin.get("/api/v1/sessions/me").json().get("userId").asText();
        String pid = ok(api.post("/api/v1/policies", "{\"type\":\"OKTA_SIGN_ON\",\"name\":\"deny admin " + System.nanoTime() + "\",\"priority\":1}"))
                .get("id").asText();
        ok(api.post("/api/v1/policies/" + pid + "/rules", "{\"name\":\"deny admin\",\"type\":\"SIGN_ON\",\"priority\":1,"
                + "\"conditions\":{\"people\":{\"users\":{\"include\":[\"" + adminId + "\"]}}},\"actions\":{\"signon\":{\"access\":\"DENY\","
                + "\"requireFactor\":false}}}"));
        try {
            Http.Response c = admin.get("/admin");
            assertThat(c.status()).as("an existing session of a denied admin").isEqualTo(403);
            assertThat(c.body()).contains("global session policy does not allow");
            Http.Response signIn = server.browser().signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin");
            assertThat(signIn.status()).as("a denied admin gets no new session").isEqualTo(403);
            assertThat(signIn.body()).contains("sign-in policy does not allow you to sign in");
            assertThat(signIn.header("Set-Cookie") == null || !signIn.header("Set-Cookie").startsWith("sid=")).isTrue();
        } finally {
            ok(api.post("/api/v1/policies/" + pid + "/lifecycle/deactivate", null));
        }
    }

    // ------------------------------------------------------------------------------------------ Any two factors

    @Test
    void anyTwoFactorsPasswordOnlySessionGetsNoCodeAnywhere() {
        OAuthFlow spa = OAuthFlow.spa(server);
        assign(spa, "ALLOW", "2FA", null);
        Person p = signedIn();
        api.active(p.id());
        List<String> got = new ArrayList<>();
        for (OAuthFlow f : List.of(spa, spa.at("org"))) {
            for (String[] extra : List.of(new String[]{}, new String[]{"prompt", "none"}, new String[]{"max_age", "3600"},
                    new String[]{"prompt", "none", "response_mode", "okta_post_message"}, new String[]{"prompt", "none", "response_mode", "fragment"},
                    new String[]{"acr_values", "urn:okta:loa:1fa:any"}, new String[]{"acr_values", "urn:okta:loa:2fa:any:ifpossible"},
                    new String[]{"prompt", "login"}, new String[]{"prompt", "consent"})) {
                Http.Response r = p.browser().get(authorize(f, randomVerifier(), extra));
                String where = r.status() + " " + r.header("Location") + (r.status() == 200 ? " body=" + r.body().replaceAll("\\s+", " ") : "");
                if (gotCode(r) || r.body().contains("code")) {
                    if (gotCode(r) || r.body().matches("(?s).*name=\"code\".*|.*\"code\"\\s*:.*")) {
                        got.add(f.base() + " " + String.join(",", extra));
                    }
                }
            }
        }
        // POST /authorize as well
        Http.Response post = p.browser().post(spa.base() + "/authorize", "client_id", spa.clientId(), "redirect_uri", REDIRECT_URI,
                "response_type", "code", "scope", "openid", "state", "s1", "nonce", freshNonce(), "code_challenge", challenge(randomVerifier()),
                "code_challenge_method", "S256", "prompt", "none");
        if (gotCode(post)) {
            got.add("POST");
        }
        assertThat(got).isEmpty();
        assertThat(api.get("/api/v1/sessions/me").status()).isNotEqualTo(500);
    }

    // ------------------------------------------------------------------------------------------ DENY

    @Test
    void appDenyRuleOnBothServersAndAfterAStepUp() {
        OAuthFlow spa = OAuthFlow.spa(server);
        Person p = signedIn();
        Http.Response before = p.browser().get(authorize(spa, randomVerifier()));
        assertThat(gotCode(before)).isTrue();
        assign(spa, "DENY", null, null);
        for (OAuthFlow f : List.of(spa, spa.at("org"))) {
            for (String[] extra : List.of(new String[]{}, new String[]{"prompt", "none"}, new String[]{"acr_values", "urn:okta:loa:2fa:any"})) {
                Http.Response r = p.browser().get(authorize(f, randomVerifier(), extra));
                assertThat(gotCode(r)).isFalse();
            }
        }
    }

    @Test
    void globalSessionPolicyDenyIsEnforcedOutsideAuthorize() {
        Person p = signedIn();
        String pid = ok(api.post("/api/v1/policies", "{\"type\":\"OKTA_SIGN_ON\",\"name\":\"deny " + System.nanoTime() + "\",\"priority\":1}"))
                .get("id").asText();
        Http.Response rule = api.post("/api/v1/policies/" + pid + "/rules", "{\"name\":\"deny one\",\"type\":\"SIGN_ON\",\"priority\":1,"
                + "\"conditions\":{\"people\":{\"users\":{\"include\":[\"" + p.id() + "\"]}}},\"actions\":{\"signon\":{\"access\":\"DENY\","
                + "\"requireFactor\":false}}}");
        assertThat(rule.status()).isBetween(200, 299);
        try {
            OAuthFlow spa = OAuthFlow.spa(server);
            Http.Response authz = p.browser().get(authorize(spa, randomVerifier()));
            assertThat(gotCode(authz)).isFalse();
            Http.Response me = p.browser().get("/api/v1/sessions/me");
            Browser fresh = server.browser();
            Http.Response signIn = fresh.signIn(p.login(), PASSWORD, "/");
            Http.Response me2 = fresh.get("/api/v1/sessions/me");
            assertThat(me2.status()).as("a person the global session policy denies gets no session").isNotEqualTo(200);
        } finally {
            ok(api.post("/api/v1/policies/" + pid + "/lifecycle/deactivate", null));
        }
    }

    // ------------------------------------------------------------------------------------------ console lockout

    @Test
    void requiringASecondFactorForAdminsWithNothingToEnrollLocksEveryAdminOut() {
        Browser admin = OAuthFlow.signedIn(server);
        enrollment("NOT_ALLOWED", "NOT_ALLOWED");
        try {
            Http.Response page = admin.get("/admin/security/global-session-policy");
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            Http.Response click = admin.post("/admin/security/global-session-policy/administrators", "csrf", Browser.csrf(page));
            Http.Response next = admin.get("/admin");
            if (next.status() == 302) {
                Http.Response enroll = admin.get(next.header("Location"));
                String body = enroll.body().replaceAll("\\s+", " ");
                Http.Response v = admin.get("/signin/verify?fromURI=%2Fadmin");
            }
            assertThat(next.status()).as("the admin can still reach the console (or was refused the click)").isEqualTo(200);
        } finally {
            for (JsonNode pol : ok(api.get("/api/v1/policies?type=OKTA_SIGN_ON"))) {
                if (pol.get("name").asText().equals("Administrators")) {
                    ok(api.post("/api/v1/policies/" + pol.get("id").asText() + "/lifecycle/deactivate", null));
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ WebAuthn pages

    record Key(Person p, SoftAuthenticator key) {
    }

    Key enrolledOnThePages() throws Exception {
        Person p = signedIn();
        SoftAuthenticator key = new SoftAuthenticator(false);
        Http.Response choose = p.browser().get("/signin/enroll?fromURI=%2F");
        assertThat(choose.status()).as(choose.body()).isEqualTo(200);
        Http.Response start = p.browser().post("/signin/enroll/webauthn", "csrf", Browser.csrf(choose), "fromURI", "/");
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        JsonNode o = options(start);
        SoftAuthenticator.Response r = key.register(o.get("challenge").asText(), server.url(), o.at("/rp/id").asText(), UP | UV, false);
        Http.Response done = p.browser().post("/signin/enroll/webauthn/activate", "csrf", Browser.csrf(start), "fromURI", "/",
                "factorId", attr(start, "name=\"factorId\" value=\"([^\"]*)\""), "clientDataJSON", r.clientData(), "attestationObject", r.attestation());
        assertThat(done.status()).as(done.body()).isEqualTo(303);
        return new Key(p, key);
    }

    @Test
    void webAuthnReplayForeignCredentialAndCsrf() throws Exception {
        Key a = enrolledOnThePages();
        Key b = enrolledOnThePages();
        server.clock.advance(Duration.ofMinutes(20));
        // a fresh browser session for a: password only
        Browser ab = server.browser();
        assertThat(ab.signIn(a.p().login(), PASSWORD, "/").status()).isEqualTo(303);
        Http.Response page = ab.get("/signin/verify?fromURI=%2F");
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        JsonNode o = options(page);
        String ch = o.get("challenge").asText();
        String rp = o.get("rpId").asText();

        // b's key over a's challenge
        SoftAuthenticator.Response foreign = b.key().assertion(ch, server.url(), rp, UP | UV, 5, null);
        Http.Response f1 = ab.post("/signin/verify/webauthn", "csrf", Browser.csrf(page), "fromURI", "/", "credentialId", b.key().credentialIdB64u(),
                "clientDataJSON", foreign.clientData(), "authenticatorData", foreign.authenticatorData(), "signature", foreign.signature());
        assertThat(f1.status()).isNotEqualTo(303);
        assertThat(ab.get("/api/v1/sessions/me").json().get("amr").toString()).isEqualTo("[\"pwd\"]");

        // no csrf / cross-site
        page = ab.get("/signin/verify?fromURI=%2F");
        o = options(page);
        SoftAuthenticator.Response good = a.key().assertion(o.get("challenge").asText(), server.url(), rp, UP | UV, 10, null);
        Http.Response noCsrf = ab.post("/signin/verify/webauthn", "fromURI", "/", "credentialId", a.key().credentialIdB64u(),
                "clientDataJSON", good.clientData(), "authenticatorData", good.authenticatorData(), "signature", good.signature());
        Http.Response cross = ab.postWithHeaders("/signin/verify/webauthn", List.of("Sec-Fetch-Site", "cross-site"), "csrf", Browser.csrf(page),
                "fromURI", "/", "credentialId", a.key().credentialIdB64u(),
                "clientDataJSON", good.clientData(), "authenticatorData", good.authenticatorData(), "signature", good.signature());
        assertThat(noCsrf.status()).isEqualTo(403);
        assertThat(cross.status()).isEqualTo(403);
        for (String path : List.of("/signin/enroll/webauthn", "/signin/enroll/webauthn/activate")) {
            assertThat(ab.post(path, "fromURI", "/").status()).as(path).isEqualTo(403);
        }

        // the good one, then the same again (replay) in another session of the same person
        Http.Response ok1 = ab.post("/signin/verify/webauthn", "csrf", Browser.csrf(page), "fromURI", "https://evil.example/", "credentialId",
                a.key().credentialIdB64u(), "clientDataJSON", good.clientData(), "authenticatorData", good.authenticatorData(), "signature", good.signature());
        assertThat(ok1.status()).isIn(200, 303);
        if (ok1.status() == 303) {
            assertThat(ok1.header("Location")).startsWith("/").doesNotStartWith("//");
        }
        Browser ab2 = server.browser();
        assertThat(ab2.signIn(a.p().login(), PASSWORD, "/").status()).isEqualTo(303);
        Http.Response page2 = ab2.get("/signin/verify?fromURI=%2F");
        Http.Response replay = ab2.post("/signin/verify/webauthn", "csrf", Browser.csrf(page2), "fromURI", "/", "credentialId",
                a.key().credentialIdB64u(), "clientDataJSON", good.clientData(), "authenticatorData", good.authenticatorData(), "signature", good.signature());
        assertThat(replay.status()).isNotEqualTo(303);
        assertThat(ab2.get("/api/v1/sessions/me").json().get("amr").toString()).isEqualTo("[\"pwd\"]");

        // odd inputs never 500
        Http.Response page3 = ab2.get("/signin/verify?fromURI=%2F");
        List<String[]> odd = List.of(new String[]{}, new String[]{"credentialId", "x".repeat(5000)}, new String[]{"clientDataJSON", "%%%"},
                new String[]{"clientDataJSON", SoftAuthenticator.b64u("{\"type\":1}".getBytes()), "authenticatorData", "AA", "signature", "AA"},
                new String[]{"credentialId", a.key().credentialIdB64u(), "clientDataJSON", SoftAuthenticator.b64u("[]".getBytes()),
                        "authenticatorData", "", "signature", ""},
                new String[]{"credentialId", a.key().credentialIdB64u(), "clientDataJSON", good.clientData(), "authenticatorData", "AAAA",
                        "signature", good.signature()});
        for (String[] fields : odd) {
            List<String> all = new ArrayList<>(List.of("csrf", Browser.csrf(page3), "fromURI", "/"));
            all.addAll(List.of(fields));
            Http.Response r = ab2.post("/signin/verify/webauthn", all.toArray(String[]::new));
            assertThat(r.status()).as(String.join(",", fields).substring(0, Math.min(80, String.join(",", fields).length()))).isLessThan(500);
            for (String path : List.of("/signin/enroll/webauthn/activate")) {
                List<String> withId = new ArrayList<>(all);
                withId.addAll(List.of("factorId", "fwf" + "x".repeat(17), "attestationObject", "AAAA"));
                assertThat(ab2.post(path, withId.toArray(String[]::new)).status()).isLessThan(500);
            }
        }
    }

    @Test
    void webAuthnRegistrationStartedInOneSessionFinishedInAnotherAndDisabledEnrollment() throws Exception {
        Person p = signedIn();
        SoftAuthenticator key = new SoftAuthenticator(false);
        Http.Response choose = p.browser().get("/signin/enroll?fromURI=%2F");
        Http.Response start = p.browser().post("/signin/enroll/webauthn", "csrf", Browser.csrf(choose), "fromURI", "/");
        JsonNode o = options(start);
        String factorId = attr(start, "name=\"factorId\" value=\"([^\"]*)\"");
        SoftAuthenticator.Response r = key.register(o.get("challenge").asText(), server.url(), o.at("/rp/id").asText(), UP | UV, false);
        // another person's session finishes p's registration
        Person q = signedIn();
        Http.Response qc = q.browser().get("/signin/enroll?fromURI=%2F");
        Http.Response cross = q.browser().post("/signin/enroll/webauthn/activate", "csrf", Browser.csrf(qc), "fromURI", "/",
                "factorId", factorId, "clientDataJSON", r.clientData(), "attestationObject", r.attestation());
        assertThat(cross.status()).isNotEqualTo(303);
        assertThat(api.get(MfaClient.factors(q.id())).json().size()).isZero();
        // the same person, another session
        Browser second = server.browser();
        assertThat(second.signIn(p.login(), PASSWORD, "/").status()).isEqualTo(303);
        Http.Response sc = second.get("/signin/enroll?fromURI=%2F");
        Http.Response same = second.post("/signin/enroll/webauthn/activate", "csrf", Browser.csrf(sc), "fromURI", "/",
                "factorId", factorId, "clientDataJSON", r.clientData(), "attestationObject", r.attestation());

        // Disabled by the enrollment policy: no start, and a start made before the switch cannot be finished
        Person d = signedIn();
        Http.Response dc = d.browser().get("/signin/enroll?fromURI=%2F");
        Http.Response dstart = d.browser().post("/signin/enroll/webauthn", "csrf", Browser.csrf(dc), "fromURI", "/");
        JsonNode dopts = options(dstart);
        String dfid = attr(dstart, "name=\"factorId\" value=\"([^\"]*)\"");
        enrollment("OPTIONAL", "NOT_ALLOWED");
        try {
            Http.Response refused = d.browser().post("/signin/enroll/webauthn", "csrf", Browser.csrf(dc), "fromURI", "/");
            assertThat(refused.status()).isEqualTo(403);
            SoftAuthenticator dk = new SoftAuthenticator(false);
            SoftAuthenticator.Response dr = dk.register(dopts.get("challenge").asText(), server.url(), dopts.at("/rp/id").asText(), UP | UV, false);
            Http.Response late = d.browser().post("/signin/enroll/webauthn/activate", "csrf", Browser.csrf(dc), "fromURI", "/",
                    "factorId", dfid, "clientDataJSON", dr.clientData(), "attestationObject", dr.attestation());
            assertThat(late.status()).as("a registration started before Disabled is finished after it").isNotEqualTo(303);
        } finally {
            enrollment("OPTIONAL", "OPTIONAL");
        }
    }
}
