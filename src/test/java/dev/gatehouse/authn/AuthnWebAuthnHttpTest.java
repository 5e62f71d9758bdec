package dev.gatehouse.authn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.mfa.SoftAuthenticator;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.gatehouse.authn.AuthnClient.AUTHN;
import static dev.gatehouse.authn.AuthnClient.PASSWORD;
import static dev.gatehouse.authn.AuthnClient.str;
import static dev.gatehouse.mfa.SoftAuthenticator.UP;
import static dev.gatehouse.mfa.SoftAuthenticator.UV;
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
 * Okta's {@code webauthn} factor through the Authentication API (docs/okta/authn.md §2, WebAuthn), with the test software
 * authenticator (mfa/SoftAuthenticator) at the server's own origin and RP id, as a page on it would use the browser's
 * WebAuthn calls:
 *
 * <pre>
 * state                      call                                         answer
 * MFA_REQUIRED (key)         (primary)                                    factors[webauthn/FIDO, profile.credentialId, authenticatorName]
 * MFA_REQUIRED               verify {stateToken}                          MFA_CHALLENGE, CHALLENGE, _embedded.factor._embedded.challenge
 * MFA_CHALLENGE              verify, standard base64 (padded)             SUCCESS; ID token amr hwk, mfa
 * MFA_CHALLENGE              verify, URL-safe base64                      SUCCESS
 * MFA_CHALLENGE              verify, signed by another key                403 E0000068, still MFA_CHALLENGE
 * MFA_CHALLENGE              verify, an assertion already used            403 E0000068 (another transaction) / 401 E0000011 (its own, over)
 * MFA_REQUIRED/CHALLENGE     verify over another transaction's challenge  403 E0000068 (and the Factors API's; and back)
 * MFA_ENROLL (key offered)   enroll webauthn/FIDO                         MFA_ENROLL_ACTIVATE, _embedded.factor._embedded.activation
 * MFA_ENROLL_ACTIVATE        activate {clientData, attestation}           SUCCESS; the factor ACTIVE in the Factors API; amr swk
 * (recovery link), key only  recovery/token → verify → verify             MFA_REQUIRED → MFA_CHALLENGE → PASSWORD_RESET → SUCCESS
 * </pre>
 *
 * On H2 and PostgreSQL, one server per database; people and policies are new for each row.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class AuthnWebAuthnHttpTest {

    static final String WEBAUTHN = "{\"factorType\":\"webauthn\",\"provider\":\"FIDO\"}";
    static final Pattern RESET = Pattern.compile("/reset_password/([A-Za-z0-9_-]+)");
    static final ObjectMapper JSON = new ObjectMapper();
    static final int FLAGS = UP | UV;

    @Parameter
    TestDatabase database;

    static TestMail mail;
    static TestServer server;
    static AuthnClient authn;
    static ApiClient admin;
    static OAuthFlow spa;
    static String origin;
    static String rpId;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        mail = TestMail.start();
        server = TestServer.start(database, mail, "--lockout-attempts", "5");
        authn = new AuthnClient(server);
        admin = authn.admin;
        spa = OAuthFlow.spa(server);
        origin = server.url();
        rpId = URI.create(origin).getHost();
        // The webauthn authenticator is INACTIVE on a new org (V29); the default enrollment policy offers it (OPTIONAL).
        for (JsonNode a : ok(admin.get("/api/v1/authenticators"))) {
            if (a.get("key").asText().equals("webauthn") && !a.get("status").asText().equals("ACTIVE")) {
                ok(admin.post("/api/v1/authenticators/" + a.get("id").asText() + "/lifecycle/activate", null));
            }
        }
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
        mail.close();
    }

    /** A person's active webauthn factor (enrolled through the Factors API) and the authenticator that holds its key. */
    record Key(String factorId, SoftAuthenticator authenticator) {
        String credentialId() {
            return authenticator.credentialIdB64u();
        }
    }

    // ---- row 1: MFA_REQUIRED → MFA_CHALLENGE → SUCCESS ----------------------------------------------------------------

    @Test
    void mfaRequired_listsTheKey_challenge_standardBase64_SUCCESS_amrHwkMfa_thenUrlSafe_SUCCESS() {
        AuthnClient.Person p = authn.person();
        Key key = enrolledKey(p, false);
        String policy = authn.requireFactorFor(p.id());
        try {
            JsonNode required = tx(authn.primary(p.login(), PASSWORD), "MFA_REQUIRED", p);
            String state = required.get("stateToken").asText();
            JsonNode factors = required.at("/_embedded/factors");
            assertThat(factors.size()).as(factors.toString()).isEqualTo(1);
            JsonNode listed = factors.get(0);
            assertThat(listed.get("id").asText()).isEqualTo(key.factorId());
            assertThat(listed.get("factorType").asText()).isEqualTo("webauthn");
            assertThat(listed.get("provider").asText()).isEqualTo("FIDO");
            assertThat(listed.get("vendorName").asText()).isEqualTo("FIDO");
            assertThat(listed.at("/profile/credentialId").asText()).isEqualTo(key.credentialId());
            assertThat(listed.at("/profile/authenticatorName").asText()).isEqualTo("Security Key or Biometric");
            assertLink(listed.at("/_links/verify"), null, AUTHN + "/factors/" + key.factorId() + "/verify");

            // The challenge: only the stateToken.
            JsonNode challenge = keyChallenge(state, key, p);
            String c = challenge.at("/_embedded/factor/_embedded/challenge/challenge").asText();
            SoftAuthenticator.Response signed = key.authenticator().assertion(c, origin, rpId, FLAGS, 1, null);
            // As Okta's example: standard base64 with padding.
            String clientData = std(signed.clientData());
            String authenticatorData = std(signed.authenticatorData());
            String signature = std(signed.signature());
            assertThat(clientData + authenticatorData + signature).as("the test sends the standard alphabet").containsAnyOf("=", "+", "/");
            Http.Response ok = assertion(state, key, clientData, authenticatorData, signature);
            assertSuccess(ok, p);
            JsonNode idToken = claims(exchange(ok.json().get("sessionToken").asText()).get("id_token").asText());
            assertThat(idToken.get("sub").asText()).isEqualTo(p.id());
            assertThat(strings(idToken.get("amr"))).contains("pwd", "hwk", "mfa").doesNotContain("swk");

            // Same again with URL-safe base64 (no padding), as a page using base64url would send it.
            String state2 = tx(authn.primary(p.login(), PASSWORD), "MFA_REQUIRED", p).get("stateToken").asText();
            String c2 = keyChallenge(state2, key, p).at("/_embedded/factor/_embedded/challenge/challenge").asText();
            SoftAuthenticator.Response signed2 = key.authenticator().assertion(c2, origin, rpId, FLAGS, 2, null);
            Http.Response ok2 = assertion(state2, key, signed2.clientData(), signed2.authenticatorData(), signed2.signature());
            assertSuccess(ok2, p);
            assertThat(strings(claims(exchange(ok2.json().get("sessionToken").asText()).get("id_token").asText()).get("amr")))
                    .contains("pwd", "hwk", "mfa");
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    // ---- row 2: refusals --------------------------------------------------------------------------------------------

    @Test
    void mfaChallenge_signedByAnotherKey_E0000068_staysInChallenge_thenANewChallengeVerifies() {
        AuthnClient.Person p = authn.person();
        Key key = enrolledKey(p, false);
        String policy = authn.requireFactorFor(p.id());
        try {
            String state = tx(authn.primary(p.login(), PASSWORD), "MFA_REQUIRED", p).get("stateToken").asText();
            String c = keyChallenge(state, key, p).at("/_embedded/factor/_embedded/challenge/challenge").asText();
            SoftAuthenticator.Response forged = key.authenticator().assertion(c, origin, rpId, FLAGS, 1, new SoftAuthenticator(false).keys.getPrivate());
            long failures = events("user.authentication.auth_via_mfa", "FAILURE");
            Http.Response bad = assertion(state, key, std(forged.clientData()), std(forged.authenticatorData()), std(forged.signature()));
            assertOktaError(bad, 403, "E0000068");
            assertThat(bad.json().get("errorSummary").asText()).isEqualTo("Invalid Passcode/Answer");
            assertThat(events("user.authentication.auth_via_mfa", "FAILURE")).isEqualTo(failures + 1);
            // The transaction is where it was: MFA_CHALLENGE on the key.
            JsonNode still = tx(authn.post(AUTHN, stateBody(state)), "MFA_CHALLENGE", p);
            assertThat(still.at("/_embedded/factor/id").asText()).isEqualTo(key.factorId());
            assertLink(still.at("/_links/next"), "verify", AUTHN + "/factors/" + key.factorId() + "/verify");
            // The failed attempt used the challenge up: the right signature over it is refused too.
            SoftAuthenticator.Response late = key.authenticator().assertion(c, origin, rpId, FLAGS, 1, null);
            assertOktaError(assertion(state, key, late.clientData(), late.authenticatorData(), late.signature()), 403, "E0000068");
            tx(authn.post(AUTHN, stateBody(state)), "MFA_CHALLENGE", p);
            // A new challenge in the same transaction, and the right key: SUCCESS.
            String c2 = keyChallenge(state, key, p).at("/_embedded/factor/_embedded/challenge/challenge").asText();
            assertThat(c2).isNotEqualTo(c);
            SoftAuthenticator.Response right = key.authenticator().assertion(c2, origin, rpId, FLAGS, 1, null);
            assertSuccess(assertion(state, key, right.clientData(), right.authenticatorData(), right.signature()), p);
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    @Test
    void mfaChallenge_replayedAssertion_refused() {
        AuthnClient.Person p = authn.person();
        Key key = enrolledKey(p, false);
        String policy = authn.requireFactorFor(p.id());
        try {
            String state = tx(authn.primary(p.login(), PASSWORD), "MFA_REQUIRED", p).get("stateToken").asText();
            String c = keyChallenge(state, key, p).at("/_embedded/factor/_embedded/challenge/challenge").asText();
            SoftAuthenticator.Response s = key.authenticator().assertion(c, origin, rpId, FLAGS, 1, null);
            assertSuccess(assertion(state, key, std(s.clientData()), std(s.authenticatorData()), std(s.signature())), p);
            // Its own transaction is over.
            assertOktaError(assertion(state, key, s.clientData(), s.authenticatorData(), s.signature()), 401, "E0000011");

            // In a new transaction waiting on its own challenge, the used assertion (same challenge) is refused, even signed
            // again with a higher counter, and the transaction stays in MFA_CHALLENGE.
            String state2 = tx(authn.primary(p.login(), PASSWORD), "MFA_REQUIRED", p).get("stateToken").asText();
            String c2 = keyChallenge(state2, key, p).at("/_embedded/factor/_embedded/challenge/challenge").asText();
            assertOktaError(assertion(state2, key, s.clientData(), s.authenticatorData(), s.signature()), 403, "E0000068");
            SoftAuthenticator.Response resigned = key.authenticator().assertion(c, origin, rpId, FLAGS, 5, null);
            assertOktaError(assertion(state2, key, resigned.clientData(), resigned.authenticatorData(), resigned.signature()), 403, "E0000068");
            tx(authn.post(AUTHN, stateBody(state2)), "MFA_CHALLENGE", p);
            // The counter going back (1 after 1) is refused too, over a fresh challenge.
            String c3 = keyChallenge(state2, key, p).at("/_embedded/factor/_embedded/challenge/challenge").asText();
            assertThat(c3).isNotEqualTo(c2);
            SoftAuthenticator.Response stale = key.authenticator().assertion(c3, origin, rpId, FLAGS, 1, null);
            assertOktaError(assertion(state2, key, stale.clientData(), stale.authenticatorData(), stale.signature()), 403, "E0000068");
            String c4 = keyChallenge(state2, key, p).at("/_embedded/factor/_embedded/challenge/challenge").asText();
            SoftAuthenticator.Response fresh = key.authenticator().assertion(c4, origin, rpId, FLAGS, 6, null);
            assertSuccess(assertion(state2, key, fresh.clientData(), fresh.authenticatorData(), fresh.signature()), p);
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    // ---- row 3: MFA_ENROLL → MFA_ENROLL_ACTIVATE → SUCCESS --------------------------------------------------------------

    @Test
    void mfaEnroll_webauthnOffered_enroll_activation_register_activate_SUCCESS_factorActive() {
        AuthnClient.Person p = authn.person();
        String policy = enrollmentPolicy(p, Map.of("webauthn", "REQUIRED"));
        try {
            JsonNode enroll = tx(authn.primary(p.login(), PASSWORD), "MFA_ENROLL", p);
            String state = enroll.get("stateToken").asText();
            JsonNode entry = entry(enroll.at("/_embedded/factors"), "webauthn");
            assertThat(entry.get("provider").asText()).isEqualTo("FIDO");
            assertThat(entry.get("vendorName").asText()).isEqualTo("FIDO");
            assertThat(entry.get("status").asText()).isEqualTo("NOT_SETUP");
            assertThat(entry.get("enrollment").asText()).isEqualTo("REQUIRED");
            assertLink(entry.at("/_links/enroll"), null, AUTHN + "/factors");

            JsonNode activate = tx(authn.post(AUTHN + "/factors", "{\"stateToken\":" + str(state) + "," + WEBAUTHN.substring(1)),
                    "MFA_ENROLL_ACTIVATE", p);
            JsonNode factor = activate.at("/_embedded/factor");
            String fid = factor.get("id").asText();
            assertThat(fid).startsWith("fwf");
            assertThat(factor.get("factorType").asText()).isEqualTo("webauthn");
            assertThat(factor.get("provider").asText()).isEqualTo("FIDO");
            assertThat(factor.get("status").asText()).isEqualTo("PENDING_ACTIVATION");
            JsonNode activation = factor.at("/_embedded/activation");
            String c = activation.get("challenge").asText();
            assertThat(c).matches("[A-Za-z0-9_-]{43}");
            assertThat(activation.at("/rp/id").asText()).isEqualTo(rpId);
            assertThat(activation.at("/rp/name").asText()).isNotBlank();
            assertThat(activation.at("/user/id").asText()).isEqualTo(p.id());
            assertThat(activation.at("/user/name").asText()).isEqualTo(p.login());
            assertThat(activation.at("/pubKeyCredParams/0/alg").asInt()).isEqualTo(-7);
            assertThat(activation.get("attestation").asText()).isEqualTo("none");
            assertThat(activation.at("/authenticatorSelection/userVerification").asText()).isEqualTo("preferred");
            assertThat(activation.get("excludeCredentials").size()).isZero();
            assertLink(activate.at("/_links/next"), "activate", AUTHN + "/factors/" + fid + "/lifecycle/activate");
            assertLink(activate.at("/_links/prev"), null, AUTHN + "/previous");
            assertThat(activate.at("/_links").has("resend")).isFalse();
            assertThat(factorStatus(p, fid)).isEqualTo("PENDING_ACTIVATION");

            // A passkey (backup eligible), registered as the browser would, sent in standard base64 as Okta's clients do.
            SoftAuthenticator passkey = new SoftAuthenticator(true);
            SoftAuthenticator.Response reg = passkey.register(c, origin, rpId, FLAGS, true);
            Http.Response ok = authn.post(AUTHN + "/factors/" + fid + "/lifecycle/activate", "{\"stateToken\":" + str(state)
                    + ",\"clientData\":" + str(std(reg.clientData())) + ",\"attestation\":" + str(std(reg.attestation())) + "}");
            assertSuccess(ok, p);
            assertThat(strings(claims(exchange(ok.json().get("sessionToken").asText()).get("id_token").asText()).get("amr")))
                    .contains("pwd", "swk", "mfa").doesNotContain("hwk");

            JsonNode active = ok(admin.get("/api/v1/users/" + p.id() + "/factors/" + fid));
            assertThat(active.get("status").asText()).isEqualTo("ACTIVE");
            assertThat(active.get("factorType").asText()).isEqualTo("webauthn");
            assertThat(active.at("/profile/credentialId").asText()).isEqualTo(passkey.credentialIdB64u());
            // The next sign-in needs no enrollment: the key is the person's.
            assertSuccess(authn.primary(p.login(), PASSWORD), p);
        } finally {
            ok(admin.post("/api/v1/policies/" + policy + "/lifecycle/deactivate", null));
        }
    }

    @Test
    void mfaEnrollActivate_registrationFromAnotherOrigin_E0000068_staysPending() {
        AuthnClient.Person p = authn.person();
        String policy = enrollmentPolicy(p, Map.of("webauthn", "REQUIRED"));
        try {
            String state = tx(authn.primary(p.login(), PASSWORD), "MFA_ENROLL", p).get("stateToken").asText();
            JsonNode activate = tx(authn.post(AUTHN + "/factors", "{\"stateToken\":" + str(state) + "," + WEBAUTHN.substring(1)),
                    "MFA_ENROLL_ACTIVATE", p);
            String fid = activate.at("/_embedded/factor/id").asText();
            SoftAuthenticator key = new SoftAuthenticator(false);
            SoftAuthenticator.Response evil = key.register(activate.at("/_embedded/factor/_embedded/activation/challenge").asText(),
                    "https://evil.example", rpId, FLAGS, false);
            assertOktaError(authn.post(AUTHN + "/factors/" + fid + "/lifecycle/activate", "{\"stateToken\":" + str(state)
                    + ",\"clientData\":" + str(evil.clientData()) + ",\"attestation\":" + str(evil.attestation()) + "}"), 403, "E0000068");
            tx(authn.post(AUTHN, stateBody(state)), "MFA_ENROLL_ACTIVATE", p);
            assertThat(factorStatus(p, fid)).isEqualTo("PENDING_ACTIVATION");
        } finally {
            ok(admin.post("/api/v1/policies/" + policy + "/lifecycle/deactivate", null));
        }
    }

    // ---- row 4: recovery with only a key ----------------------------------------------------------------------------

    @Test
    void recovery_personWithOnlyAKey_MFA_REQUIRED_challenge_assertion_PASSWORD_RESET_SUCCESS() {
        AuthnClient.Person p = authn.person();
        Key key = enrolledKey(p, false);
        assertThat(authn.post(AUTHN + "/recovery/password", "{\"username\":" + str(p.login()) + ",\"factorType\":\"EMAIL\"}").status())
                .isEqualTo(200);
        String token = resetToken(p);
        JsonNode required = tx(authn.post(AUTHN + "/recovery/token", "{\"recoveryToken\":" + str(token) + "}"), "MFA_REQUIRED", p);
        assertThat(required.get("recoveryType").asText()).isEqualTo("PASSWORD");
        String state = required.get("stateToken").asText();
        JsonNode factors = required.at("/_embedded/factors");
        assertThat(factors.size()).as(factors.toString()).isEqualTo(1);
        assertThat(factors.get(0).get("id").asText()).isEqualTo(key.factorId());
        assertThat(factors.get(0).get("factorType").asText()).isEqualTo("webauthn");
        assertThat(factors.get(0).at("/profile/credentialId").asText()).isEqualTo(key.credentialId());
        assertOktaError(authn.post(AUTHN + "/credentials/reset_password", "{\"stateToken\":" + str(state)
                + ",\"newPassword\":\"Reset-Horse-Battery-3\"}"), 403, "E0000079");

        JsonNode challenge = keyChallenge(state, key, p);
        assertThat(challenge.get("recoveryType").asText()).isEqualTo("PASSWORD");
        String c = challenge.at("/_embedded/factor/_embedded/challenge/challenge").asText();
        // A sign-in challenge (the Factors API's) is not taken for the recovery: it is bound to the link.
        String signIn = ok(admin.post("/api/v1/users/" + p.id() + "/factors/" + key.factorId() + "/verify", ""))
                .at("/_embedded/challenge/challenge").asText();
        SoftAuthenticator.Response other = key.authenticator().assertion(signIn, origin, rpId, FLAGS, 1, null);
        assertOktaError(assertion(state, key, other.clientData(), other.authenticatorData(), other.signature()), 403, "E0000068");
        tx(authn.post(AUTHN, stateBody(state)), "MFA_CHALLENGE", p);

        SoftAuthenticator.Response signed = key.authenticator().assertion(c, origin, rpId, FLAGS, 2, null);
        JsonNode reset = tx(assertion(state, key, std(signed.clientData()), std(signed.authenticatorData()), std(signed.signature())),
                "PASSWORD_RESET", p);
        assertThat(reset.get("stateToken").asText()).isEqualTo(state);
        assertLink(reset.at("/_links/next"), "resetPassword", AUTHN + "/credentials/reset_password");
        assertThat(reset.at("/_embedded/policy/complexity/minLength").asInt()).isPositive();
        Http.Response done = authn.post(AUTHN + "/credentials/reset_password", "{\"stateToken\":" + str(state)
                + ",\"newPassword\":\"Reset-Horse-Battery-3\"}");
        assertSuccess(done, p);
        assertThat(exchange(done.json().get("sessionToken").asText()).has("id_token")).isTrue();
        assertOktaError(authn.post(AUTHN + "/recovery/token", "{\"recoveryToken\":" + str(token) + "}"), 401, "E0000011");
        assertSuccess(authn.primary(p.login(), "Reset-Horse-Battery-3"), p);
    }

    /** A challenge is the transaction's own: another transaction's, or the Factors API's, verifies nothing here (and back). */
    @Test
    void mfaRequired_anotherTransactionsOrTheFactorsApisChallenge_E0000068() {
        AuthnClient.Person p = authn.person();
        Key key = enrolledKey(p, false);
        String policy = authn.requireFactorFor(p.id());
        try {
            String a = tx(authn.primary(p.login(), PASSWORD), "MFA_REQUIRED", p).get("stateToken").asText();
            String ca = keyChallenge(a, key, p).at("/_embedded/factor/_embedded/challenge/challenge").asText();
            String b = tx(authn.primary(p.login(), PASSWORD), "MFA_REQUIRED", p).get("stateToken").asText();
            SoftAuthenticator.Response overA = key.authenticator().assertion(ca, origin, rpId, FLAGS, 1, null);
            // At B, which asked for no challenge (MFA_REQUIRED), and once B has its own (MFA_CHALLENGE).
            assertOktaError(assertion(b, key, overA.clientData(), overA.authenticatorData(), overA.signature()), 403, "E0000068");
            tx(authn.post(AUTHN, stateBody(b)), "MFA_REQUIRED", p);
            String cb = keyChallenge(b, key, p).at("/_embedded/factor/_embedded/challenge/challenge").asText();
            assertOktaError(assertion(b, key, overA.clientData(), overA.authenticatorData(), overA.signature()), 403, "E0000068");
            // The Factors API's challenge is not taken by a transaction, nor a transaction's by the Factors API.
            String api = ok(admin.post("/api/v1/users/" + p.id() + "/factors/" + key.factorId() + "/verify", ""))
                    .at("/_embedded/challenge/challenge").asText();
            SoftAuthenticator.Response overApi = key.authenticator().assertion(api, origin, rpId, FLAGS, 2, null);
            assertOktaError(assertion(b, key, overApi.clientData(), overApi.authenticatorData(), overApi.signature()), 403, "E0000068");
            SoftAuthenticator.Response overB = key.authenticator().assertion(cb, origin, rpId, FLAGS, 3, null);
            assertOktaError(admin.post("/api/v1/users/" + p.id() + "/factors/" + key.factorId() + "/verify", "{\"clientData\":"
                    + str(overB.clientData()) + ",\"authenticatorData\":" + str(overB.authenticatorData()) + ",\"signatureData\":"
                    + str(overB.signature()) + "}"), 403, "E0000068");
            tx(authn.post(AUTHN, stateBody(b)), "MFA_CHALLENGE", p);
            // A user has one sign-in challenge at a time (WebAuthnStore.putChallenge): B's and the Factors API's replaced A's, so
            // A asks again, and its own challenge verifies it.
            assertOktaError(assertion(a, key, overA.clientData(), overA.authenticatorData(), overA.signature()), 403, "E0000068");
            String ca2 = keyChallenge(a, key, p).at("/_embedded/factor/_embedded/challenge/challenge").asText();
            SoftAuthenticator.Response own = key.authenticator().assertion(ca2, origin, rpId, FLAGS, 4, null);
            assertSuccess(assertion(a, key, own.clientData(), own.authenticatorData(), own.signature()), p);
        } finally {
            authn.deactivatePolicy(policy);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    /** A webauthn factor enrolled and activated through the Factors API with a new software key. */
    static Key enrolledKey(AuthnClient.Person p, boolean backupEligible) {
        SoftAuthenticator a = new SoftAuthenticator(backupEligible);
        JsonNode e = ok(admin.post("/api/v1/users/" + p.id() + "/factors", WEBAUTHN));
        SoftAuthenticator.Response reg = a.register(e.at("/_embedded/activation/challenge").asText(), origin, rpId, FLAGS, false);
        JsonNode active = ok(admin.post("/api/v1/users/" + p.id() + "/factors/" + e.get("id").asText() + "/lifecycle/activate",
                "{\"attestation\":" + str(reg.attestation()) + ",\"clientData\":" + str(reg.clientData()) + "}"));
        assertThat(active.get("status").asText()).isEqualTo("ACTIVE");
        return new Key(e.get("id").asText(), a);
    }

    /** POST verify with only the stateToken: MFA_CHALLENGE with the key's challenge, as Okta's example. */
    static JsonNode keyChallenge(String state, Key key, AuthnClient.Person p) {
        JsonNode j = tx(authn.post(AUTHN + "/factors/" + key.factorId() + "/verify", stateBody(state)), "MFA_CHALLENGE", p);
        assertThat(j.get("stateToken").asText()).isEqualTo(state);
        assertThat(j.get("factorResult").asText()).isEqualTo("CHALLENGE");
        assertThat(j.get("challengeType").asText()).isEqualTo("FACTOR");
        JsonNode f = j.at("/_embedded/factor");
        assertThat(f.get("id").asText()).isEqualTo(key.factorId());
        assertThat(f.get("factorType").asText()).isEqualTo("webauthn");
        assertThat(f.get("provider").asText()).isEqualTo("FIDO");
        assertThat(f.at("/profile/credentialId").asText()).isEqualTo(key.credentialId());
        JsonNode c = f.at("/_embedded/challenge");
        assertThat(c.get("challenge").asText()).matches("[A-Za-z0-9_-]{43}");
        assertThat(c.get("userVerification").asText()).isEqualTo("preferred");
        assertThat(c.get("extensions").isObject()).isTrue();
        assertLink(j.at("/_links/next"), "verify", AUTHN + "/factors/" + key.factorId() + "/verify");
        assertLink(j.at("/_links/prev"), null, AUTHN + "/previous");
        return j;
    }

    static Http.Response assertion(String state, Key key, String clientData, String authenticatorData, String signatureData) {
        return authn.post(AUTHN + "/factors/" + key.factorId() + "/verify", "{\"stateToken\":" + str(state) + ",\"clientData\":" + str(clientData)
                + ",\"authenticatorData\":" + str(authenticatorData) + ",\"signatureData\":" + str(signatureData) + "}");
    }

    /** Standard base64 with padding (Okta's example) of a base64url value. */
    static String std(String b64u) {
        return Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(b64u));
    }

    static JsonNode tx(Http.Response r, String status, AuthnClient.Person p) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("status").asText()).as(r.body()).isEqualTo(status);
        assertThat(j.get("stateToken").asText()).matches("00[A-Za-z0-9]{40}");
        assertThat(j.at("/_embedded/user/id").asText()).isEqualTo(p.id());
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
        assertThat(j.at("/_embedded/user/id").asText()).isEqualTo(p.id());
    }

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

    static String stateBody(String stateToken) {
        return "{\"stateToken\":" + str(stateToken) + "}";
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static String factorStatus(AuthnClient.Person p, String factorId) {
        return ok(admin.get("/api/v1/users/" + p.id() + "/factors/" + factorId)).get("status").asText();
    }

    static long events(String eventType, String result) {
        return OAuthFlow.events(server, eventType, result);
    }

    /** An MFA_ENROLL policy for a group holding only this person, at priority 1, with these authenticator levels; its id. */
    static String enrollmentPolicy(AuthnClient.Person p, Map<String, String> levels) {
        String group = ok(admin.post("/api/v1/groups", "{\"profile\":{\"name\":\"Authn webauthn " + System.nanoTime() + "\"}}")).get("id").asText();
        ok(admin.put("/api/v1/groups/" + group + "/users/" + p.id(), null));
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "MFA_ENROLL").put("name", "Authn webauthn " + System.nanoTime()).put("priority", 1);
        body.putObject("conditions").putObject("people").putObject("groups").putArray("include").add(group);
        ArrayNode list = body.putObject("settings").put("type", "AUTHENTICATORS").putArray("authenticators");
        list.addObject().put("key", "okta_password").putObject("enroll").put("self", "REQUIRED");
        levels.forEach((k, v) -> list.addObject().put("key", k).putObject("enroll").put("self", v));
        return ok(admin.post("/api/v1/policies", body.toString())).get("id").asText();
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
