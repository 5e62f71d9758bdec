package dev.gatehouse.authn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.mfa.Totp;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestMail;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.gatehouse.authn.AuthnClient.AUTHN;
import static dev.gatehouse.authn.AuthnClient.PASSWORD;
import static dev.gatehouse.authn.AuthnClient.str;
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
 * The Authentication API's state machine (issue #20), transition by transition and refusal by refusal, with Okta's shapes
 * (docs/okta/authn.md): a transaction that waits carries {@code stateToken}, {@code expiresAt}, {@code _embedded.user} and
 * a {@code cancel} link; every link is {@code {href, hints:{allow:["POST"]}}}; SUCCESS has a sessionToken and no
 * stateToken. One server per database (H2, PostgreSQL) with a real SMTP server (GreenMail) and a lockout after
 * {@value #LOCKOUT} failures. Each test is one row, "from state × call → answer":
 *
 * <pre>
 * from                       call                                         answer
 * ─────────────────────────  ───────────────────────────────────────────  ─────────────────────────────────────────────────
 * (none)                     username + right password                    200 SUCCESS: sessionToken, user, no stateToken
 * (none)                     wrong password / unknown user / SUSPENDED /   401 E0000004, the same summary and causes for all
 *                            300-char username / no password
 * (none)                     a body that is not JSON                      400 E0000003
 * (none)                     username not a string                        400 E0000001
 * (none)                     failures mixed with POST /signin, then right  locked at the configured count; 401 E0000004
 * (none), show-lockout on    failures, then the right password            200 LOCKED_OUT, no stateToken (its own server)
 * any                        {stateToken} alone                           the current state, unchanged
 * (none)                     {stateToken} malformed / unknown             401 E0000011
 * MFA_REQUIRED (TOTP)        verify, wrong code                           403 E0000068; still MFA_REQUIRED
 * MFA_REQUIRED (TOTP)        verify, right code                           SUCCESS; its sessionToken → tokens, amr otp + mfa
 * MFA_REQUIRED               verify another user's factor                 404 E0000007
 * MFA_REQUIRED               change_password / reset_password / factors /  403 E0000079
 *                            previous / verify/resend / activate
 * SUCCESS (ended)            the old stateToken                           401 E0000011
 * MFA_REQUIRED (email)       verify without passCode                      MFA_CHALLENGE, factorResult CHALLENGE, next(verify),
 *                                                                         prev, resend[email]; a code is emailed
 * MFA_CHALLENGE (email)      verify/resend, or verify again, within 5 s    429 E0000118
 * MFA_CHALLENGE (email)      previous                                     MFA_REQUIRED
 * MFA_REQUIRED (email)       verify with the emailed code                 SUCCESS
 * MFA_ENROLL (policy)        (primary)                                    NOT_SETUP entries, enrollment REQUIRED/OPTIONAL,
 *                                                                         _links.enroll, no id
 * MFA_ENROLL                 enroll a factor not offered                  400 E0000001
 * MFA_ENROLL                 verify                                       403 E0000079
 * MFA_ENROLL                 enroll TOTP                                  MFA_ENROLL_ACTIVATE: activation.sharedSecret,
 *                                                                         qrcode (image/png, no API token), next(activate), prev
 * MFA_ENROLL_ACTIVATE        activate, wrong code                         403 E0000068
 * MFA_ENROLL_ACTIVATE        previous                                     MFA_ENROLL
 * MFA_ENROLL_ACTIVATE        activate, right code                         SUCCESS
 * MFA_ENROLL (no factor yet, global policy requires one)  enroll email    MFA_ENROLL_ACTIVATE, WAITING, resend[email]; code → SUCCESS
 * MFA_REQUIRED (TOTP), email now required  verify TOTP                    MFA_ENROLL (email REQUIRED), enroll + activate → SUCCESS
 * PASSWORD_EXPIRED           (primary)                                    policy.complexity, next(changePassword)
 * PASSWORD_EXPIRED           change_password, wrong old password          403 E0000014
 * PASSWORD_EXPIRED           change_password, weak new password           403 E0000080 with causes
 * PASSWORD_EXPIRED           verify                                       403 E0000079
 * PASSWORD_EXPIRED           change_password, good                        SUCCESS; the old stateToken 401 E0000011
 * any waiting state          cancel                                       200 {}; the stateToken 401 E0000011
 * (none)                     recovery/password, known and unknown user     the same 200 RECOVERY_CHALLENGE; only the known one
 *                                                                         gets an email
 * (none), API token          recovery/password (trusted app)              200 RECOVERY with recoveryToken, next(recovery), no
 *                                                                         email; unknown user 403 E0000095; a bad token 401
 *                                                                         E0000011; from a browser (Origin) 403 E0000006
 * (recovery link)            recovery/token                               PASSWORD_RESET, next(resetPassword)
 * PASSWORD_RESET             reset_password, weak                         403 E0000080
 * PASSWORD_RESET             reset_password, good                         SUCCESS with sessionToken
 * (recovery link, used)      recovery/token                               401 E0000011
 * (recovery link), TOTP      recovery/token                               MFA_REQUIRED listing the TOTP factor only
 * RECOVERY MFA_REQUIRED      verify the email factor, even with a live code 404 (an email cannot verify an emailed link)
 * RECOVERY MFA_REQUIRED      verify TOTP                                  PASSWORD_RESET → SUCCESS
 * any waiting state          the clock 5 minutes on                       401 E0000011 (4:59 still live)
 * </pre>
 *
 * People are new for each row; the policies a row creates are scoped to its people and deactivated in a finally block.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class AuthnStatesHttpTest {

    static final int LOCKOUT = 4;
    static final String TOTP = "{\"factorType\":\"token:software:totp\",\"provider\":\"GOOGLE\"}";
    static final Pattern RESET = Pattern.compile("/reset_password/([A-Za-z0-9_-]+)");
    static final ObjectMapper JSON = new ObjectMapper();

    @Parameter
    TestDatabase database;

    static TestMail mail;
    static TestServer server;
    static AuthnClient authn;
    static ApiClient admin;
    static OAuthFlow spa;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        mail = TestMail.start();
        server = TestServer.start(database, mail, "--lockout-attempts", Integer.toString(LOCKOUT));
        authn = new AuthnClient(server);
        admin = authn.admin;
        spa = OAuthFlow.spa(server);
        authn.googleOtpActive();
        for (JsonNode a : ok(admin.get("/api/v1/authenticators"))) {
            if (a.get("key").asText().equals("okta_email") && !a.get("status").asText().equals("ACTIVE")) {
                ok(admin.post("/api/v1/authenticators/" + a.get("id").asText() + "/lifecycle/activate", null));
            }
        }
        defaultEnrollment("okta_email", "OPTIONAL");
        defaultEnrollment("google_otp", "OPTIONAL");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
        mail.close();
    }

    // ---- primary authentication -----------------------------------------------------------------------------------

    @Test
    void none_rightPassword_SUCCESS() {
        AuthnClient.Person p = authn.person();
        Http.Response r = authn.primary(p.login(), PASSWORD);
        assertSuccess(r, p);
        JsonNode user = r.json().at("/_embedded/user");
        assertThat(user.at("/profile/login").asText()).isEqualTo(p.login());
        assertThat(user.at("/profile/firstName").asText()).isEqualTo("Test");
        assertThat(user.at("/profile/lastName").asText()).isEqualTo("Person");
        assertThat(user.has("passwordChanged")).isTrue();
        assertThat(user.at("/profile/locale").isTextual()).isTrue();
        assertThat(user.at("/profile/timeZone").isTextual()).isTrue();
        assertThat(r.json().has("_links")).isFalse();
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        // expiresAt of a SUCCESS: the sessionToken's 5 minutes.
        assertThat(Instant.parse(r.json().get("expiresAt").asText())).isBetween(server.clock.instant().plusSeconds(299),
                server.clock.instant().plusSeconds(301));
    }

    @Test
    void none_badCredentials_E0000004_allAlike() {
        AuthnClient.Person p = authn.person();
        AuthnClient.Person suspended = authn.person();
        ok(admin.post("/api/v1/users/" + suspended.id() + "/lifecycle/suspend", null));
        List<Http.Response> all = List.of(
                authn.primary(p.login(), "Wrong-Password-1"),
                authn.primary("nobody-" + System.nanoTime() + "@example.com", PASSWORD),
                authn.primary(suspended.login(), PASSWORD),
                authn.primary("a".repeat(290) + "@example.com", PASSWORD),
                authn.post(AUTHN, "{\"username\":" + str(p.login()) + "}"));
        for (Http.Response r : all) {
            assertOktaError(r, 401, "E0000004");
            assertThat(r.json().get("errorSummary").asText()).isEqualTo("Authentication failed");
            assertThat(r.json().get("errorSummary")).isEqualTo(all.get(0).json().get("errorSummary"));
            assertThat(r.json().get("errorCauses")).isEqualTo(all.get(0).json().get("errorCauses"));
            assertThat(r.body()).doesNotContain("stateToken");
        }
    }

    @Test
    void none_notJson_E0000003() {
        Http.Response r = authn.post(AUTHN, "{\"username\": \"ann@example.com\", ");
        assertOktaError(r, 400, "E0000003");
        Http.Response text = authn.post(AUTHN, "username=ann&password=x");
        assertOktaError(text, 400, "E0000003");
    }

    @Test
    void none_usernameNotAString_E0000001() {
        Http.Response r = authn.post(AUTHN, "{\"username\":123,\"password\":\"x\"}");
        assertOktaError(r, 400, "E0000001");
        Http.Response object = authn.post(AUTHN, "{\"username\":{\"login\":\"ann\"},\"password\":\"x\"}");
        assertOktaError(object, 400, "E0000001");
    }

    @Test
    void none_failuresMixedWithSignin_lockAtTheCount_E0000004() {
        AuthnClient.Person p = authn.person();
        for (int i = 1; i <= LOCKOUT; i++) {
            if (i % 2 == 1) {
                assertOktaError(authn.primary(p.login(), "Wrong-Password-" + i), 401, "E0000004");
            } else {
                Http.Response page = server.browser().signIn(p.login(), "Wrong-Password-" + i, null);
                assertThat(page.status()).as("a failed sign-in at the hosted form").isNotEqualTo(303);
            }
            assertThat(ok(admin.get("/api/v1/users/" + p.id())).get("status").asText()).as("after failure " + i)
                    .isEqualTo(i < LOCKOUT ? "ACTIVE" : "LOCKED_OUT");
        }
        Http.Response locked = authn.primary(p.login(), PASSWORD);
        assertOktaError(locked, 401, "E0000004");
        assertThat(locked.json().get("errorSummary").asText()).isEqualTo("Authentication failed");
    }

    @Test
    void none_lockedWithShowLockoutFailures_LOCKED_OUT() {
        try (TestServer shows = TestServer.start(database, "--show-lockout-failures", "true", "--lockout-attempts", "2")) {
            AuthnClient other = new AuthnClient(shows);
            AuthnClient.Person p = other.person();
            assertOktaError(other.primary(p.login(), "Wrong-Password-1"), 401, "E0000004");
            Http.Response locking = other.primary(p.login(), "Wrong-Password-2");
            assertLockedOut(locking);
            assertLockedOut(other.primary(p.login(), PASSWORD));
            // Showing the lockout does not show who exists otherwise.
            assertOktaError(other.primary("nobody-" + System.nanoTime() + "@example.com", PASSWORD), 401, "E0000004");
        }
    }

    static void assertLockedOut(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("LOCKED_OUT");
        assertThat(r.json().has("stateToken")).isFalse();
        assertThat(r.json().has("sessionToken")).isFalse();
        assertThat(r.json().has("expiresAt")).isFalse();
        assertThat(r.json().at("/_embedded/user").isMissingNode()).isTrue();
    }

    // ---- the stateToken ---------------------------------------------------------------------------------------------

    @Test
    void any_stateTokenAlone_currentState() {
        Mfa m = mfaRequired();
        try {
            JsonNode again = tx(state(m.state), "MFA_REQUIRED", m.p);
            assertThat(again.get("stateToken").asText()).isEqualTo(m.state);
            assertThat(again.at("/_embedded/factors").toString()).isEqualTo(m.first.at("/_embedded/factors").toString());
            // okta-auth-js's introspect: the same.
            tx(authn.post(AUTHN + "/introspect", stateBody(m.state)), "MFA_REQUIRED", m.p);
        } finally {
            authn.deactivatePolicy(m.policy);
        }
    }

    @Test
    void none_stateTokenMalformedOrUnknown_E0000011() {
        for (String bad : List.of("x", "00" + "A".repeat(40), "00" + "A".repeat(39) + "!", "A".repeat(2000))) {
            Http.Response r = state(bad);
            assertOktaError(r, 401, "E0000011");
            assertThat(r.json().get("errorSummary").asText()).isEqualTo("Invalid token provided");
            assertThat(r.json().get("errorCauses")).isEmpty();
        }
        assertOktaError(authn.post(AUTHN + "/cancel", stateBody("00" + "B".repeat(40))), 401, "E0000011");
        assertOktaError(authn.post(AUTHN + "/factors/ostNoSuchFactor00000/verify", stateBody("00" + "C".repeat(40))), 401, "E0000011");
        assertOktaError(authn.post(AUTHN + "/previous", "{}"), 401, "E0000011");
    }

    // ---- MFA_REQUIRED with TOTP -------------------------------------------------------------------------------------

    @Test
    void mfaRequired_verifyWrongCode_E0000068_unchanged() {
        Mfa m = mfaRequired();
        try {
            Http.Response bad = verify(m.verify, m.state, wrong(authn.code(m.factor.seed())));
            assertOktaError(bad, 403, "E0000068");
            assertThat(bad.json().get("errorSummary").asText()).isEqualTo("Invalid Passcode/Answer");
            JsonNode still = tx(state(m.state), "MFA_REQUIRED", m.p);
            assertThat(still.get("stateToken").asText()).isEqualTo(m.state);
            assertSuccess(verify(m.verify, m.state, authn.code(m.factor.seed())), m.p);
        } finally {
            authn.deactivatePolicy(m.policy);
        }
    }

    @Test
    void mfaRequired_verifyRightCode_SUCCESS_tokensWithOtpAndMfa() {
        Mfa m = mfaRequired();
        try {
            JsonNode f = m.first.at("/_embedded/factors/0");
            assertThat(m.first.at("/_embedded/factors").size()).isEqualTo(1);
            assertThat(f.get("id").asText()).isEqualTo(m.factor.id());
            assertThat(f.get("factorType").asText()).isEqualTo("token:software:totp");
            assertThat(f.get("provider").asText()).isEqualTo("GOOGLE");
            assertThat(f.get("vendorName").asText()).isEqualTo("GOOGLE");
            assertThat(f.at("/profile/credentialId").asText()).isEqualTo(m.p.login());
            assertLink(f.at("/_links/verify"), null, AUTHN + "/factors/" + m.factor.id() + "/verify");
            // Okta's MFA_REQUIRED has no next and no prev: the factor's own verify link is the way on.
            assertThat(m.first.at("/_links").has("next")).isFalse();
            assertThat(m.first.at("/_links").has("prev")).isFalse();
            Http.Response ok = verify(m.verify, m.state, authn.code(m.factor.seed()));
            assertSuccess(ok, m.p);
            JsonNode tokens = exchange(ok.json().get("sessionToken").asText());
            JsonNode idToken = claims(tokens.get("id_token").asText());
            assertThat(idToken.get("sub").asText()).isEqualTo(m.p.id());
            assertThat(idToken.get("amr").toString()).contains("\"pwd\"", "\"otp\"", "\"mfa\"");
        } finally {
            authn.deactivatePolicy(m.policy);
        }
    }

    @Test
    void mfaRequired_verifyAnotherUsersFactor_404() {
        Mfa m = mfaRequired();
        AuthnClient.Person other = authn.person();
        AuthnClient.Factor theirs = authn.totp(other);
        try {
            Http.Response r = verify(AUTHN + "/factors/" + theirs.id() + "/verify", m.state, authn.code(theirs.seed()));
            assertOktaError(r, 404, "E0000007");
            tx(state(m.state), "MFA_REQUIRED", m.p);
        } finally {
            authn.deactivatePolicy(m.policy);
        }
    }

    @Test
    void mfaRequired_anyOtherStep_E0000079() {
        Mfa m = mfaRequired();
        try {
            String fid = m.factor.id();
            Map<String, String> calls = new java.util.LinkedHashMap<>();
            calls.put(AUTHN + "/credentials/change_password", "{\"stateToken\":\"" + m.state + "\",\"oldPassword\":" + str(PASSWORD)
                    + ",\"newPassword\":\"Another-Horse-Battery-7\"}");
            calls.put(AUTHN + "/credentials/reset_password", "{\"stateToken\":\"" + m.state + "\",\"newPassword\":\"Another-Horse-Battery-7\"}");
            calls.put(AUTHN + "/factors", "{\"stateToken\":\"" + m.state + "\"," + TOTP.substring(1));
            calls.put(AUTHN + "/previous", stateBody(m.state));
            calls.put(AUTHN + "/factors/" + fid + "/verify/resend", stateBody(m.state));
            calls.put(AUTHN + "/factors/" + fid + "/lifecycle/activate", "{\"stateToken\":\"" + m.state + "\",\"passCode\":\"123456\"}");
            for (Map.Entry<String, String> c : calls.entrySet()) {
                Http.Response r = authn.post(c.getKey(), c.getValue());
                assertOktaError(r, 403, "E0000079");
                assertThat(r.json().get("errorSummary").asText()).as(c.getKey())
                        .isEqualTo("This operation is not allowed in the current authentication state.");
                assertThat(r.json().at("/errorCauses/0/errorSummary").asText()).startsWith(
                        "This operation is not allowed in the current authentication state.");
            }
            tx(state(m.state), "MFA_REQUIRED", m.p);
        } finally {
            authn.deactivatePolicy(m.policy);
        }
    }

    @Test
    void success_oldStateToken_E0000011() {
        Mfa m = mfaRequired();
        try {
            assertSuccess(verify(m.verify, m.state, authn.code(m.factor.seed())), m.p);
            authn.nextStep();
            assertOktaError(verify(m.verify, m.state, authn.code(m.factor.seed())), 401, "E0000011");
            assertOktaError(state(m.state), 401, "E0000011");
            assertOktaError(authn.post(AUTHN + "/cancel", stateBody(m.state)), 401, "E0000011");
        } finally {
            authn.deactivatePolicy(m.policy);
        }
    }

    // ---- MFA_REQUIRED with email: MFA_CHALLENGE -------------------------------------------------------------------

    @Test
    void mfaRequiredEmail_challenge_resend429_previous_code_SUCCESS() {
        AuthnClient.Person p = authn.person();
        String fid = emailFactor(p);
        String policy = authn.requireFactorFor(p.id());
        try {
            server.clock.advance(Duration.ofSeconds(6));
            JsonNode first = tx(authn.primary(p.login(), PASSWORD), "MFA_REQUIRED", p);
            String state = first.get("stateToken").asText();
            JsonNode entry = first.at("/_embedded/factors/0");
            assertThat(entry.get("factorType").asText()).isEqualTo("email");
            assertThat(entry.get("provider").asText()).isEqualTo("OKTA");
            assertThat(entry.at("/profile/email").asText()).isEqualTo(AuthnJson.mask(p.login())).doesNotContain(p.login());
            int before = mail.messagesTo(p.login()).size();

            Http.Response sent = authn.post(AUTHN + "/factors/" + fid + "/verify", stateBody(state));
            JsonNode challenge = tx(sent, "MFA_CHALLENGE", p);
            assertThat(challenge.get("factorResult").asText()).isEqualTo("CHALLENGE");
            assertThat(challenge.at("/_embedded/factor/id").asText()).isEqualTo(fid);
            assertThat(challenge.at("/_embedded/factor/factorType").asText()).isEqualTo("email");
            assertLink(challenge.at("/_links/next"), "verify", AUTHN + "/factors/" + fid + "/verify");
            assertLink(challenge.at("/_links/prev"), null, AUTHN + "/previous");
            JsonNode resend = challenge.at("/_links/resend");
            assertThat(resend.isArray()).isTrue();
            assertThat(resend.size()).isEqualTo(1);
            assertLink(resend.get(0), "email", AUTHN + "/factors/" + fid + "/verify/resend");
            String code = TestMail.code(mail.awaitMessages(p.login(), before + 1).get(before));

            // Within Okta's 5 seconds: neither a resend nor a second send.
            Http.Response again = authn.post(AUTHN + "/factors/" + fid + "/verify/resend", stateBody(state));
            assertOktaError(again, 429, "E0000118");
            assertOktaError(authn.post(AUTHN + "/factors/" + fid + "/verify", stateBody(state)), 429, "E0000118");
            tx(state(state), "MFA_CHALLENGE", p);

            JsonNode back = tx(authn.post(AUTHN + "/previous", stateBody(state)), "MFA_REQUIRED", p);
            assertThat(back.at("/_embedded/factors/0/id").asText()).isEqualTo(fid);
            assertThat(back.has("factorResult")).isFalse();

            // The code still stands (the same challenge): verify from MFA_REQUIRED with it.
            Http.Response wrongCode = verify(AUTHN + "/factors/" + fid + "/verify", state, wrong(code));
            assertOktaError(wrongCode, 403, "E0000068");
            assertSuccess(verify(AUTHN + "/factors/" + fid + "/verify", state, code), p);
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    @Test
    void mfaChallengeEmail_resendAfterTheWait_newCode() {
        AuthnClient.Person p = authn.person();
        String fid = emailFactor(p);
        String policy = authn.requireFactorFor(p.id());
        try {
            server.clock.advance(Duration.ofSeconds(6));
            String state = tx(authn.primary(p.login(), PASSWORD), "MFA_REQUIRED", p).get("stateToken").asText();
            int before = mail.messagesTo(p.login()).size();
            tx(authn.post(AUTHN + "/factors/" + fid + "/verify", stateBody(state)), "MFA_CHALLENGE", p);
            mail.awaitMessages(p.login(), before + 1);
            server.clock.advance(Duration.ofSeconds(6));
            JsonNode resent = tx(authn.post(AUTHN + "/factors/" + fid + "/verify/resend", stateBody(state)), "MFA_CHALLENGE", p);
            assertThat(resent.get("factorResult").asText()).isEqualTo("CHALLENGE");
            String code = TestMail.code(mail.awaitMessages(p.login(), before + 2).get(before + 1));
            Http.Response ok = authn.post(challengeNext(resent), "{\"stateToken\":\"" + state + "\",\"passCode\":\"" + code + "\"}");
            assertSuccess(ok, p);
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    // ---- MFA_ENROLL -------------------------------------------------------------------------------------------------

    @Test
    void mfaEnroll_byEnrollmentPolicy_entries_refusals_enrollTotp_qr_wrong_previous_SUCCESS() {
        AuthnClient.Person p = authn.person();
        Enrollment policy = enrollmentPolicy(p, Map.of("google_otp", "REQUIRED", "okta_email", "OPTIONAL", "webauthn", "NOT_ALLOWED"));
        try {
            JsonNode enroll = tx(authn.primary(p.login(), PASSWORD), "MFA_ENROLL", p);
            String state = enroll.get("stateToken").asText();
            JsonNode factors = enroll.at("/_embedded/factors");
            assertThat(factors.isArray()).isTrue();
            JsonNode google = entry(factors, "token:software:totp");
            JsonNode email = entry(factors, "email");
            assertThat(google.get("provider").asText()).isEqualTo("GOOGLE");
            assertThat(google.get("vendorName").asText()).isEqualTo("GOOGLE");
            assertThat(google.get("enrollment").asText()).isEqualTo("REQUIRED");
            assertThat(email.get("provider").asText()).isEqualTo("OKTA");
            assertThat(email.get("enrollment").asText()).isEqualTo("OPTIONAL");
            for (JsonNode f : factors) {
                assertThat(f.get("status").asText()).isEqualTo("NOT_SETUP");
                assertThat(f.has("id")).as("an entry to enroll has no id").isFalse();
                assertLink(f.at("/_links/enroll"), null, AUTHN + "/factors");
                assertThat(f.get("factorType").asText()).isNotEqualTo("webauthn");
            }
            assertThat(enroll.at("/_links").has("skip")).isFalse();

            // Refusals in MFA_ENROLL: a factor not offered, a verify.
            for (String notOffered : List.of("{\"factorType\":\"sms\",\"provider\":\"OKTA\"}", "{\"factorType\":\"webauthn\",\"provider\":\"FIDO\"}",
                    "{\"factorType\":\"token:software:totp\",\"provider\":\"OKTA\"}")) {
                Http.Response r = authn.post(AUTHN + "/factors", "{\"stateToken\":\"" + state + "\"," + notOffered.substring(1));
                assertOktaError(r, 400, "E0000001");
            }
            assertOktaError(authn.post(AUTHN + "/factors/ostNoSuchFactor00000/verify", stateBody(state)), 403, "E0000079");
            tx(state(state), "MFA_ENROLL", p);

            // Enroll Google Authenticator: MFA_ENROLL_ACTIVATE with the secret and a QR code a page can show without a token.
            JsonNode activate = tx(authn.post(AUTHN + "/factors", "{\"stateToken\":\"" + state + "\"," + TOTP.substring(1)),
                    "MFA_ENROLL_ACTIVATE", p);
            JsonNode factor = activate.at("/_embedded/factor");
            String fid = factor.get("id").asText();
            assertThat(factor.get("factorType").asText()).isEqualTo("token:software:totp");
            assertThat(factor.get("provider").asText()).isEqualTo("GOOGLE");
            assertThat(factor.at("/profile/credentialId").asText()).isEqualTo(p.login());
            JsonNode activation = factor.at("/_embedded/activation");
            assertThat(activation.get("timeStep").asInt()).isEqualTo(30);
            assertThat(activation.get("encoding").asText()).isEqualTo("base32");
            String secret = activation.get("sharedSecret").asText();
            // Okta's examples disagree (authn: 6, the digits; Factors API: 16, the secret's length); Gatehouse answers as its
            // Factors API does (FactorJson): the secret's length.
            assertThat(activation.get("keyLength").asInt()).isEqualTo(secret.length());
            assertThat(secret).matches("[A-Z2-7]{16,}");
            JsonNode qr = activation.at("/_links/qrcode");
            assertThat(qr.get("type").asText()).isEqualTo("image/png");
            // Fetched as an <img> would (no API token), with a plain client: the QR path is Gatehouse's, outside Okta's schema.
            java.net.http.HttpResponse<byte[]> png = fetchBytes(qr.get("href").asText());
            assertThat(png.statusCode()).isEqualTo(200);
            assertThat(png.headers().firstValue("Content-Type").orElse("")).startsWith("image/png");
            assertThat(java.util.Arrays.copyOf(png.body(), 4)).isEqualTo(new byte[]{(byte) 0x89, 'P', 'N', 'G'});
            assertLink(activate.at("/_links/next"), "activate", AUTHN + "/factors/" + fid + "/lifecycle/activate");
            assertLink(activate.at("/_links/prev"), null, AUTHN + "/previous");
            assertThat(activate.at("/_links").has("resend")).isFalse();

            byte[] seed = Totp.fromBase32(secret);
            Http.Response bad = authn.post(AUTHN + "/factors/" + fid + "/lifecycle/activate", "{\"stateToken\":\"" + state
                    + "\",\"passCode\":\"" + wrong(authn.code(seed)) + "\"}");
            assertOktaError(bad, 403, "E0000068");
            assertOktaError(authn.post(AUTHN + "/factors/ostNoSuchFactor00000/lifecycle/activate", "{\"stateToken\":\"" + state
                    + "\",\"passCode\":\"" + authn.code(seed) + "\"}"), 404, "E0000007");
            tx(state(state), "MFA_ENROLL_ACTIVATE", p);

            // Back to the list, and the enrollment again.
            JsonNode back = tx(authn.post(AUTHN + "/previous", stateBody(state)), "MFA_ENROLL", p);
            assertThat(entry(back.at("/_embedded/factors"), "token:software:totp").get("enrollment").asText()).isEqualTo("REQUIRED");
            JsonNode again = tx(authn.post(AUTHN + "/factors", "{\"stateToken\":\"" + state + "\"," + TOTP.substring(1)),
                    "MFA_ENROLL_ACTIVATE", p);
            String fid2 = again.at("/_embedded/factor/id").asText();
            byte[] seed2 = Totp.fromBase32(again.at("/_embedded/factor/_embedded/activation/sharedSecret").asText());
            Http.Response ok = authn.post(AUTHN + "/factors/" + fid2 + "/lifecycle/activate", "{\"stateToken\":\"" + state
                    + "\",\"passCode\":\"" + authn.code(seed2) + "\"}");
            assertSuccess(ok, p);
            // The factor is the person's now: the next sign-in needs no enrollment.
            assertThat(ok(admin.get("/api/v1/users/" + p.id() + "/factors")).findValuesAsText("status")).contains("ACTIVE");
            assertSuccess(authn.primary(p.login(), PASSWORD), p);
        } finally {
            policy.close();
        }
    }

    @Test
    void mfaEnroll_byGlobalPolicyWithoutFactor_enrollEmail_SUCCESS() {
        AuthnClient.Person p = authn.person();
        String policy = authn.requireFactorFor(p.id());
        try {
            JsonNode enroll = tx(authn.primary(p.login(), PASSWORD), "MFA_ENROLL", p);
            String state = enroll.get("stateToken").asText();
            JsonNode email = entry(enroll.at("/_embedded/factors"), "email");
            assertThat(entry(enroll.at("/_embedded/factors"), "token:software:totp").get("enrollment").asText()).isEqualTo("OPTIONAL");
            assertThat(email.get("enrollment").asText()).isEqualTo("OPTIONAL");
            int before = mail.messagesTo(p.login()).size();
            JsonNode activate = tx(authn.post(AUTHN + "/factors", "{\"stateToken\":\"" + state
                    + "\",\"factorType\":\"email\",\"provider\":\"OKTA\",\"profile\":{\"email\":" + str(p.login()) + "}}"), "MFA_ENROLL_ACTIVATE", p);
            assertThat(activate.get("factorResult").asText()).isEqualTo("WAITING");
            String fid = activate.at("/_embedded/factor/id").asText();
            assertThat(activate.at("/_embedded/factor/factorType").asText()).isEqualTo("email");
            assertLink(activate.at("/_links/next"), "activate", AUTHN + "/factors/" + fid + "/lifecycle/activate");
            assertLink(activate.at("/_links/prev"), null, AUTHN + "/previous");
            assertThat(activate.at("/_links/resend").isArray()).isTrue();
            assertLink(activate.at("/_links/resend/0"), "email", AUTHN + "/factors/" + fid + "/lifecycle/resend");
            String code = TestMail.code(mail.awaitMessages(p.login(), before + 1).get(before));
            assertOktaError(authn.post(AUTHN + "/factors/" + fid + "/lifecycle/resend", stateBody(state)), 429, "E0000118");
            assertOktaError(authn.post(AUTHN + "/factors/" + fid + "/lifecycle/activate", "{\"stateToken\":\"" + state
                    + "\",\"passCode\":\"" + wrong(code) + "\"}"), 403, "E0000068");
            assertSuccess(authn.post(AUTHN + "/factors/" + fid + "/lifecycle/activate", "{\"stateToken\":\"" + state
                    + "\",\"passCode\":\"" + code + "\"}"), p);
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    @Test
    void mfaRequired_totpThenEmailNowRequired_MFA_ENROLL() {
        AuthnClient.Person p = authn.person();
        AuthnClient.Factor f = authn.totp(p);
        Enrollment policy = enrollmentPolicy(p, Map.of("google_otp", "OPTIONAL", "okta_email", "REQUIRED"));
        try {
            JsonNode first = tx(authn.primary(p.login(), PASSWORD), "MFA_REQUIRED", p);
            String state = first.get("stateToken").asText();
            assertThat(first.at("/_embedded/factors/0/id").asText()).isEqualTo(f.id());
            assertOktaError(authn.post(AUTHN + "/factors", "{\"stateToken\":\"" + state + "\",\"factorType\":\"email\",\"provider\":\"OKTA\"}"),
                    403, "E0000079");
            JsonNode enroll = tx(verify(AUTHN + "/factors/" + f.id() + "/verify", state, authn.code(f.seed())), "MFA_ENROLL", p);
            assertThat(enroll.get("stateToken").asText()).isEqualTo(state);
            JsonNode factors = enroll.at("/_embedded/factors");
            assertThat(entry(factors, "email").get("enrollment").asText()).isEqualTo("REQUIRED");
            assertThat(factors.findValuesAsText("factorType")).as("TOTP is enrolled already").doesNotContain("token:software:totp");
            int before = mail.messagesTo(p.login()).size();
            JsonNode activate = tx(authn.post(AUTHN + "/factors", "{\"stateToken\":\"" + state + "\",\"factorType\":\"email\",\"provider\":\"OKTA\"}"),
                    "MFA_ENROLL_ACTIVATE", p);
            String fid = activate.at("/_embedded/factor/id").asText();
            String code = TestMail.code(mail.awaitMessages(p.login(), before + 1).get(before));
            assertSuccess(authn.post(AUTHN + "/factors/" + fid + "/lifecycle/activate", "{\"stateToken\":\"" + state
                    + "\",\"passCode\":\"" + code + "\"}"), p);
        } finally {
            policy.close();
        }
    }

    // ---- PASSWORD_EXPIRED -------------------------------------------------------------------------------------------

    @Test
    void passwordExpired_wrongOld_weakNew_verify_thenChange_SUCCESS() {
        AuthnClient.Person p = authn.person();
        ok(admin.post("/api/v1/users/" + p.id() + "/lifecycle/expire_password", null));
        JsonNode expired = tx(authn.primary(p.login(), PASSWORD), "PASSWORD_EXPIRED", p);
        String state = expired.get("stateToken").asText();
        JsonNode complexity = expired.at("/_embedded/policy/complexity");
        assertThat(complexity.get("minLength").asInt()).isPositive();
        for (String k : List.of("minLowerCase", "minUpperCase", "minNumber", "minSymbol")) {
            assertThat(complexity.get(k).isInt()).as(k).isTrue();
        }
        assertLink(expired.at("/_links/next"), "changePassword", AUTHN + "/credentials/change_password");
        assertThat(expired.at("/_links").has("prev")).isFalse();

        Http.Response wrongOld = changePassword(state, "Wrong-Password-1", "Another-Horse-Battery-7");
        assertOktaError(wrongOld, 403, "E0000014");
        assertThat(wrongOld.json().get("errorSummary").asText()).isEqualTo("Update of credentials failed");
        assertThat(wrongOld.json().at("/errorCauses/0/errorSummary").asText()).isEqualTo("oldPassword: The credentials provided were incorrect.");

        Http.Response weak = changePassword(state, PASSWORD, "short");
        assertOktaError(weak, 403, "E0000080");
        assertThat(weak.json().get("errorCauses")).isNotEmpty();
        assertThat(weak.json().at("/errorCauses/0/errorSummary").asText()).isNotBlank();

        assertOktaError(authn.post(AUTHN + "/factors/ostNoSuchFactor00000/verify", stateBody(state)), 403, "E0000079");
        assertOktaError(authn.post(AUTHN + "/credentials/reset_password", "{\"stateToken\":\"" + state
                + "\",\"newPassword\":\"Another-Horse-Battery-7\"}"), 403, "E0000079");
        tx(state(state), "PASSWORD_EXPIRED", p);

        assertSuccess(changePassword(state, PASSWORD, "Another-Horse-Battery-7"), p);
        assertOktaError(state(state), 401, "E0000011");
        assertOktaError(changePassword(state, PASSWORD, "Third-Horse-Battery-5"), 401, "E0000011");
        assertSuccess(authn.primary(p.login(), "Another-Horse-Battery-7"), p);
        assertOktaError(authn.primary(p.login(), PASSWORD), 401, "E0000004");
    }

    /**
     * Okta: "Users are challenged for MFA (MFA_REQUIRED) before PASSWORD_EXPIRED if they have an active Factor
     * enrollment": the expired password alone never chooses the new one (review of this class's first version).
     */
    @Test
    void passwordExpiredWithAFactor_MFA_REQUIRED_first_verify_PASSWORD_EXPIRED_change_SUCCESS_withOtp() {
        AuthnClient.Person p = authn.person();
        AuthnClient.Factor totp = authn.totp(p);
        ok(admin.post("/api/v1/users/" + p.id() + "/lifecycle/expire_password", null));
        JsonNode required = tx(authn.primary(p.login(), PASSWORD), "MFA_REQUIRED", p);
        String state = required.get("stateToken").asText();
        assertThat(required.at("/_embedded/factors/0/id").asText()).isEqualTo(totp.id());
        assertOktaError(changePassword(state, PASSWORD, "Another-Horse-Battery-7"), 403, "E0000079");
        assertOktaError(verify(AUTHN + "/factors/" + totp.id() + "/verify", state, wrong(authn.code(totp.seed()))), 403, "E0000068");
        JsonNode expired = tx(verify(AUTHN + "/factors/" + totp.id() + "/verify", state, authn.code(totp.seed())), "PASSWORD_EXPIRED", p);
        assertLink(expired.at("/_links/next"), "changePassword", AUTHN + "/credentials/change_password");
        Http.Response done = changePassword(state, PASSWORD, "Another-Horse-Battery-7");
        assertSuccess(done, p);
        assertSuccess(authn.primary(p.login(), "Another-Horse-Battery-7"), p);
    }

    // ---- cancel -----------------------------------------------------------------------------------------------------

    @Test
    void any_cancel_200_thenE0000011() {
        Mfa m = mfaRequired();
        try {
            Http.Response r = authn.post(AUTHN + "/cancel", stateBody(m.state));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().has("stateToken")).isFalse();
            assertThat(r.json().has("sessionToken")).isFalse();
            assertOktaError(state(m.state), 401, "E0000011");
            assertOktaError(verify(m.verify, m.state, authn.code(m.factor.seed())), 401, "E0000011");
            assertOktaError(authn.post(AUTHN + "/cancel", stateBody(m.state)), 401, "E0000011");
        } finally {
            authn.deactivatePolicy(m.policy);
        }
        // From PASSWORD_EXPIRED too.
        AuthnClient.Person p = authn.person();
        ok(admin.post("/api/v1/users/" + p.id() + "/lifecycle/expire_password", null));
        String state = tx(authn.primary(p.login(), PASSWORD), "PASSWORD_EXPIRED", p).get("stateToken").asText();
        assertThat(authn.post(AUTHN + "/cancel", stateBody(state)).status()).isEqualTo(200);
        assertOktaError(changePassword(state, PASSWORD, "Another-Horse-Battery-7"), 401, "E0000011");
    }

    // ---- recovery ---------------------------------------------------------------------------------------------------

    @Test
    void recovery_knownAndUnknownAlike_token_PASSWORD_RESET_weak_good_SUCCESS_tokenUsed() {
        AuthnClient.Person p = authn.person();
        String unknown = "nobody-" + System.nanoTime() + "@example.com";
        Http.Response known = forgot(p.login());
        Http.Response nobody = forgot(unknown);
        for (Http.Response r : List.of(known, nobody)) {
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode j = r.json();
            assertThat(j.get("status").asText()).isEqualTo("RECOVERY_CHALLENGE");
            assertThat(j.get("factorResult").asText()).isEqualTo("WAITING");
            assertThat(j.get("factorType").asText()).isEqualTo("EMAIL");
            assertThat(j.get("recoveryType").asText()).isEqualTo("PASSWORD");
            assertThat(j.has("stateToken")).isFalse();
            assertThat(j.has("_links")).isFalse();
        }
        assertThat(nobody.body()).isEqualTo(known.body());
        String token = resetToken(p);
        assertThat(mail.messagesTo(unknown)).as("no email for an unknown username").isEmpty();

        JsonNode reset = tx(authn.post(AUTHN + "/recovery/token", "{\"recoveryToken\":" + str(token) + "}"), "PASSWORD_RESET", p);
        String state = reset.get("stateToken").asText();
        assertThat(reset.get("recoveryType").asText()).isEqualTo("PASSWORD");
        assertThat(reset.at("/_embedded/policy/complexity/minLength").asInt()).isPositive();
        assertLink(reset.at("/_links/next"), "resetPassword", AUTHN + "/credentials/reset_password");
        assertOktaError(changePassword(state, PASSWORD, "Another-Horse-Battery-7"), 403, "E0000079");

        Http.Response weak = resetPassword(state, "short");
        assertOktaError(weak, 403, "E0000080");
        assertThat(weak.json().get("errorCauses")).isNotEmpty();
        tx(state(state), "PASSWORD_RESET", p);

        Http.Response ok = resetPassword(state, "Reset-Horse-Battery-3");
        assertSuccess(ok, p);
        assertThat(exchange(ok.json().get("sessionToken").asText()).has("id_token")).isTrue();
        assertOktaError(state(state), 401, "E0000011");
        assertOktaError(authn.post(AUTHN + "/recovery/token", "{\"recoveryToken\":" + str(token) + "}"), 401, "E0000011");
        assertOktaError(authn.post(AUTHN + "/recovery/token", "{\"recoveryToken\":\"nonsense\"}"), 401, "E0000011");
        assertSuccess(authn.primary(p.login(), "Reset-Horse-Battery-3"), p);
    }

    @Test
    void recovery_personWithTotp_MFA_REQUIRED_totpOnly_verify_PASSWORD_RESET() {
        AuthnClient.Person p = authn.person();
        AuthnClient.Factor totp = authn.totp(p);
        String emailFactor = emailFactor(p);
        String token = requestReset(p);
        JsonNode required = tx(authn.post(AUTHN + "/recovery/token", "{\"recoveryToken\":" + str(token) + "}"), "MFA_REQUIRED", p);
        String state = required.get("stateToken").asText();
        JsonNode factors = required.at("/_embedded/factors");
        assertThat(factors.size()).as(factors.toString()).isEqualTo(1);
        assertThat(factors.get(0).get("id").asText()).isEqualTo(totp.id());
        assertOktaError(resetPassword(state, "Reset-Horse-Battery-3"), 403, "E0000079");
        Http.Response byEmail = authn.post(AUTHN + "/factors/" + emailFactor + "/verify", stateBody(state));
        assertOktaError(byEmail, 404, "E0000007");
        assertOktaError(verify(AUTHN + "/factors/" + totp.id() + "/verify", state, wrong(authn.code(totp.seed()))), 403, "E0000068");

        JsonNode reset = tx(verify(AUTHN + "/factors/" + totp.id() + "/verify", state, authn.code(totp.seed())), "PASSWORD_RESET", p);
        assertThat(reset.get("stateToken").asText()).isEqualTo(state);
        assertLink(reset.at("/_links/next"), "resetPassword", AUTHN + "/credentials/reset_password");
        assertSuccess(resetPassword(state, "Reset-Horse-Battery-3"), p);
    }

    /** Okta's trusted application: with an API token, recovery/password answers RECOVERY with the token, and sends nothing. */
    @Test
    void recovery_trustedApp_RECOVERY_withToken_noEmail_unknown403() {
        AuthnClient.Person p = authn.person();
        String body = "{\"username\":" + str(p.login()) + ",\"factorType\":\"EMAIL\",\"relayState\":\"/after\"}";
        Http.Response r = server.http().send("POST", AUTHN + "/recovery/password", body, "Content-Type", "application/json",
                "Authorization", "SSWS " + TestServer.API_TOKEN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("status").asText()).isEqualTo("RECOVERY");
        assertThat(j.get("recoveryType").asText()).isEqualTo("PASSWORD");
        assertThat(j.get("relayState").asText()).isEqualTo("/after");
        assertThat(j.has("stateToken")).isFalse();
        assertLink(j.at("/_links/next"), "recovery", AUTHN + "/recovery/token");
        String token = j.get("recoveryToken").asText();
        JsonNode reset = tx(authn.post(AUTHN + "/recovery/token", "{\"recoveryToken\":" + str(token) + "}"), "PASSWORD_RESET", p);
        assertSuccess(resetPassword(reset.get("stateToken").asText(), "Trusted-Horse-Battery-4"), p);
        assertThat(mail.messagesTo(p.login())).as("a trusted app delivers the token itself").isEmpty();

        Http.Response unknown = server.http().send("POST", AUTHN + "/recovery/password", "{\"username\":\"nobody-" + System.nanoTime()
                + "@example.com\"}", "Content-Type", "application/json", "Authorization", "SSWS " + TestServer.API_TOKEN);
        assertOktaError(unknown, 403, "E0000095");
        Http.Response badToken = server.http().send("POST", AUTHN + "/recovery/password", body, "Content-Type", "application/json",
                "Authorization", "SSWS not-a-token-0123456789");
        assertOktaError(badToken, 401, "E0000011");
        Http.Response fromBrowser = server.http().send("POST", AUTHN + "/recovery/password", body, "Content-Type", "application/json",
                "Authorization", "SSWS " + TestServer.API_TOKEN, "Origin", "https://evil.example");
        assertOktaError(fromBrowser, 403, "E0000006");
    }

    /** The reset link came by email, so an email code cannot be the other factor for it, even a live one. */
    @Test
    void recoveryMfaRequired_verifyEmailFactorWithALiveCode_404() {
        AuthnClient.Person p = authn.person();
        AuthnClient.Factor totp = authn.totp(p);
        String emailFactor = emailFactor(p);
        String policy = authn.requireFactorFor(p.id());
        try {
            // A live email code: a sign-in's challenge (say, the person's own, left unfinished).
            server.clock.advance(Duration.ofSeconds(6));
            String signIn = tx(authn.primary(p.login(), PASSWORD), "MFA_REQUIRED", p).get("stateToken").asText();
            int before = mail.messagesTo(p.login()).size();
            tx(authn.post(AUTHN + "/factors/" + emailFactor + "/verify", stateBody(signIn)), "MFA_CHALLENGE", p);
            String code = TestMail.code(mail.awaitMessages(p.login(), before + 1).get(before));

            String token = requestReset(p);
            String state = tx(authn.post(AUTHN + "/recovery/token", "{\"recoveryToken\":" + str(token) + "}"), "MFA_REQUIRED", p)
                    .get("stateToken").asText();
            Http.Response r = verify(AUTHN + "/factors/" + emailFactor + "/verify", state, code);
            assertOktaError(r, 404, "E0000007");
            tx(state(state), "MFA_REQUIRED", p);
            assertOktaError(resetPassword(state, "Reset-Horse-Battery-3"), 403, "E0000079");
            assertThat(totp.id()).isNotBlank();
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    // ---- expiry -----------------------------------------------------------------------------------------------------

    @Test
    void any_fiveMinutesLater_E0000011() {
        Mfa m = mfaRequired();
        try {
            Instant expires = Instant.parse(m.first.get("expiresAt").asText());
            assertThat(expires).isEqualTo(server.clock.instant().plus(Authn.LIFETIME).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
            server.clock.advance(Duration.ofMinutes(5).minusSeconds(1));
            tx(state(m.state), "MFA_REQUIRED", m.p);
            server.clock.advance(Duration.ofSeconds(2));
            assertOktaError(state(m.state), 401, "E0000011");
            assertOktaError(verify(m.verify, m.state, authn.code(m.factor.seed())), 401, "E0000011");
        } finally {
            authn.deactivatePolicy(m.policy);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    /** A person with a TOTP factor, a policy requiring it, and the MFA_REQUIRED answer to their password. */
    record Mfa(AuthnClient.Person p, AuthnClient.Factor factor, String policy, JsonNode first, String state, String verify) {
    }

    static Mfa mfaRequired() {
        AuthnClient.Person p = authn.person();
        AuthnClient.Factor f = authn.totp(p);
        String policy = authn.requireFactorFor(p.id());
        JsonNode first = tx(authn.primary(p.login(), PASSWORD), "MFA_REQUIRED", p);
        String verify = URI.create(first.at("/_embedded/factors/0/_links/verify/href").asText()).getPath();
        return new Mfa(p, f, policy, first, first.get("stateToken").asText(), verify);
    }

    /** A waiting transaction: 200, the status, a stateToken, expiresAt 5 minutes on, the user, and cancel. */
    static JsonNode tx(Http.Response r, String status, AuthnClient.Person p) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("status").asText()).as(r.body()).isEqualTo(status);
        assertThat(j.get("stateToken").asText()).matches("00[A-Za-z0-9]{40}");
        Instant expires = Instant.parse(j.get("expiresAt").asText());
        assertThat(expires).isAfter(server.clock.instant()).isBeforeOrEqualTo(server.clock.instant().plus(Authn.LIFETIME));
        assertThat(j.at("/_embedded/user/id").asText()).isEqualTo(p.id());
        assertThat(j.at("/_embedded/user/profile/login").asText()).isEqualTo(p.login());
        assertThat(j.has("sessionToken")).isFalse();
        assertLink(j.at("/_links/cancel"), null, AUTHN + "/cancel");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        return j;
    }

    static void assertSuccess(Http.Response r, AuthnClient.Person p) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("status").asText()).as(r.body()).isEqualTo("SUCCESS");
        assertThat(j.has("stateToken")).isFalse();
        assertThat(j.get("sessionToken").asText()).isNotBlank();
        assertThat(j.get("expiresAt").isTextual()).isTrue();
        assertThat(j.at("/_embedded/user/id").asText()).isEqualTo(p.id());
        assertThat(j.at("/_embedded").has("factors")).isFalse();
    }

    /** A link as okta-auth-js needs it: href on this server, hints.allow exactly ["POST"], and the name when given. */
    static void assertLink(JsonNode link, String name, String path) {
        assertThat(link.isMissingNode()).as("link to " + path).isFalse();
        assertThat(link.get("href").asText()).isEqualTo(server.url() + path);
        assertThat(link.at("/hints/allow").toString()).isEqualTo("[\"POST\"]");
        if (name != null) {
            assertThat(link.get("name").asText()).isEqualTo(name);
        }
    }

    static JsonNode entry(JsonNode factors, String factorType) {
        for (JsonNode f : factors) {
            if (f.get("factorType").asText().equals(factorType)) {
                return f;
            }
        }
        throw new AssertionError("no " + factorType + " in " + factors);
    }

    static String challengeNext(JsonNode challenge) {
        return URI.create(challenge.at("/_links/next/href").asText()).getPath();
    }

    static Http.Response state(String stateToken) {
        return authn.post(AUTHN, stateBody(stateToken));
    }

    static String stateBody(String stateToken) {
        return "{\"stateToken\":" + str(stateToken) + "}";
    }

    static Http.Response verify(String path, String stateToken, String passCode) {
        return authn.post(path, "{\"stateToken\":" + str(stateToken) + ",\"passCode\":" + str(passCode) + "}");
    }

    static Http.Response changePassword(String stateToken, String oldPassword, String newPassword) {
        return authn.post(AUTHN + "/credentials/change_password", "{\"stateToken\":" + str(stateToken) + ",\"oldPassword\":" + str(oldPassword)
                + ",\"newPassword\":" + str(newPassword) + "}");
    }

    static Http.Response resetPassword(String stateToken, String newPassword) {
        return authn.post(AUTHN + "/credentials/reset_password", "{\"stateToken\":" + str(stateToken) + ",\"newPassword\":" + str(newPassword) + "}");
    }

    static Http.Response forgot(String username) {
        return authn.post(AUTHN + "/recovery/password", "{\"username\":" + str(username) + ",\"factorType\":\"EMAIL\"}");
    }

    /** Forgot password for the person; the reset link's token from the email. */
    static String requestReset(AuthnClient.Person p) {
        assertThat(forgot(p.login()).status()).isEqualTo(200);
        return resetToken(p);
    }

    static String resetToken(AuthnClient.Person p) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (var m : mail.messagesTo(p.login())) {
                Matcher x = RESET.matcher(TestMail.text(m));
                if (x.find()) {
                    return x.group(1);
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no reset link to " + p.login());
    }

    /** An ACTIVE email factor (the address of the profile) for the person; its id. */
    static String emailFactor(AuthnClient.Person p) {
        JsonNode f = ok(admin.post("/api/v1/users/" + p.id() + "/factors?activate=true", "{\"factorType\":\"email\",\"provider\":\"OKTA\"}"));
        assertThat(f.get("status").asText()).isEqualTo("ACTIVE");
        return f.get("id").asText();
    }

    /** A six-digit code that is not {@code code}. */
    static String wrong(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    /** An MFA_ENROLL policy for a group holding only this person, at priority 1, with these authenticator levels. */
    record Enrollment(String policyId) implements AutoCloseable {
        @Override
        public void close() {
            ok(admin.post("/api/v1/policies/" + policyId + "/lifecycle/deactivate", null));
        }
    }

    static Enrollment enrollmentPolicy(AuthnClient.Person p, Map<String, String> levels) {
        String group = ok(admin.post("/api/v1/groups", "{\"profile\":{\"name\":\"Authn states " + System.nanoTime() + "\"}}")).get("id").asText();
        ok(admin.put("/api/v1/groups/" + group + "/users/" + p.id(), null));
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "MFA_ENROLL").put("name", "Authn states " + System.nanoTime()).put("priority", 1);
        body.putObject("conditions").putObject("people").putObject("groups").putArray("include").add(group);
        ObjectNode settings = body.putObject("settings").put("type", "AUTHENTICATORS");
        ArrayNode list = settings.putArray("authenticators");
        list.addObject().put("key", "okta_password").putObject("enroll").put("self", "REQUIRED");
        levels.forEach((k, v) -> list.addObject().put("key", k).putObject("enroll").put("self", v));
        return new Enrollment(ok(admin.post("/api/v1/policies", body.toString())).get("id").asText());
    }

    /** The default MFA_ENROLL policy with {@code key} at {@code level}, the others as they are. */
    static void defaultEnrollment(String key, String level) {
        for (JsonNode p : ok(admin.get("/api/v1/policies?type=MFA_ENROLL"))) {
            if (p.get("system").asBoolean()) {
                ObjectNode body = JSON.createObjectNode();
                body.put("type", "MFA_ENROLL").put("name", p.get("name").asText());
                ArrayNode list = body.putObject("settings").put("type", "AUTHENTICATORS").putArray("authenticators");
                boolean found = false;
                for (JsonNode a : p.at("/settings/authenticators")) {
                    String k = a.get("key").asText();
                    found |= k.equals(key);
                    list.addObject().put("key", k).putObject("enroll").put("self", k.equals(key) ? level : a.at("/enroll/self").asText());
                }
                if (!found) {
                    list.addObject().put("key", key).putObject("enroll").put("self", level);
                }
                ok(admin.put("/api/v1/policies/" + p.get("id").asText(), body.toString()));
            }
        }
    }

    static java.net.http.HttpResponse<byte[]> fetchBytes(String url) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The sessionToken at /authorize (prompt=none) in a new browser, then the code at /token: the tokens. */
    static JsonNode exchange(String sessionToken) {
        Browser b = server.browser();
        String verifier = randomVerifier();
        Http.Response r = b.get(spa.base() + "/authorize?client_id=" + enc(spa.clientId()) + "&redirect_uri=" + enc(REDIRECT_URI)
                + "&response_type=code&scope=openid&state=s1&nonce=" + freshNonce() + "&code_challenge=" + challenge(verifier)
                + "&code_challenge_method=S256&prompt=none&sessionToken=" + enc(sessionToken));
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        Map<String, String> q = query(URI.create(r.header("Location")).getRawQuery());
        assertThat(q).as(r.header("Location")).containsKey("code");
        Http.Response t = spa.form("/token", "grant_type", "authorization_code", "client_id", spa.clientId(), "redirect_uri", REDIRECT_URI,
                "code", q.get("code"), "code_verifier", verifier);
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        return t.json();
    }
}
