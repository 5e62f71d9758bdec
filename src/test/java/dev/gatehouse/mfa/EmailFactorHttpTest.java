package dev.gatehouse.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestMail;
import dev.gatehouse.support.TestServer;
import jakarta.mail.internet.MimeMessage;
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

import static dev.gatehouse.mfa.MfaClient.factors;
import static dev.gatehouse.mfa.MfaClient.passCode;
import static dev.gatehouse.support.ApiClient.firstCause;
import static dev.gatehouse.support.ApiClient.ok;
import static dev.gatehouse.support.OAuthFlow.REDIRECT_URI;
import static dev.gatehouse.support.OAuthFlow.challenge;
import static dev.gatehouse.support.OAuthFlow.claims;
import static dev.gatehouse.support.OAuthFlow.enc;
import static dev.gatehouse.support.OAuthFlow.freshNonce;
import static dev.gatehouse.support.OAuthFlow.query;
import static dev.gatehouse.support.OAuthFlow.randomVerifier;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The email authenticator (okta_email, UserFactor "email"), issue 19, against a real SMTP server (GreenMail): the
 * Authenticators and Factors API shapes, codes read from the real emails, wrong, used, expired and replaced codes, the
 * resend wait, the tries per code and the lockout, the hosted sign-in step with the code and with the session-bound
 * link, amr "email" in the ID token, and an enrollment policy that requires it, on H2 and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class EmailFactorHttpTest {

    static final String TWO = "urn:okta:loa:2fa:any";
    static final String PASSWORD = "Correct-Horse-Battery-9";
    static final String EMAIL = "{\"factorType\":\"email\",\"provider\":\"OKTA\"}";
    static final Pattern LINK = Pattern.compile("https?://[^\\s\"'<>]*/signin/email-verify/[A-Za-z0-9]+");
    /** Wrong codes before the lockout: more than one code's tries (5), so both limits are seen. */
    static final int LOCKOUT = 7;

    @Parameter
    TestDatabase database;

    static TestMail mail;
    static TestServer server;
    static MfaClient api;
    static OAuthFlow spa;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        mail = TestMail.start();
        String[] smtp = mail.serverArgs();
        String[] args = java.util.Arrays.copyOf(smtp, smtp.length + 2);
        args[smtp.length] = "--lockout-attempts";
        args[smtp.length + 1] = Integer.toString(LOCKOUT);
        server = TestServer.start(database, args);
        api = new MfaClient(server);
        spa = OAuthFlow.spa(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
        mail.close();
    }

    @BeforeEach
    void emailIsActive() {
        JsonNode a = api.authenticator("okta_email");
        if (!a.get("status").asText().equals("ACTIVE")) {
            ok(api.post(MfaClient.AUTHENTICATORS + "/" + a.get("id").asText() + "/lifecycle/activate", null));
        }
        api.enrollmentLevel("okta_email", "OPTIONAL");
    }

    record Person(String id, String login) {
    }

    Person person() {
        String id = api.newUser();
        return new Person(id, ok(api.get("/api/v1/users/" + id)).at("/profile/login").asText());
    }

    /** The n-th email (1-based) to the person, waiting for it. */
    MimeMessage email(Person p, int n) {
        return mail.awaitMessages(p.login(), n).get(n - 1);
    }

    static String link(MimeMessage m) {
        Matcher x = LINK.matcher(TestMail.text(m));
        assertThat(x.find()).as(TestMail.text(m)).isTrue();
        return x.group();
    }

    static String path(String url) {
        URI u = URI.create(url);
        return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    String enrollActive(Person p) {
        JsonNode f = ok(api.post(factors(p.id()) + "?activate=true", EMAIL));
        assertThat(f.get("status").asText()).isEqualTo("ACTIVE");
        return f.get("id").asText();
    }

    Http.Response verify(Person p, String factorId, String body) {
        return api.post(factors(p.id()) + "/" + factorId + "/verify", body);
    }

    @Test
    void theAuthenticatorHasOktasShapeAndItsTokenLifetimeCanBeSet() {
        JsonNode a = api.authenticator("okta_email");
        assertThat(a.get("type").asText()).isEqualTo("email");
        assertThat(a.get("name").asText()).isEqualTo("Email");
        assertThat(a.get("id").asText()).isEqualTo("aut3Gatehouse0Email0");
        assertThat(a.get("settings").toString()).isEqualTo("{\"allowedFor\":\"any\",\"tokenLifetimeInMinutes\":5}");
        assertThat(a.at("/_links/deactivate/href").asText()).endsWith("/lifecycle/deactivate");
        String self = MfaClient.AUTHENTICATORS + "/" + a.get("id").asText();
        assertThat(ok(api.get(self + "/methods")).get(0).get("type").asText()).isEqualTo("email");

        JsonNode changed = ok(api.put(self, "{\"key\":\"okta_email\",\"name\":\"Email\",\"settings\":{\"allowedFor\":\"any\","
                + "\"tokenLifetimeInMinutes\":10}}"));
        assertThat(changed.at("/settings/tokenLifetimeInMinutes").asInt()).isEqualTo(10);
        Http.Response zero = api.put(self, "{\"name\":\"Email\",\"settings\":{\"tokenLifetimeInMinutes\":0}}");
        assertOktaError(zero, 400, "E0000001");
        Http.Response text = api.put(self, "{\"name\":\"Email\",\"settings\":{\"tokenLifetimeInMinutes\":\"ten\"}}");
        assertOktaError(text, 400, "E0000001");
        assertThat(ok(api.put(self, "{\"name\":\"Email\",\"settings\":{\"tokenLifetimeInMinutes\":5}}")).at("/settings/tokenLifetimeInMinutes")
                .asInt()).isEqualTo(5);
    }

    @Test
    void enrollSendsACodeThatActivatesOnceAndAVerifyWithoutCodeSendsAChallenge() {
        Person p = person();
        long updates = api.events("user.mfa.factor.update");
        Http.Response r = api.post(factors(p.id()), "{\"factorType\":\"email\",\"provider\":\"OKTA\",\"profile\":{\"email\":\"" + p.login() + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode f = r.json();
        String id = f.get("id").asText();
        assertThat(id).matches("emf[A-Za-z0-9]{17}");
        assertThat(f.get("factorType").asText()).isEqualTo("email");
        assertThat(f.get("provider").asText()).isEqualTo("OKTA");
        assertThat(f.get("vendorName").asText()).isEqualTo("OKTA");
        assertThat(f.get("status").asText()).isEqualTo("PENDING_ACTIVATION");
        assertThat(f.at("/profile/email").asText()).isEqualTo(p.login());
        assertThat(f.at("/_links/activate/href").asText()).endsWith(factors(p.id()) + "/" + id + "/lifecycle/activate");
        assertThat(f.at("/_links/resend/name").asText()).isEqualTo("email");
        assertThat(f.at("/_links/resend/href").asText()).endsWith("/" + id + "/resend");
        assertThat(api.events("user.mfa.factor.update")).isEqualTo(updates + 1);

        MimeMessage enrollment = email(p, 1);
        String code = TestMail.code(enrollment);
        assertThat(TestMail.text(enrollment)).contains(code);
        // At rest: neither the code nor the link's token in clear.
        String token = link(enrollment).substring(link(enrollment).lastIndexOf('/') + 1);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM email_factor_challenges WHERE code_hash = '" + code
                + "' OR link_hash = '" + token + "'")).isZero();
        // Nor a plain hash of it, which a million guesses would reverse offline: the stored code is keyed (HMAC under the KEK).
        String stored = server.wiring().db.read(h -> h.createQuery("SELECT id || ':' || code_hash FROM email_factor_challenges WHERE factor_id = :f")
                .bind("f", id).mapTo(String.class).one());
        String challengeId = stored.substring(0, stored.indexOf(':'));
        assertThat(stored.substring(stored.indexOf(':') + 1)).isNotEqualTo(dev.gatehouse.storage.Hashes.sha256(challengeId + ":" + code));

        String wrong = code.equals("000000") ? "111111" : "000000";
        Http.Response bad = api.post(factors(p.id()) + "/" + id + "/lifecycle/activate", passCode(wrong));
        assertOktaError(bad, 403, "E0000068");
        JsonNode active = ok(api.post(factors(p.id()) + "/" + id + "/lifecycle/activate", passCode(code)));
        assertThat(active.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(active.at("/_links/verify/href").asText()).endsWith("/" + id + "/verify");

        // The catalog lists email with the person's status.
        JsonNode catalog = ok(api.get(factors(p.id()) + "/catalog"));
        assertThat(catalog.findValuesAsText("factorType")).contains("email");

        // Verify without a passCode: Okta's CHALLENGE, and an EmailChallenge email with a new code (Okta's 5 s between emails).
        server.clock.advance(Duration.ofSeconds(6));
        Http.Response challenge = verify(p, id, "{}");
        assertThat(challenge.status()).as(challenge.body()).isEqualTo(200);
        assertThat(challenge.json().get("factorResult").asText()).isEqualTo("CHALLENGE");
        assertThat(challenge.json().at("/profile/email").asText()).isEqualTo(p.login());
        assertThat(challenge.json().at("/_links/verify/href").asText()).endsWith("/" + id + "/verify");
        String second = TestMail.code(email(p, 2));
        long mfa = api.events("user.authentication.auth_via_mfa");
        long redeemed = api.events("system.email.challenge_factor_redeemed");
        assertThat(ok(verify(p, id, passCode(second))).get("factorResult").asText()).isEqualTo("SUCCESS");
        assertThat(api.events("user.authentication.auth_via_mfa")).isEqualTo(mfa + 1);
        assertThat(api.events("system.email.challenge_factor_redeemed")).isEqualTo(redeemed + 1);
        // Single use.
        Http.Response again = verify(p, id, passCode(second));
        assertOktaError(again, 403, "E0000068");
        assertThat(firstCause(again)).contains("Send a new code");
    }

    @Test
    void anAddressThatIsNotTheUsersIsRefusedAndActivateTrueSendsNothing() {
        Person p = person();
        Http.Response foreign = api.post(factors(p.id()), "{\"factorType\":\"email\",\"provider\":\"OKTA\",\"profile\":{\"email\":\"x@evil.test\"}}");
        assertOktaError(foreign, 400, "E0000001");
        assertThat(foreign.json().get("errorSummary").asText()).isEqualTo("Api validation failed: Only verified primary or secondary email can be enrolled.");
        Http.Response provider = api.post(factors(p.id()), "{\"factorType\":\"email\",\"provider\":\"GOOGLE\"}");
        assertOktaError(provider, 400, "E0000001");
        String id = enrollActive(p);
        assertThat(id).startsWith("emf");
        Http.Response twice = api.post(factors(p.id()), EMAIL);
        assertOktaError(twice, 400, "E0000001");
        // Resend applies to a pending enrollment only.
        assertOktaError(api.post(factors(p.id()) + "/" + id + "/resend", EMAIL), 400, "E0000001");
        sleepForMail();
        assertThat(mail.messagesTo(p.login())).isEmpty();
    }

    @Test
    void aPendingEnrollmentEndsAfterFifteenMinutesEvenWithALongerLivedCode() {
        Person p = person();
        JsonNode f = ok(api.post(factors(p.id()) + "?tokenLifetimeSeconds=86400", EMAIL));
        String code = TestMail.code(email(p, 1));
        server.clock.advance(Factors.ENROLLMENT_LIFETIME.plusSeconds(1));
        assertThat(ok(api.get(factors(p.id()) + "/" + f.get("id").asText())).get("status").asText()).isEqualTo("EXPIRED");
        Http.Response late = api.post(factors(p.id()) + "/" + f.get("id").asText() + "/lifecycle/activate", passCode(code));
        assertOktaError(late, 400, "E0000001");
        assertThat(firstCause(late)).contains("expired");
        // A new enrollment replaces the expired one.
        assertThat(ok(api.post(factors(p.id()), EMAIL)).get("status").asText()).isEqualTo("PENDING_ACTIVATION");
    }

    @Test
    void aNewCodeWaitsFiveSecondsAndReplacesTheOldOneWhichAlsoExpires() {
        Person p = person();
        String id = enrollActive(p);
        ok(verify(p, id, "{}"));
        String first = TestMail.code(email(p, 1));
        // Okta's API: one email per address every 5 seconds, 429 E0000118.
        Http.Response tooSoon = verify(p, id, "{}");
        assertOktaError(tooSoon, 429, "E0000118");
        server.clock.advance(Duration.ofSeconds(6));
        ok(verify(p, id, "{}"));
        String second = TestMail.code(email(p, 2));
        if (!first.equals(second)) {
            assertOktaError(verify(p, id, passCode(first)), 403, "E0000068");
        }
        // The code lives the authenticator's 5 minutes.
        server.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        Http.Response expired = verify(p, id, passCode(second));
        assertOktaError(expired, 403, "E0000068");
        assertThat(firstCause(expired)).contains("expired");
        ok(verify(p, id, "{}"));
        assertThat(ok(verify(p, id, passCode(TestMail.code(email(p, 3))))).get("factorResult").asText()).isEqualTo("SUCCESS");

        // Okta's tokenLifetimeSeconds (1–86400) sets this challenge's lifetime.
        server.clock.advance(Duration.ofSeconds(6));
        assertOktaError(api.post(factors(p.id()) + "/" + id + "/verify?tokenLifetimeSeconds=0", "{}"), 400, "E0000001");
        assertOktaError(api.post(factors(p.id()) + "/" + id + "/verify?tokenLifetimeSeconds=86401", "{}"), 400, "E0000001");
        ok(api.post(factors(p.id()) + "/" + id + "/verify?tokenLifetimeSeconds=60", "{}"));
        String shortLived = TestMail.code(email(p, 4));
        server.clock.advance(Duration.ofSeconds(61));
        assertOktaError(verify(p, id, passCode(shortLived)), 403, "E0000068");
    }

    @Test
    void fiveWrongTriesEndACodeAndWrongCodesCountTowardTheLockout() {
        Person p = person();
        String id = enrollActive(p);
        ok(verify(p, id, "{}"));
        String code = TestMail.code(email(p, 1));
        String wrong = code.equals("000000") ? "111111" : "000000";
        for (int i = 0; i < EmailFactors.MAX_TRIES; i++) {
            assertOktaError(verify(p, id, passCode(wrong)), 403, "E0000068");
        }
        Http.Response dead = verify(p, id, passCode(code));
        assertOktaError(dead, 403, "E0000068");
        assertThat(firstCause(dead)).contains("too many wrong tries");
        assertThat(ok(api.get("/api/v1/users/" + p.id())).get("status").asText()).isEqualTo("ACTIVE");
        server.clock.advance(Duration.ofSeconds(31));
        ok(verify(p, id, "{}"));
        String next = TestMail.code(email(p, 2));
        String wrong2 = next.equals("000000") ? "111111" : "000000";
        // Five wrong codes and the dead code's one attempt counted nothing extra: LOCKOUT - 5 more wrong ones lock.
        for (int i = 0; i < LOCKOUT - EmailFactors.MAX_TRIES; i++) {
            verify(p, id, passCode(wrong2));
        }
        assertThat(ok(api.get("/api/v1/users/" + p.id())).get("status").asText()).isEqualTo("LOCKED_OUT");
        assertOktaError(verify(p, id, passCode(next)), 403, "E0000069");
    }

    // ---- hosted sign-in ----

    static String authorize(String verifier) {
        return spa.base() + "/authorize?client_id=" + enc(spa.clientId()) + "&redirect_uri=" + enc(REDIRECT_URI)
                + "&response_type=code&scope=" + enc("openid profile") + "&state=s1&nonce=" + freshNonce()
                + "&code_challenge=" + challenge(verifier) + "&code_challenge_method=S256&acr_values=" + enc(TWO);
    }

    static String field(Http.Response page, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return m.group(1).replace("&#x2F;", "/").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&amp;", "&");
    }

    Browser signedIn(Person p) {
        Browser b = server.browser();
        Http.Response r = b.signIn(p.login(), PASSWORD, "/");
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        return b;
    }

    JsonNode idToken(Browser b, Http.Response afterStep, String verifier) {
        assertThat(afterStep.status()).as(afterStep.body()).isEqualTo(303);
        assertThat(afterStep.header("Location")).startsWith(spa.base() + "/authorize?");
        Http.Response cb = b.get(afterStep.header("Location"));
        assertThat(cb.status()).as(cb.body()).isEqualTo(302);
        Map<String, String> q = query(URI.create(cb.header("Location")).getRawQuery());
        Http.Response t = spa.form("/token", "grant_type", "authorization_code", "client_id", spa.clientId(), "redirect_uri", REDIRECT_URI,
                "code", q.get("code"), "code_verifier", verifier);
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        return claims(t.json().get("id_token").asText());
    }

    /** Signed in with the password, sent by the client's two-factor request to the verify page, which offers Email. */
    Http.Response verifyPage(Browser b, String verifier) {
        Http.Response first = b.get(authorize(verifier));
        assertThat(first.header("Location")).startsWith("/signin/verify?fromURI=");
        Http.Response page = b.get(first.header("Location"));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Email", "Send me a code");
        return page;
    }

    Http.Response sendCode(Browser b, Http.Response page, String factorId) {
        Http.Response sent = b.post(FactorSignInPages.SEND_EMAIL, "csrf", Browser.csrf(page), "fromURI", field(page, "fromURI"),
                "factorId", factorId);
        assertThat(sent.status()).as(sent.body()).isEqualTo(200);
        assertThat(sent.body()).contains("We sent a code to", "Enter the code from the email");
        return sent;
    }

    @Test
    void theSignInStepWithTheCodeGivesAmrEmailInTheIdToken() {
        Person p = person();
        String factorId = enrollActive(p);
        Browser b = signedIn(p);
        String verifier = randomVerifier();
        Http.Response page = verifyPage(b, verifier);
        Http.Response sent = sendCode(b, page, factorId);
        String code = TestMail.code(email(p, 1));
        String wrong = code.equals("000000") ? "111111" : "000000";
        Http.Response bad = b.post("/signin/verify", "csrf", Browser.csrf(sent), "fromURI", field(sent, "fromURI"), "factorId", factorId,
                "passCode", wrong);
        assertThat(bad.status()).isEqualTo(403);
        assertThat(bad.body()).contains("That code didn't match", "Enter the code from the email");
        Http.Response good = b.post("/signin/verify", "csrf", Browser.csrf(bad), "fromURI", field(bad, "fromURI"), "factorId", factorId,
                "passCode", code);
        JsonNode id = idToken(b, good, verifier);
        assertThat(id.get("amr").toString()).isEqualTo("[\"pwd\",\"email\",\"mfa\"]");
    }

    @Test
    void theLinkWorksOnceAndOnlyInTheSessionThatAskedForIt() {
        Person p = person();
        String factorId = enrollActive(p);
        Browser b = signedIn(p);
        String verifier = randomVerifier();
        Http.Response page = verifyPage(b, verifier);
        sendCode(b, page, factorId);
        String link = path(link(email(p, 1)));

        // No session (a mail scanner) and another session of the same person: nothing taken, "use the code".
        Http.Response scanner = server.browser().get(link);
        assertThat(scanner.status()).isEqualTo(403);
        assertThat(scanner.body()).contains("Use the code instead");
        Browser other = signedIn(p);
        Http.Response elsewhere = other.get(link);
        assertThat(elsewhere.status()).isEqualTo(403);
        assertThat(elsewhere.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(other.get("/api/v1/sessions/me").json().get("amr").toString()).isEqualTo("[\"pwd\"]");

        Http.Response same = b.get(link);
        JsonNode id = idToken(b, same, verifier);
        assertThat(id.get("amr").toString()).isEqualTo("[\"pwd\",\"email\",\"mfa\"]");

        // Reused: refused; and the token (a one-time secret) is not in the access log, which shows the route's template.
        ch.qos.logback.classic.Logger access = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("gatehouse.access");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        access.addAppender(lines);
        Http.Response reused;
        try {
            reused = b.get(link);
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (lines.list.stream().noneMatch(l -> l.getFormattedMessage().contains("email-verify")) && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        } finally {
            access.detachAppender(lines);
        }
        String token = link.substring(link.lastIndexOf('/') + 1);
        assertThat(lines.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).filter(l -> l.contains("email-verify"))
                .toList()).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain(token));
        assertThat(reused.status()).isEqualTo(400);
        assertThat(reused.body()).contains("expired or was already used", "/signin");
        Http.Response tampered = b.get(link.substring(0, link.length() - 1) + (link.endsWith("a") ? "b" : "a"));
        assertThat(tampered.status()).isEqualTo(400);
    }

    @Test
    void anEnrollmentPolicyRequiringEmailEnrollsItAtSignInWithTheEmailedCode() {
        api.enrollmentLevel("okta_email", "REQUIRED");
        try {
            Person p = person();
            Browser b = signedIn(p);
            String verifier = randomVerifier();
            Http.Response first = b.get(authorize(verifier));
            assertThat(first.header("Location")).startsWith("/signin/enroll?fromURI=");
            Http.Response page = b.get(first.header("Location"));
            assertThat(page.body()).contains("Set up Email");
            Http.Response started = b.post(FactorSignInPages.ENROLL_EMAIL, "csrf", Browser.csrf(page), "fromURI", field(page, "fromURI"));
            assertThat(started.status()).as(started.body()).isEqualTo(200);
            assertThat(started.body()).contains("We sent a code to " + p.login());
            MimeMessage m = email(p, 1);
            Http.Response done = b.post(FactorSignInPages.ACTIVATE_EMAIL, "csrf", Browser.csrf(started), "fromURI", field(started, "fromURI"),
                    "factorId", field(started, "factorId"), "passCode", TestMail.code(m));
            JsonNode id = idToken(b, done, verifier);
            assertThat(id.get("amr").toString()).isEqualTo("[\"pwd\",\"email\",\"mfa\"]");
            JsonNode list = ok(api.get(factors(p.id())));
            assertThat(list.get(0).get("factorType").asText()).isEqualTo("email");
            assertThat(list.get(0).get("status").asText()).isEqualTo("ACTIVE");
        } finally {
            api.enrollmentLevel("okta_email", "OPTIONAL");
        }
    }

    @Test
    void anAdminSetsTheCodeLifetimeInTheConsole() {
        String list = "/admin/security/authenticators";
        Browser b = server.browser();
        assertThat(b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin").status()).isEqualTo(303);
        Http.Response page = b.get(list);
        assertThat(page.body()).contains("Code lifetime (minutes)");
        String id = api.authenticator("okta_email").get("id").asText();
        long updates = api.events("security.authenticator.lifecycle.update");
        Http.Response saved = b.post(list + "/" + id + "/settings", "csrf", Browser.csrf(page), "tokenLifetimeInMinutes", "15");
        assertThat(saved.status()).as(saved.body()).isEqualTo(303);
        assertThat(api.authenticator("okta_email").at("/settings/tokenLifetimeInMinutes").asInt()).isEqualTo(15);
        assertThat(api.events("security.authenticator.lifecycle.update")).isEqualTo(updates + 1);
        for (String bad : new String[] {"0", "1441", "ten", ""}) {
            Http.Response refused = b.post(list + "/" + id + "/settings", "csrf", Browser.csrf(page), "tokenLifetimeInMinutes", bad);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body()).contains("Nothing was changed");
        }
        assertThat(api.authenticator("okta_email").at("/settings/tokenLifetimeInMinutes").asInt()).isEqualTo(15);
        String google = api.authenticator("google_otp").get("id").asText();
        assertThat(b.post(list + "/" + google + "/settings", "csrf", Browser.csrf(page), "tokenLifetimeInMinutes", "5").status()).isEqualTo(404);
        ok(api.put(MfaClient.AUTHENTICATORS + "/" + id, "{\"name\":\"Email\",\"settings\":{\"tokenLifetimeInMinutes\":5}}"));
    }

    /**
     * In Chromium: sign in, "Send me a code" on the verify page (screenshot: target/screenshots/email-factor.png), then
     * follow the emailed link in the same browser to a session whose amr has "email".
     */
    @Test
    void inChromiumTheEmailedLinkCompletesTheStep() {
        Person p = person();
        enrollActive(p);
        try (com.microsoft.playwright.BrowserContext context = dev.gatehouse.support.Chromium.newContext()) {
            com.microsoft.playwright.Page page = context.newPage();
            page.navigate(server.url() + "/signin?fromURI=" + enc("/signin/verify?fromURI=%2F"));
            page.getByLabel("Username").fill(p.login());
            page.getByLabel("Password").fill(PASSWORD);
            page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                    new com.microsoft.playwright.Page.GetByRoleOptions().setName("Sign in")).click();
            page.waitForURL("**/signin/verify**");
            page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                    new com.microsoft.playwright.Page.GetByRoleOptions().setName("Send me a code")).click();
            page.waitForSelector("input[name=passCode]");
            assertThat(page.content()).contains("We sent a code to m***@example.com");
            // target/screenshots/email-factor.png (copied to docs/screenshots/ after looking at it).
            dev.gatehouse.support.Chromium.screenshot(page, "email-factor");
            // The same link in another browser (no session): nothing happens there, it says to use the code.
            try (com.microsoft.playwright.BrowserContext elsewhere = dev.gatehouse.support.Chromium.newContext()) {
                com.microsoft.playwright.Page other = elsewhere.newPage();
                other.navigate(link(email(p, 1)));
                assertThat(other.content()).contains("Use the code instead");
                dev.gatehouse.support.Chromium.screenshot(other, "email-link-elsewhere");
            }
            page.navigate(link(email(p, 1)));
            String me = (String) page.evaluate("async () => (await fetch('/api/v1/sessions/me')).text()");
            assertThat(me).contains("\"amr\":[\"pwd\",\"email\",\"mfa\"]");
        }
    }

    static void sleepForMail() {
        try {
            Thread.sleep(1500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
