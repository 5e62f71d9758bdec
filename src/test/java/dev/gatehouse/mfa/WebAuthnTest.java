package dev.gatehouse.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.EventContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static dev.gatehouse.mfa.SoftAuthenticator.UP;
import static dev.gatehouse.mfa.SoftAuthenticator.UV;
import static dev.gatehouse.support.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The WebAuthn use cases as the sign-in pages will call them ({@link WebAuthn}: start/finish registration and
 * assertion): the options, the {@code amr} an assertion proves (hwk, swk, user), a credential of another user, a user
 * handle of another user, a challenge bound to its purpose and replaced by the next one; and the RP id setting. On H2
 * and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class WebAuthnTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventContext CTX = EventContext.system("WebAuthnTest");

    @Parameter
    TestDatabase database;

    static TestServer server;
    static MfaClient api;
    static WebAuthn webAuthn;
    static String origin;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = new MfaClient(server);
        webAuthn = server.wiring().webAuthn;
        origin = server.url();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @BeforeEach
    void webAuthnIsActive() {
        JsonNode a = api.authenticator("webauthn");
        if (!a.get("status").asText().equals("ACTIVE")) {
            ok(api.post(MfaClient.AUTHENTICATORS + "/" + a.get("id").asText() + "/lifecycle/activate", null));
        }
    }

    @Test
    void registrationOptionsAreWhatNavigatorCredentialsCreateTakes() throws Exception {
        String user = api.newUser();
        WebAuthn.Registration r = webAuthn.startRegistration(CTX, user);
        JsonNode o = JSON.readTree(r.optionsJson());
        assertThat(r.factorId()).startsWith("fwf");
        assertThat(o.at("/rp/id").asText()).isEqualTo("127.0.0.1");
        assertThat(o.at("/user/id").asText()).isEqualTo(user);
        assertThat(java.util.Base64.getUrlDecoder().decode(o.at("/user/id").asText())).hasSize(15);
        assertThat(java.util.Base64.getUrlDecoder().decode(o.get("challenge").asText())).hasSize(32);
        assertThat(o.get("timeout").asLong()).isEqualTo(300_000);
        assertThat(o.get("pubKeyCredParams").toString()).isEqualTo("[{\"type\":\"public-key\",\"alg\":-7},{\"type\":\"public-key\",\"alg\":-257}]");
    }

    @Test
    void aSecurityKeyProvesHwkAndASyncedPasskeyWithUserVerificationProvesSwkAndUser() throws Exception {
        String user = api.newUser();
        SoftAuthenticator key = register(user, new SoftAuthenticator(false), UP);
        WebAuthn.Verified v = assertWith(user, key, UP, 1, null);
        assertThat(v.amr()).containsExactly("hwk");
        assertThat(v.factor().credential().signCount()).isEqualTo(1);

        SoftAuthenticator passkey = register(user, new SoftAuthenticator(true), UP | UV);
        JsonNode options = JSON.readTree(webAuthn.startAssertion(user));
        assertThat(options.get("allowCredentials").findValuesAsText("id")).containsExactlyInAnyOrder(key.credentialIdB64u(), passkey.credentialIdB64u());
        assertThat(options.get("userVerification").asText()).isEqualTo("preferred");
        SoftAuthenticator.Response s = passkey.assertion(options.get("challenge").asText(), origin, "127.0.0.1", UP | UV, 0, null);
        WebAuthn.Verified pv = webAuthn.finishAssertion(CTX, user, passkey.credentialIdB64u(), s.clientData(), s.authenticatorData(),
                s.signature(), WebAuthn.userHandle(user));
        assertThat(pv.amr()).containsExactly("swk", "user");
        // A counter that stays 0 on both sides (synced passkeys have none) is accepted again.
        assertThat(assertWith(user, passkey, UP, 0, null).amr()).containsExactly("swk");
    }

    @Test
    void anotherUsersCredentialOrUserHandleIsRefused() {
        String alice = api.newUser();
        String bob = api.newUser();
        SoftAuthenticator aliceKey = register(alice, new SoftAuthenticator(false), UP);
        register(bob, new SoftAuthenticator(false), UP);
        // Bob's challenge, answered with Alice's credential.
        assertRefused(() -> assertWith(bob, aliceKey, UP, 1, null), ErrorCode.E0000068);
        // Alice's credential, but Bob's user handle.
        assertRefused(() -> assertWith(alice, aliceKey, UP, 1, WebAuthn.userHandle(bob)), ErrorCode.E0000068);
        // Alice's own, with her handle: accepted (nothing above changed her counter).
        assertThat(assertWith(alice, aliceKey, UP, 1, WebAuthn.userHandle(alice)).factor().credential().signCount()).isEqualTo(1);
    }

    @Test
    void aChallengeServesOnlyItsPurposeAndTheNextOneReplacesIt() throws Exception {
        String user = api.newUser();
        SoftAuthenticator key = register(user, new SoftAuthenticator(false), UP);
        // A registration challenge does not sign an assertion.
        WebAuthn.Registration pending = webAuthn.startRegistration(CTX, user);
        String regChallenge = JSON.readTree(pending.optionsJson()).get("challenge").asText();
        SoftAuthenticator.Response s = key.assertion(regChallenge, origin, "127.0.0.1", UP, 1, null);
        assertRefused(() -> webAuthn.finishAssertion(CTX, user, key.credentialIdB64u(), s.clientData(), s.authenticatorData(), s.signature(), null),
                ErrorCode.E0000068);
        // Two assertion challenges in a row: only the later one is pending.
        String first = JSON.readTree(webAuthn.startAssertion(user)).get("challenge").asText();
        String second = JSON.readTree(webAuthn.startAssertion(user)).get("challenge").asText();
        SoftAuthenticator.Response old = key.assertion(first, origin, "127.0.0.1", UP, 1, null);
        assertRefused(() -> webAuthn.finishAssertion(CTX, user, key.credentialIdB64u(), old.clientData(), old.authenticatorData(), old.signature(), null),
                ErrorCode.E0000068);
        SoftAuthenticator.Response now = key.assertion(second, origin, "127.0.0.1", UP, 1, null);
        assertThat(webAuthn.finishAssertion(CTX, user, key.credentialIdB64u(), now.clientData(), now.authenticatorData(), now.signature(), null)
                .amr()).containsExactly("hwk");
        // Challenges stay bounded: at most one per user and purpose.
        long rows = server.wiring().db.read(h -> h.select("SELECT COUNT(*) FROM webauthn_challenges WHERE user_id = ?", user).mapTo(Long.class).one());
        assertThat(rows).isLessThanOrEqualTo(2);
    }

    @Test
    void theTransportsTheBrowserReportedComeBackInAllowCredentials() throws Exception {
        String user = api.newUser();
        SoftAuthenticator key = new SoftAuthenticator(false);
        WebAuthn.Registration r = webAuthn.startRegistration(CTX, user);
        SoftAuthenticator.Response a = key.register(JSON.readTree(r.optionsJson()).get("challenge").asText(), origin, "127.0.0.1", UP, false);
        webAuthn.finishRegistration(CTX, user, r.factorId(), a.clientData(), a.attestation(), "usb, nfc,warp-drive");
        JsonNode allow = JSON.readTree(webAuthn.startAssertion(user)).get("allowCredentials");
        assertThat(allow.toString()).isEqualTo("[{\"type\":\"public-key\",\"id\":\"" + key.credentialIdB64u() + "\",\"transports\":[\"usb\",\"nfc\"]}]");
    }

    @Test
    void aUserWithoutCredentialsGetsNoAssertionOptions() {
        assertRefused(() -> webAuthn.startAssertion(api.newUser()), ErrorCode.E0000001);
    }

    @Test
    void theRpIdIsTheBaseUrlsHostOrADomainItIsUnder() {
        assertThat(ConfigLoader.load(List.of("--base-url", "https://login.example.com"), Map.of()).webauthnRpId()).isEmpty();
        assertThat(ConfigLoader.load(List.of("--base-url", "https://login.example.com"), Map.of("GATEHOUSE_WEBAUTHN_RP_ID", "example.com"))
                .webauthnRpId()).contains("example.com");
        assertThat(ConfigLoader.load(List.of("--base-url", "https://login.example.com", "--webauthn-rp-id", "login.example.com"), Map.of())
                .webauthnRpId()).contains("login.example.com");
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--base-url", "https://login.example.com"), Map.of("GATEHOUSE_WEBAUTHN_RP_ID", "evil.com")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GATEHOUSE_WEBAUTHN_RP_ID");
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--base-url", "https://login.example.com"), Map.of("GATEHOUSE_WEBAUTHN_RP_ID", "ample.com")))
                .isInstanceOf(ConfigException.class);
        assertThat(WebAuthn.origin("https://login.example.com/")).isEqualTo("https://login.example.com");
        assertThat(WebAuthn.origin("http://127.0.0.1:9000")).isEqualTo("http://127.0.0.1:9000");
    }

    // --- helpers ---

    private static SoftAuthenticator register(String user, SoftAuthenticator key, int flags) {
        try {
            WebAuthn.Registration r = webAuthn.startRegistration(CTX, user);
            SoftAuthenticator.Response a = key.register(JSON.readTree(r.optionsJson()).get("challenge").asText(), origin, "127.0.0.1", flags, true);
            Factor f = webAuthn.finishRegistration(CTX, user, r.factorId(), a.clientData(), a.attestation());
            assertThat(f.active()).isTrue();
            assertThat(f.credential().credentialId()).isEqualTo(key.credentialIdB64u());
            assertThat(f.credential().backupEligible()).isEqualTo(key.backupEligible);
            return key;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WebAuthn.Verified assertWith(String user, SoftAuthenticator key, int flags, long counter, String userHandle) {
        try {
            String challenge = JSON.readTree(webAuthn.startAssertion(user)).get("challenge").asText();
            SoftAuthenticator.Response s = key.assertion(challenge, origin, "127.0.0.1", flags, counter, null);
            return webAuthn.finishAssertion(CTX, user, key.credentialIdB64u(), s.clientData(), s.authenticatorData(), s.signature(), userHandle);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
