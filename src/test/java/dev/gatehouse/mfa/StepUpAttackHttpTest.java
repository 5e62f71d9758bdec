package dev.gatehouse.mfa;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * The step-up slice tried as an attacker would (issue #18; written by the outside review of that slice, then kept as
 * regression tests once its findings were fixed): forged forms, redirects out of Gatehouse, second-factor bypasses,
 * session fixation, odd parameters, oversized requests, freshness loops. H2 only: nothing here depends on the database.
 */
class StepUpAttackHttpTest {

    static final String TWO = "urn:okta:loa:2fa:any";
    static final String IF_POSSIBLE = "urn:okta:loa:2fa:any:ifpossible";
    static final String PASSWORD = "Correct-Horse-Battery-9";

    static TestServer server;
    static MfaClient api;
    static OAuthFlow spa;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2);
        api = new MfaClient(server);
        spa = OAuthFlow.spa(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void active() {
        api.googleOtpActive();
    }

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
        assertThat(r.status()).as(r.header("Location") + " " + r.body()).isEqualTo(302);
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
        return m.group(1).replace("&#x2F;", "/").replace("&quot;", "\"").replace("&#34;", "\"").replace("&#39;", "'").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&amp;", "&");
    }

    String code(byte[] seed, int offset) {
        return Totp.code(seed, Totp.step(server.clock.instant()) + offset);
    }

    String amr(Browser b) {
        Http.Response r = b.get("/api/v1/sessions/me");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("amr").toString();
    }

    // ---------------------------------------------------------------------------------------------------- CSRF

    @Test
    void csrfEveryNewPostRefusesMissingForeignPreSessionAndCrossOriginTokens() {
        Person p = signedIn();
        Http.Response enrollPage = p.browser().get("/signin/enroll?fromURI=%2F");
        assertThat(enrollPage.status()).isEqualTo(200);
        String good = Browser.csrf(enrollPage);

        // a pre-session token: an anonymous browser's /signin form token, with its gh_pre cookie copied over
        Browser anon = server.browser();
        Http.Response signin = anon.get("/signin");
        String preToken = Browser.csrf(signin);
        String preCookie = anon.cookies.get("gh_pre");

        // another person's session token
        Person q = signedIn();
        String foreign = Browser.csrf(q.browser().get("/signin/enroll?fromURI=%2F"));

        for (String path : List.of("/signin/verify", "/signin/enroll/google_otp", "/signin/enroll/google_otp/activate")) {
            Http.Response none = p.browser().post(path, "fromURI", "/", "factorId", "x", "passCode", "123456");
            assertThat(none.status()).as(path + " no token").isEqualTo(403);
            Http.Response other = p.browser().post(path, "csrf", foreign, "fromURI", "/", "factorId", "x", "passCode", "123456");
            assertThat(other.status()).as(path + " foreign token").isEqualTo(403);
            p.browser().cookies.put("gh_pre", preCookie);
            Http.Response pre = p.browser().post(path, "csrf", preToken, "fromURI", "/", "factorId", "x", "passCode", "123456");
            assertThat(pre.status()).as(path + " pre-session token while signed in").isEqualTo(403);
            Http.Response cross = p.browser().postWithHeaders(path, List.of("Sec-Fetch-Site", "cross-site"), "csrf", good, "fromURI", "/",
                    "factorId", "x", "passCode", "123456");
            assertThat(cross.status()).as(path + " cross-site").isEqualTo(403);
            Http.Response sameSite = p.browser().postWithHeaders(path, List.of("Sec-Fetch-Site", "same-site"), "csrf", good, "fromURI", "/",
                    "factorId", "x", "passCode", "123456");
            assertThat(sameSite.status()).as(path + " same-site").isEqualTo(403);
            Http.Response origin = p.browser().postWithHeaders(path, List.of("Origin", "https://evil.example"), "csrf", good, "fromURI", "/",
                    "factorId", "x", "passCode", "123456");
            assertThat(origin.status()).as(path + " evil origin").isEqualTo(403);
            assertThat(none.body() + other.body() + pre.body() + cross.body()).doesNotContain("data-secret");
        }
        assertThat(api.get(MfaClient.factors(p.id())).json().size()).as("nothing enrolled").isZero();
        assertThat(amr(p.browser())).isEqualTo("[\"pwd\"]");
    }

    // ---------------------------------------------------------------------------------------------------- open redirect

    @Test
    void fromUriNeverLeavesGatehouseAfterAVerification() {
        Person p = signedIn();
        MfaClient.Enrolled f = api.active(p.id());
        List<String> evil = List.of("https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example",
                "javascript:alert(1)", "JaVaScRiPt:alert(1)", "/%2F%2Fevil.example", "%2F%2Fevil.example", " https://evil.example",
                "https:evil.example", "https:/evil.example", "/\t/evil.example", "http://localhost:8080@evil.example/",
                "data:text/html,<script>alert(1)</script>", "/\"><script>alert(1)</script>", "///evil.example", "/ /evil.example",
                "http://" + URI.create(server.url()).getAuthority() + ".evil.example/");
        List<String> problems = new ArrayList<>();
        for (String target : evil) {
            api.nextSteps(2);
            Http.Response page = p.browser().get("/signin/verify?fromURI=" + enc(target));
            assertThat(page.status()).as(target + " " + page.body()).isEqualTo(200);
            assertThat(page.body()).doesNotContain("<script>alert");
            Http.Response r = p.browser().post("/signin/verify", "csrf", Browser.csrf(page), "fromURI", field(page, "fromURI"),
                    "factorId", f.factorId(), "passCode", code(f.seed(), 0));
            String loc = r.header("Location");
            if (r.status() == 303) {

                if (loc.startsWith("//") || loc.contains("\\") || !loc.startsWith("/")) {
                    problems.add(target + " -> " + loc);
                }
            } else if (r.status() != 200) {
                problems.add(target + " -> status " + r.status());
            } else {
                assertThat(r.body()).doesNotContain("<script>alert");
            }
        }
        assertThat(problems).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------- bypasses

    @Test
    void aPendingFactorCannotBeVerifiedAndAnotherUsersPendingFactorCannotBeActivated() {
        Person p = signedIn();
        MfaClient.Enrolled pending = api.enroll(p.id());
        Http.Response page = p.browser().get("/signin/verify?fromURI=%2F");
        // no ACTIVE factor: the verify page sends to enroll
        assertThat(page.status()).isEqualTo(302);
        Http.Response enrollPage = p.browser().get("/signin/enroll?fromURI=%2F");
        String csrf = Browser.csrf(enrollPage);
        Http.Response v = p.browser().post("/signin/verify", "csrf", csrf, "fromURI", "/", "factorId", pending.factorId(), "passCode",
                code(pending.seed(), 0));
        assertThat(v.status()).isEqualTo(400);
        assertThat(amr(p.browser())).isEqualTo("[\"pwd\"]");

        Person victim = signedIn();
        MfaClient.Enrolled theirs = api.enroll(victim.id());
        Http.Response a = p.browser().post("/signin/enroll/google_otp/activate", "csrf", csrf, "fromURI", "/", "factorId", theirs.factorId(),
                "passCode", code(theirs.seed(), 0));
        assertThat(a.status()).as(a.body()).isEqualTo(404);
        assertThat(amr(p.browser())).isEqualTo("[\"pwd\"]");
        assertThat(api.get(MfaClient.factors(victim.id()) + "/" + theirs.factorId()).json().get("status").asText()).isEqualTo("PENDING_ACTIVATION");
    }

    @Test
    void aSecondEnrollmentReplacesTheFirstWhoseSecretNoLongerActivates() {
        Person p = signedIn();
        String csrf = Browser.csrf(p.browser().get("/signin/enroll?fromURI=%2F"));
        Http.Response first = p.browser().post("/signin/enroll/google_otp", "csrf", csrf, "fromURI", "/");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("Cache-Control")).isEqualTo("no-store");
        byte[] seed1 = Totp.fromBase32(secret(first));
        String id1 = field(first, "factorId");
        Http.Response second = p.browser().post("/signin/enroll/google_otp", "csrf", csrf, "fromURI", "/");
        assertThat(second.status()).isEqualTo(200);
        String id2 = field(second, "factorId");
        assertThat(id2).isNotEqualTo(id1);
        Http.Response old = p.browser().post("/signin/enroll/google_otp/activate", "csrf", csrf, "fromURI", "/", "factorId", id1,
                "passCode", code(seed1, 0));
        assertThat(old.status()).as(old.body()).isEqualTo(404);
        assertThat(old.body()).doesNotContain("data-secret");
        assertThat(amr(p.browser())).isEqualTo("[\"pwd\"]");
        // an overlong / odd factorId or passCode never 500s
        for (String odd : List.of("", "x".repeat(41), "../../x", "%00", "' OR '1'='1")) {
            Http.Response r = p.browser().post("/signin/enroll/google_otp/activate", "csrf", csrf, "fromURI", "/", "factorId", odd,
                    "passCode", "1".repeat(5000));
            assertThat(r.status()).as(odd + " " + r.body()).isLessThan(500);
            Http.Response v = p.browser().post("/signin/verify", "csrf", csrf, "fromURI", "/", "factorId", odd, "passCode", "1".repeat(5000));
            assertThat(v.status()).as(odd + " " + v.body()).isLessThan(500);
        }
        Http.Response noCode = p.browser().post("/signin/enroll/google_otp/activate", "csrf", csrf, "fromURI", "/", "factorId", id2);
        assertThat(noCode.status()).isLessThan(500);
    }

    @Test
    void withAnActiveFactorEnrollingNeedsTheFactorAndThenRefusesASecondTotp() {
        Person p = signedIn();
        MfaClient.Enrolled f = api.active(p.id());
        String csrf = Browser.csrf(p.browser().get("/signin/verify?fromURI=%2F"));
        Http.Response e = p.browser().post("/signin/enroll/google_otp", "csrf", csrf, "fromURI", "/");
        assertThat(e.status()).isEqualTo(303);
        assertThat(e.header("Location")).startsWith("/signin/verify");
        Http.Response act = p.browser().post("/signin/enroll/google_otp/activate", "csrf", csrf, "fromURI", "/", "factorId", f.factorId(),
                "passCode", "123456");
        assertThat(act.status()).isEqualTo(303);
        assertThat(act.header("Location")).startsWith("/signin/verify");
        api.nextSteps(2);
        Http.Response ok = p.browser().post("/signin/verify", "csrf", csrf, "fromURI", "/", "factorId", f.factorId(), "passCode", code(f.seed(), 0));
        assertThat(ok.status()).isEqualTo(303);
        Http.Response again = p.browser().post("/signin/enroll/google_otp", "csrf", csrf, "fromURI", "/");
        assertThat(again.status()).isLessThan(500);
        assertThat(again.body()).doesNotContain("data-secret");
    }

    @Test
    void twoVerifiesRacingWithOneCodeStepUpOneSessionOnly() throws Exception {
        Person p = signedIn();
        MfaClient.Enrolled f = api.active(p.id());
        api.nextSteps(2);
        int n = 6;
        List<Browser> browsers = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Browser b = server.browser();
            assertThat(b.signIn(p.login(), PASSWORD, "/").status()).isEqualTo(303);
            browsers.add(b);
            tokens.add(Browser.csrf(b.get("/signin/verify?fromURI=%2F")));
        }
        String c = code(f.seed(), 0);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            results.add(pool.submit(() -> {
                go.await();
                return browsers.get(k).post("/signin/verify", "csrf", tokens.get(k), "fromURI", "/", "factorId", f.factorId(), "passCode", c).status();
            }));
        }
        go.countDown();
        int passed = 0;
        for (Future<Integer> r : results) {
            passed += r.get() == 303 ? 1 : 0;
        }
        pool.shutdown();
        assertThat(passed).isEqualTo(1);
        long mfa = browsers.stream().filter(b -> amr(b).contains("mfa")).count();
        assertThat(mfa).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------------- fixation

    @Test
    void theOldCookieIsDeadAfterAnEnrollmentActivation() {
        Person p = signedIn();
        String old = p.browser().cookies.get("sid");
        String csrf = Browser.csrf(p.browser().get("/signin/enroll?fromURI=%2F"));
        Http.Response e = p.browser().post("/signin/enroll/google_otp", "csrf", csrf, "fromURI", "/");
        byte[] seed = Totp.fromBase32(secret(e));
        Http.Response done = p.browser().post("/signin/enroll/google_otp/activate", "csrf", csrf, "fromURI", "/", "factorId", field(e, "factorId"),
                "passCode", code(seed, 0));
        assertThat(done.status()).isEqualTo(303);
        assertThat(p.browser().cookies.get("sid")).isNotEqualTo(old);
        Browser stale = server.browser();
        stale.cookies.put("sid", old);
        assertThat(stale.get("/api/v1/sessions/me").status()).isEqualTo(404);
        assertThat(stale.get(authorize(randomVerifier(), "acr_values", TWO)).header("Location")).startsWith("/signin");
        // the system log holds no secret
        String secret = secret(e);
        Http.Response logs = api.get("/api/v1/logs?limit=1000");
        assertThat(logs.body()).doesNotContain(secret).doesNotContain(secret.toLowerCase());
    }

    // ---------------------------------------------------------------------------------------------------- max_age / prompt

    @Test
    void maxAgeWithAStepUpNeedsOnePasswordAndOneCode() {
        String uid = api.newUser();
        String login = api.get("/api/v1/users/" + uid).json().at("/profile/login").asText();
        MfaClient.Enrolled f = api.active(uid);
        api.nextSteps(2);
        Browser b = server.browser();
        assertThat(b.signIn(login, PASSWORD, "/").status()).isEqualTo(303);
        Person p = new Person(uid, login, b);
        String verifier = randomVerifier();
        Http.Response first = p.browser().get(authorize(verifier, "acr_values", TWO, "max_age", "30"));
        assertThat(first.header("Location")).startsWith("/signin/verify");
        Http.Response page = p.browser().get(path(first.header("Location")));
        server.clock.advance(Duration.ofSeconds(45));   // the person takes 45 s to find their phone
        Http.Response ok = p.browser().post("/signin/verify", "csrf", Browser.csrf(page), "fromURI", field(page, "fromURI"),
                "factorId", f.factorId(), "passCode", code(f.seed(), 0));
        assertThat(ok.status()).isEqualTo(303);
        Http.Response back = p.browser().get(ok.header("Location"));
        int passwords = 1, codes = 1;
        String loc = back.header("Location");
        for (int hop = 0; hop < 10 && !loc.startsWith(REDIRECT_URI); hop++) {
            if (loc.startsWith("/signin?")) {
                Http.Response form = p.browser().get(loc);
                String fromUri = field(form, "fromURI");
                Http.Response s = p.browser().post("/signin", "csrf", Browser.csrf(form), "username", p.login(), "password", PASSWORD, "fromURI", fromUri);
                passwords++;
                loc = s.header("Location");
            } else if (loc.startsWith("/signin/verify")) {
                api.nextSteps(1);
                Http.Response vp = p.browser().get(loc);
                Http.Response v = p.browser().post("/signin/verify", "csrf", Browser.csrf(vp), "fromURI", field(vp, "fromURI"),
                        "factorId", f.factorId(), "passCode", code(f.seed(), 0));
                codes++;
                loc = v.header("Location");
            } else {
                loc = p.browser().get(loc).header("Location");
            }
        }
        assertThat(loc).startsWith(REDIRECT_URI);
        assertThat(passwords + codes).as("one password and one code should do").isEqualTo(2);
    }

    @Test
    void promptNoneAfterTheStepUpGetsACodeAndOddAcrAndMaxAgeNever500() {
        Person p = signedIn();
        MfaClient.Enrolled f = api.active(p.id());
        api.nextSteps(2);
        Http.Response page = p.browser().get("/signin/verify?fromURI=%2F");
        assertThat(p.browser().post("/signin/verify", "csrf", Browser.csrf(page), "fromURI", "/", "factorId", f.factorId(), "passCode",
                code(f.seed(), 0)).status()).isEqualTo(303);
        String v = randomVerifier();
        Map<String, String> cb = callback(p.browser().get(authorize(v, "acr_values", TWO, "prompt", "none")));
        assertThat(cb).containsKey("code");
        JsonNode id = claims(exchange(cb.get("code"), v).get("id_token").asText());
        assertThat(id.get("acr").asText()).isEqualTo(TWO);

        for (String acr : List.of("x".repeat(513), " ".repeat(512), "urn:okta:loa:2fa:any\turn:okta:loa:1fa:any", "phr", "phrh",
                "urn:okta:loa:2fa:any urn:okta:loa:2fa:any", "URN:OKTA:LOA:2FA:ANY", "\u00e9\u00e9", "")) {
            Http.Response r = p.browser().get(authorize(randomVerifier(), "acr_values", acr));
            assertThat(r.status()).as(acr).isLessThan(500);
        }
        for (String maxAge : List.of("-1", "+5", " 5", "1e3", "99999999999999999999", "2147483647", "-0", "0x10", "\u0661", "")) {
            Http.Response r = p.browser().get(authorize(randomVerifier(), "max_age", maxAge));
            assertThat(r.status()).as(maxAge).isLessThan(500);
        }
    }

    @Test
    void anActiveFactorWhoseAuthenticatorWasDeactivatedIsNotOfferedAndTheClientGetsAnAnswer() {
        Person p = signedIn();
        MfaClient.Enrolled f = api.active(p.id());
        api.googleOtpInactive();
        try {
            api.nextSteps(2);
            Http.Response first = p.browser().get(authorize(randomVerifier(), "acr_values", TWO));
            assertThat(first.header("Location")).as("the client should get an answer, not a verify page that cannot succeed")
                    .startsWith(REDIRECT_URI);
        } finally {
            api.googleOtpActive();
        }
    }

    @Test
    void afterTheAdminResetsTheFactorsTheSessionNoLongerCountsThemButRefreshKeepsTheOriginalAcr() {
        Person p = signedIn();
        MfaClient.Enrolled f = api.active(p.id());
        api.nextSteps(2);
        String v = randomVerifier();
        String req = authorize(v, "acr_values", TWO);
        Http.Response first = p.browser().get(req);
        Http.Response page = p.browser().get(path(first.header("Location")));
        Http.Response ok = p.browser().post("/signin/verify", "csrf", Browser.csrf(page), "fromURI", field(page, "fromURI"),
                "factorId", f.factorId(), "passCode", code(f.seed(), 0));
        JsonNode tokens = exchange(callback(p.browser().get(ok.header("Location"))).get("code"), v);
        assertThat(api.post("/api/v1/users/" + p.id() + "/lifecycle/reset_factors", null).status()).isEqualTo(200);
        Http.Response refreshed = spa.refresh(tokens.get("refresh_token").asText());
        JsonNode again = claims(refreshed.json().get("id_token").asText());
        // Okta: refreshed tokens reflect the original authentication.
        assertThat(again.get("acr").asText()).isEqualTo(TWO);
        // The session forgets the factors the admin removed (a stolen phone is why one resets them): no code for 2fa at once.
        assertThat(amr(p.browser())).isEqualTo("[\"pwd\"]");
        Http.Response still = p.browser().get(authorize(randomVerifier(), "acr_values", TWO));
        assertThat(still.header("Location")).startsWith("/signin/enroll");
    }

    @Test
    void sessionsMeReportsMfaActive() {
        Person p = signedIn();
        api.active(p.id());
        JsonNode me = p.browser().get("/api/v1/sessions/me").json();
        assertThat(me.get("mfaActive").asBoolean()).isTrue();
        assertThat(me.get("amr").toString()).isEqualTo("[\"pwd\"]");
    }

    @Test
    void lockoutByWrongCodesOnTheHostedPage() {
        Person p = signedIn();
        MfaClient.Enrolled f = api.active(p.id());
        String csrf = Browser.csrf(p.browser().get("/signin/verify?fromURI=%2F"));
        String wrong = "000000".equals(code(f.seed(), 0)) ? "111111" : "000000";
        for (int i = 0; i < 12; i++) {
            Http.Response r = p.browser().post("/signin/verify", "csrf", csrf, "fromURI", "/", "factorId", f.factorId(), "passCode", wrong);
            assertThat(r.status()).as("attempt " + i).isIn(403, 429);
        }
        // Guessing stopped (rate limit, then lockout): even the right code does not step the session up now.
        Http.Response right = p.browser().post("/signin/verify", "csrf", csrf, "fromURI", "/", "factorId", f.factorId(), "passCode",
                code(f.seed(), 1));
        assertThat(right.status()).isNotEqualTo(303);
    }

    @Test
    void aLongAuthorizeRequestRedirectedToStepUpNever500s() {
        Person p = signedIn();
        api.active(p.id());
        String junk = "/".repeat(1900);
        for (boolean signedIn : List.of(false, true)) {
            Browser b = signedIn ? p.browser() : server.browser();
            // A GET must fit Jetty's 8 KB request line (a longer one may be cut off as a connection reset rather than
            // answered); the POST below carries the four long parameters in its body.
            String url = authorize(randomVerifier(), "acr_values", TWO, "a1", "/".repeat(1500));
            Http.Response get = b.get(url);
            assertThat(get.status()).as("GET signedIn=" + signedIn + ": bad input never 500s").isLessThan(500);
            String[] fields = {"client_id", spa.clientId(), "redirect_uri", REDIRECT_URI, "response_type", "code", "scope", "openid",
                    "state", "s1", "nonce", freshNonce(), "code_challenge", challenge(randomVerifier()), "code_challenge_method", "S256",
                    "acr_values", TWO, "a1", junk, "a2", junk, "a3", junk, "a4", junk};
            Http.Response post = b.post(spa.base() + "/authorize", fields);
            assertThat(post.status()).as("signedIn=" + signedIn + ": bad input never 500s").isLessThan(500);
        }
    }
}
