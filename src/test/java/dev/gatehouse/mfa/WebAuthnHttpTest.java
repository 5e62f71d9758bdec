package dev.gatehouse.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Http;
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
import java.util.List;

import static dev.gatehouse.mfa.SoftAuthenticator.UP;
import static dev.gatehouse.mfa.SoftAuthenticator.UV;
import static dev.gatehouse.mfa.SoftAuthenticator.b64;
import static dev.gatehouse.support.ApiClient.ok;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebAuthn through Okta's Factors API (docs/okta/multifactor.md §3.5) with a software authenticator: enroll, activate
 * with an attestation, verify in two calls; and each refusal (another origin, another RP id, a used or expired
 * challenge, a counter going back, a wrong signature, user verification required but absent, the authenticator
 * inactive), each changing nothing. Lockout counting is shared with TOTP. On H2 and PostgreSQL, lockout after 3 failures.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class WebAuthnHttpTest {

    static final String WEBAUTHN = "{\"factorType\":\"webauthn\",\"provider\":\"FIDO\"}";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static MfaClient api;
    static String origin;
    static String rpId;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database, "--lockout-attempts", "3");
        api = new MfaClient(server);
        origin = server.url();
        rpId = "127.0.0.1";
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @BeforeEach
    void webAuthnIsActiveWithUserVerificationPreferred() {
        setStatus("ACTIVE");
        setUserVerification("PREFERRED");
    }

    /** An enrolled and activated factor of a user, with the authenticator that holds its key. */
    record Enrolled(String userId, String factorId, SoftAuthenticator authenticator) {
    }

    @Test
    void enrollActivateAndVerifyAsOkta() {
        String user = api.newUser();
        JsonNode e = ok(api.post(MfaClient.factors(user), WEBAUTHN));
        assertThat(e.get("id").asText()).startsWith("fwf").hasSize(20);
        assertThat(e.get("factorType").asText()).isEqualTo("webauthn");
        assertThat(e.get("provider").asText()).isEqualTo("FIDO");
        assertThat(e.get("vendorName").asText()).isEqualTo("FIDO");
        assertThat(e.get("status").asText()).isEqualTo("PENDING_ACTIVATION");
        assertThat(e.at("/_links/activate/href").asText()).endsWith("/factors/" + e.get("id").asText() + "/lifecycle/activate");
        JsonNode a = e.at("/_embedded/activation");
        assertThat(a.get("attestation").asText()).isEqualTo("none");
        assertThat(a.at("/authenticatorSelection/userVerification").asText()).isEqualTo("preferred");
        assertThat(a.get("challenge").asText()).matches("[A-Za-z0-9_-]{43}");
        assertThat(a.get("excludeCredentials").size()).isZero();
        assertThat(a.at("/pubKeyCredParams/0/alg").asInt()).isEqualTo(-7);
        assertThat(a.at("/rp/id").asText()).isEqualTo(rpId);
        assertThat(a.at("/user/id").asText()).isEqualTo(user);
        assertThat(a.at("/user/name").asText()).startsWith("mfa-");

        SoftAuthenticator key = new SoftAuthenticator(false);
        SoftAuthenticator.Response r = key.register(a.get("challenge").asText(), origin, rpId, UP | UV, true);
        long activations = api.events("user.mfa.factor.activate");
        // Okta's clients send standard base64 (+/=): accepted as base64url is.
        JsonNode active = ok(activate(user, e.get("id").asText(), b64(r.attestation()), b64(r.clientData())));
        assertThat(active.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(active.at("/profile/credentialId").asText()).isEqualTo(key.credentialIdB64u());
        assertThat(active.at("/profile/authenticatorName").asText()).isEqualTo("Security Key or Biometric");
        assertThat(active.at("/_links/verify/href").asText()).endsWith("/verify");
        assertThat(api.events("user.mfa.factor.activate")).isEqualTo(activations + 1);

        JsonNode listed = ok(api.get(MfaClient.factors(user)));
        assertThat(listed.size()).isEqualTo(1);
        assertThat(listed.get(0).get("factorType").asText()).isEqualTo("webauthn");
        assertThat(listed.get(0).at("/profile/credentialId").asText()).isEqualTo(key.credentialIdB64u());

        Enrolled en = new Enrolled(user, e.get("id").asText(), key);
        long mfa = api.events("user.authentication.auth_via_mfa");
        JsonNode challenge = ok(challenge(en));
        assertThat(challenge.get("factorResult").asText()).isEqualTo("CHALLENGE");
        assertThat(challenge.at("/_links/factor/href").asText()).endsWith("/factors/" + en.factorId());
        assertThat(challenge.at("/profile/credentialId").asText()).isEqualTo(key.credentialIdB64u());
        assertThat(challenge.at("/_links/verify/href").asText()).endsWith("/factors/" + en.factorId() + "/verify");
        SoftAuthenticator.Response s = key.assertion(challenge.at("/_embedded/challenge/challenge").asText(), origin, rpId, UP | UV, 1, null);
        JsonNode success = ok(verify(en, s));
        assertThat(success.get("factorResult").asText()).isEqualTo("SUCCESS");
        assertThat(success.at("/profile/credentialId").asText()).isEqualTo(key.credentialIdB64u());
        assertThat(api.events("user.authentication.auth_via_mfa")).isEqualTo(mfa + 1);

        // A second credential: the first is excluded; both are listed; the catalog shows webauthn as set up.
        JsonNode second = ok(api.post(MfaClient.factors(user), WEBAUTHN));
        assertThat(second.at("/_embedded/activation/excludeCredentials/0/id").asText()).isEqualTo(key.credentialIdB64u());
        assertThat(ok(api.get(MfaClient.factors(user) + "/catalog")).toString()).contains("\"factorType\":\"webauthn\"")
                .contains("\"status\":\"ACTIVE\"");
        // DELETE and reset_factors reach webauthn factors.
        assertThat(api.delete(MfaClient.factors(user) + "/" + en.factorId()).status()).isEqualTo(204);
        assertThat(api.get(MfaClient.factors(user) + "/" + en.factorId()).status()).isEqualTo(404);
        ok(api.post("/api/v1/users/" + user + "/lifecycle/reset_factors", null));
        assertThat(ok(api.get(MfaClient.factors(user))).size()).isZero();
    }

    @Test
    void registrationFromAnotherOriginOrForAnotherRpIdIsRefusedAndTheChallengeIsUsedUp() {
        String user = api.newUser();
        JsonNode e = ok(api.post(MfaClient.factors(user), WEBAUTHN));
        String factorId = e.get("id").asText();
        String challenge = e.at("/_embedded/activation/challenge").asText();
        SoftAuthenticator key = new SoftAuthenticator(false);
        SoftAuthenticator.Response other = key.register(challenge, "https://evil.example", rpId, UP | UV, false);
        assertOktaError(activate(user, factorId, other.attestation(), other.clientData()), 403, "E0000068");
        // The challenge went with that attempt: the right response now finds none.
        SoftAuthenticator.Response right = key.register(challenge, origin, rpId, UP | UV, false);
        assertOktaError(activate(user, factorId, right.attestation(), right.clientData()), 403, "E0000068");
        assertThat(factorStatus(user, factorId)).isEqualTo("PENDING_ACTIVATION");

        JsonNode again = ok(api.post(MfaClient.factors(user), WEBAUTHN));
        SoftAuthenticator.Response wrongRp = key.register(again.at("/_embedded/activation/challenge").asText(), origin, "evil.example", UP | UV, false);
        assertOktaError(activate(user, again.get("id").asText(), wrongRp.attestation(), wrongRp.clientData()), 403, "E0000068");
        assertThat(factorStatus(user, again.get("id").asText())).isEqualTo("PENDING_ACTIVATION");
        // The earlier pending enrollment was replaced by the new one.
        assertThat(api.get(MfaClient.factors(user) + "/" + factorId).status()).isEqualTo(404);
        // Garbage is refused as a bad attestation, never a 500.
        JsonNode third = ok(api.post(MfaClient.factors(user), WEBAUTHN));
        assertOktaError(activate(user, third.get("id").asText(), "not*base64", "%%%"), 403, "E0000068");
        assertOktaError(activate(user, third.get("id").asText(), "AAAA", SoftAuthenticator.b64u("{}".getBytes())), 403, "E0000068");
    }

    @Test
    void userVerificationRequiredButAbsentIsRefusedWithE0000158() {
        setUserVerification("REQUIRED");
        String user = api.newUser();
        JsonNode e = ok(api.post(MfaClient.factors(user), WEBAUTHN));
        assertThat(e.at("/_embedded/activation/authenticatorSelection/userVerification").asText()).isEqualTo("required");
        SoftAuthenticator key = new SoftAuthenticator(false);
        SoftAuthenticator.Response r = key.register(e.at("/_embedded/activation/challenge").asText(), origin, rpId, UP, false);
        Http.Response refused = activate(user, e.get("id").asText(), r.attestation(), r.clientData());
        assertOktaError(refused, 400, "E0000158");
        assertThat(refused.json().get("errorSummary").asText()).isEqualTo("Invalid Enrollment. User verification required.");
        assertThat(factorStatus(user, e.get("id").asText())).isEqualTo("PENDING_ACTIVATION");

        // With UV at enrollment, then an assertion without it while REQUIRED: refused.
        Enrolled en = enrolled(new SoftAuthenticator(false), UP | UV);
        String c = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        assertOktaError(verify(en, en.authenticator().assertion(c, origin, rpId, UP, 1, null)), 403, "E0000068");
        String c2 = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        assertThat(ok(verify(en, en.authenticator().assertion(c2, origin, rpId, UP | UV, 1, null))).get("factorResult").asText())
                .isEqualTo("SUCCESS");
    }

    @Test
    void aReplayedChallengeIsRefused() {
        Enrolled en = enrolled(new SoftAuthenticator(false), UP | UV);
        String c = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        SoftAuthenticator.Response s = en.authenticator().assertion(c, origin, rpId, UP | UV, 1, null);
        assertThat(ok(verify(en, s)).get("factorResult").asText()).isEqualTo("SUCCESS");
        assertOktaError(verify(en, s), 403, "E0000068");
        // Even with a higher counter, the used challenge stays used.
        assertOktaError(verify(en, en.authenticator().assertion(c, origin, rpId, UP | UV, 2, null)), 403, "E0000068");
    }

    @Test
    void twoRacingUsesOfOneResponseSucceedOnce() throws Exception {
        Enrolled en = enrolled(new SoftAuthenticator(false), UP | UV);
        String c = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        SoftAuthenticator.Response s = en.authenticator().assertion(c, origin, rpId, UP | UV, 1, null);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> verify(en, s).status()));
            }
            List<Integer> statuses = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Integer> f : results) {
                statuses.add(f.get());
            }
            assertThat(statuses).containsExactlyInAnyOrder(200, 403, 403, 403);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void anExpiredChallengeIsRefused() {
        Enrolled en = enrolled(new SoftAuthenticator(false), UP | UV);
        String c = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        server.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertOktaError(verify(en, en.authenticator().assertion(c, origin, rpId, UP | UV, 1, null)), 403, "E0000068");
    }

    @Test
    void aCounterGoingBackIsRefusedAndCounted() {
        Enrolled en = enrolled(new SoftAuthenticator(false), UP | UV);
        String c = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        ok(verify(en, en.authenticator().assertion(c, origin, rpId, UP | UV, 5, null)));
        String c2 = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        assertOktaError(verify(en, en.authenticator().assertion(c2, origin, rpId, UP | UV, 5, null)), 403, "E0000068");
        String c3 = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        assertOktaError(verify(en, en.authenticator().assertion(c3, origin, rpId, UP | UV, 3, null)), 403, "E0000068");
        String c4 = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        ok(verify(en, en.authenticator().assertion(c4, origin, rpId, UP | UV, 6, null)));
    }

    @Test
    void aWrongSignatureAnotherOriginOrRpIdIsRefused() {
        Enrolled en = enrolled(new SoftAuthenticator(false), UP | UV);
        String c = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        assertOktaError(verify(en, en.authenticator().assertion(c, origin, rpId, UP | UV, 1, SoftAuthenticator.otherKey())), 403, "E0000068");
        String c2 = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        assertOktaError(verify(en, en.authenticator().assertion(c2, "https://evil.example", rpId, UP | UV, 1, null)), 403, "E0000068");
        String c3 = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        assertOktaError(verify(en, en.authenticator().assertion(c3, origin, "evil.example", UP | UV, 1, null)), 403, "E0000068");
        assertThat(userStatus(en.userId())).isEqualTo("LOCKED_OUT");
    }

    @Test
    void failuresCountTowardTheLockoutTogetherWithWrongTotpCodes() {
        api.googleOtpActive();
        Enrolled en = enrolled(new SoftAuthenticator(false), UP | UV);
        JsonNode totp = ok(api.post(MfaClient.factors(en.userId()), MfaClient.TOTP));
        MfaClient.Enrolled t = new MfaClient.Enrolled(en.userId(), totp.get("id").asText(),
                Totp.fromBase32(totp.at("/_embedded/activation/sharedSecret").asText()), totp);
        ok(api.activate(t, api.code(t, 0)));
        api.nextSteps(2);
        String wrongCode = api.code(t, 0).equals("000000") ? "111111" : "000000";
        long locks = api.events("user.account.lock");
        assertOktaError(api.verify(t, wrongCode), 403, "E0000068");
        String c = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        assertOktaError(verify(en, en.authenticator().assertion(c, origin, rpId, UP | UV, 1, SoftAuthenticator.otherKey())), 403, "E0000068");
        assertThat(userStatus(en.userId())).isEqualTo("ACTIVE");
        String c2 = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        assertOktaError(verify(en, en.authenticator().assertion(c2, origin, rpId, UP | UV, 1, SoftAuthenticator.otherKey())), 403, "E0000068");
        assertThat(userStatus(en.userId())).isEqualTo("LOCKED_OUT");
        assertThat(api.events("user.account.lock")).isEqualTo(locks + 1);
        // Locked: even the right assertion is refused before it is looked at.
        String c3 = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        Http.Response locked = verify(en, en.authenticator().assertion(c3, origin, rpId, UP | UV, 1, null));
        assertOktaError(locked, 403, "E0000069");
        ok(api.post("/api/v1/users/" + en.userId() + "/lifecycle/unlock", null));
        String c4 = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        assertThat(ok(verify(en, en.authenticator().assertion(c4, origin, rpId, UP | UV, 1, null))).get("factorResult").asText())
                .isEqualTo("SUCCESS");
    }

    @Test
    void whileTheAuthenticatorIsInactiveNothingIsEnrolledOrVerified() {
        Enrolled en = enrolled(new SoftAuthenticator(false), UP | UV);
        String c = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        setStatus("INACTIVE");
        String user = api.newUser();
        Http.Response refused = api.post(MfaClient.factors(user), WEBAUTHN);
        assertOktaError(refused, 400, "E0000001");
        assertThat(refused.json().get("errorSummary").asText()).isEqualTo("Api validation failed: factorEnrollRequest");
        assertThat(ok(api.get(MfaClient.factors(user))).size()).isZero();
        assertThat(ok(api.get(MfaClient.factors(user) + "/catalog")).toString()).doesNotContain("webauthn");
        assertOktaError(verify(en, en.authenticator().assertion(c, origin, rpId, UP | UV, 1, null)), 400, "E0000001");
        assertOktaError(challenge(en), 400, "E0000001");
        // The enrolled factor stays, and works again once the authenticator is active.
        setStatus("ACTIVE");
        String c2 = ok(challenge(en)).at("/_embedded/challenge/challenge").asText();
        ok(verify(en, en.authenticator().assertion(c2, origin, rpId, UP | UV, 1, null)));
    }

    @Test
    void theAuthenticatorAndItsMethodAsOkta() {
        JsonNode a = api.authenticator("webauthn");
        assertThat(a.get("id").asText()).isEqualTo("aut2Gatehouse0WebAtn");
        assertThat(a.get("type").asText()).isEqualTo("security_key");
        assertThat(a.get("name").asText()).isEqualTo("Security Key or Biometric");
        JsonNode m = ok(api.get(MfaClient.AUTHENTICATORS + "/" + a.get("id").asText() + "/methods/webauthn"));
        assertThat(m.get("type").asText()).isEqualTo("webauthn");
        assertThat(m.at("/settings/userVerification").asText()).isEqualTo("PREFERRED");
        assertThat(api.put(MfaClient.AUTHENTICATORS + "/" + a.get("id").asText() + "/methods/webauthn",
                "{\"settings\":{\"userVerification\":\"SOMETIMES\"}}").status()).isEqualTo(400);
        assertThat(api.get(MfaClient.AUTHENTICATORS + "/" + a.get("id").asText() + "/methods/otp").status()).isEqualTo(404);
    }

    // --- helpers ---

    private Enrolled enrolled(SoftAuthenticator key, int flags) {
        String user = api.newUser();
        JsonNode e = ok(api.post(MfaClient.factors(user), WEBAUTHN));
        SoftAuthenticator.Response r = key.register(e.at("/_embedded/activation/challenge").asText(), origin, rpId, flags, false);
        ok(activate(user, e.get("id").asText(), r.attestation(), r.clientData()));
        return new Enrolled(user, e.get("id").asText(), key);
    }

    private static Http.Response activate(String user, String factorId, String attestation, String clientData) {
        return api.post(MfaClient.factors(user) + "/" + factorId + "/lifecycle/activate",
                "{\"attestation\":\"" + attestation + "\",\"clientData\":\"" + clientData + "\"}");
    }

    private static Http.Response challenge(Enrolled en) {
        return api.post(MfaClient.factors(en.userId()) + "/" + en.factorId() + "/verify", "");
    }

    private static Http.Response verify(Enrolled en, SoftAuthenticator.Response s) {
        return api.post(MfaClient.factors(en.userId()) + "/" + en.factorId() + "/verify", "{\"clientData\":\"" + b64(s.clientData())
                + "\",\"authenticatorData\":\"" + b64(s.authenticatorData()) + "\",\"signatureData\":\"" + s.signature() + "\"}");
    }

    private static String factorStatus(String user, String factorId) {
        return ok(api.get(MfaClient.factors(user) + "/" + factorId)).get("status").asText();
    }

    private static String userStatus(String user) {
        return ok(api.get("/api/v1/users/" + user)).get("status").asText();
    }

    private static void setStatus(String status) {
        JsonNode a = api.authenticator("webauthn");
        if (!a.get("status").asText().equals(status)) {
            if (!status.equals("ACTIVE")) {
                api.enrollmentLevel("webauthn", "NOT_ALLOWED");   // Okta refuses to deactivate one an enrollment policy offers (E0000148)
            }
            ok(api.post(MfaClient.AUTHENTICATORS + "/" + a.get("id").asText() + "/lifecycle/" + (status.equals("ACTIVE") ? "activate" : "deactivate"), null));
            if (status.equals("ACTIVE")) {
                api.enrollmentLevel("webauthn", "OPTIONAL");
            }
        }
    }

    private static void setUserVerification(String uv) {
        JsonNode a = api.authenticator("webauthn");
        ok(api.put(MfaClient.AUTHENTICATORS + "/" + a.get("id").asText() + "/methods/webauthn",
                "{\"type\":\"webauthn\",\"settings\":{\"userVerification\":\"" + uv + "\",\"attachment\":\"ANY\"}}"));
    }
}
