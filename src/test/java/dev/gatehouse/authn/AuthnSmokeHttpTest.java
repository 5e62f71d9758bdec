package dev.gatehouse.authn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static dev.gatehouse.support.OAuthFlow.REDIRECT_URI;
import static dev.gatehouse.support.OAuthFlow.challenge;
import static dev.gatehouse.support.OAuthFlow.claims;
import static dev.gatehouse.support.OAuthFlow.enc;
import static dev.gatehouse.support.OAuthFlow.freshNonce;
import static dev.gatehouse.support.OAuthFlow.query;
import static dev.gatehouse.support.OAuthFlow.randomVerifier;
import static org.assertj.core.api.Assertions.assertThat;

/** The Authentication API's main path end to end on H2: password → sessionToken → /authorize → tokens; and with a TOTP factor. */
class AuthnSmokeHttpTest {

    static TestServer server;
    static AuthnClient authn;
    static OAuthFlow spa;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2);
        authn = new AuthnClient(server);
        spa = OAuthFlow.spa(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    String authorize(String sessionToken, String verifier) {
        return spa.base() + "/authorize?client_id=" + enc(spa.clientId()) + "&redirect_uri=" + enc(REDIRECT_URI)
                + "&response_type=code&scope=openid&state=s1&nonce=" + freshNonce() + "&code_challenge=" + challenge(verifier)
                + "&code_challenge_method=S256&prompt=none&sessionToken=" + enc(sessionToken);
    }

    JsonNode exchange(Browser b, String sessionToken) {
        String verifier = randomVerifier();
        Http.Response r = b.get(authorize(sessionToken, verifier));
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        Map<String, String> q = query(URI.create(r.header("Location")).getRawQuery());
        assertThat(q).as(r.header("Location")).containsKey("code");
        Http.Response t = spa.form("/token", "grant_type", "authorization_code", "client_id", spa.clientId(), "redirect_uri", REDIRECT_URI,
                "code", q.get("code"), "code_verifier", verifier);
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        return t.json();
    }

    @Test
    void aPasswordBecomesASessionTokenThenTokensOnce() {
        AuthnClient.Person p = authn.person();
        Http.Response r = authn.primary(p.login(), AuthnClient.PASSWORD);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("SUCCESS");
        assertThat(r.json().has("stateToken")).isFalse();
        assertThat(r.json().at("/_embedded/user/id").asText()).isEqualTo(p.id());
        String token = r.json().get("sessionToken").asText();
        JsonNode tokens = exchange(server.browser(), token);
        assertThat(claims(tokens.get("id_token").asText()).get("sub").asText()).isEqualTo(p.id());
        assertThat(claims(tokens.get("id_token").asText()).get("amr").toString()).isEqualTo("[\"pwd\"]");
        // Used once: a second browser gets login_required, not tokens.
        Http.Response again = server.browser().get(authorize(token, randomVerifier()));
        assertThat(again.status()).isEqualTo(302);
        assertThat(again.header("Location")).contains("error=login_required");
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() {
        AuthnClient.Person p = authn.person();
        Http.Response wrong = authn.primary(p.login(), "Wrong-Password-1");
        Http.Response unknown = authn.primary("nobody-" + System.nanoTime() + "@example.com", "Wrong-Password-1");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().get("errorCode").asText()).isEqualTo("E0000004");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.json().get("errorSummary")).isEqualTo(wrong.json().get("errorSummary"));
    }

    @Test
    void aRequiredFactorIsVerifiedBeforeTheSessionToken() {
        AuthnClient.Person p = authn.person();
        AuthnClient.Factor f = authn.totp(p);
        String policy = authn.requireFactorFor(p.id());
        try {
            Http.Response r = authn.primary(p.login(), AuthnClient.PASSWORD);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("status").asText()).isEqualTo("MFA_REQUIRED");
            String state = r.json().get("stateToken").asText();
            assertThat(r.json().at("/_embedded/factors/0/id").asText()).isEqualTo(f.id());
            String verify = URI.create(r.json().at("/_embedded/factors/0/_links/verify/href").asText()).getPath();
            Http.Response bad = authn.post(verify, "{\"stateToken\":\"" + state + "\",\"passCode\":\"000000\"}");
            assertThat(bad.status()).as(bad.body()).isEqualTo(403);
            assertThat(bad.json().get("errorCode").asText()).isEqualTo("E0000068");
            Http.Response ok = authn.post(verify, "{\"stateToken\":\"" + state + "\",\"passCode\":\"" + authn.code(f.seed()) + "\"}");
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.json().get("status").asText()).isEqualTo("SUCCESS");
            JsonNode tokens = exchange(server.browser(), ok.json().get("sessionToken").asText());
            assertThat(claims(tokens.get("id_token").asText()).get("amr").toString()).contains("otp", "mfa");
            Http.Response replay = authn.post(verify, "{\"stateToken\":\"" + state + "\",\"passCode\":\"" + authn.code(f.seed()) + "\"}");
            assertThat(replay.status()).isEqualTo(401);
            assertThat(replay.json().get("errorCode").asText()).isEqualTo("E0000011");
        } finally {
            authn.deactivatePolicy(policy);
        }
    }
}
