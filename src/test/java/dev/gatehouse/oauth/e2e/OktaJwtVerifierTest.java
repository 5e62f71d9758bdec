package dev.gatehouse.oauth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.okta.jwt.AccessTokenVerifier;
import com.okta.jwt.IdTokenVerifier;
import com.okta.jwt.Jwt;
import com.okta.jwt.JwtVerificationException;
import com.okta.jwt.JwtVerifiers;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Gatehouse's tokens checked by Okta's own resource-server library, okta-jwt-verifier-java (Okta §20): it accepts
 * only an HTTPS issuer and finds the keys at {@code {issuer}/v1/keys} without discovery (§1.1), so the server here
 * listens on HTTPS too, with its base URL {@code https://localhost:<httpsPort>}, and the verifier trusts the
 * certificate Gatehouse generated. Tokens come from the real SPA flow (over the plain-HTTP listener of the same
 * server: the {@code iss} of every token is the configured base URL either way).
 *
 * <p>The certificate is trusted through {@code javax.net.ssl.trustStore} (restored afterwards): the builder's
 * {@code setSslFactory} is no way out, since okta-jwt-verifier 0.5.12 hands OkHttp 4 an {@code SSLSocketFactory} without
 * a trust manager, which OkHttp refuses on JDK 9+ ({@code UnsupportedOperationException}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OktaJwtVerifierTest {

    private TestServer server;
    private String origin;
    private String issuer;
    private final Map<String, String> savedProperties = new HashMap<>();
    private OAuthFlow spa;
    private JsonNode tokens;
    private String userId;

    @BeforeAll
    void start() throws Exception {
        int httpsPort = TestServer.freePort();
        origin = "https://localhost:" + httpsPort;
        server = TestServer.start(TestDatabase.H2, "--https-port", Integer.toString(httpsPort), "--base-url", origin);
        assertThat(server.wiring().httpsPort()).isEqualTo(httpsPort);
        issuer = origin + "/oauth2/default";
        Path trustStore = server.dataDir.resolve("verifier-truststore.p12");
        writeTrustStore(server.wiring().certificate.orElseThrow(), trustStore);
        setProperty("javax.net.ssl.trustStore", trustStore.toString());
        setProperty("javax.net.ssl.trustStorePassword", "changeit");
        setProperty("javax.net.ssl.trustStoreType", "PKCS12");

        spa = OAuthFlow.spa(server);
        Browser browser = OAuthFlow.signedIn(server);
        tokens = spa.tokens(browser, OAuthFlow.ALL_SCOPES, "n1");
        Http.Response me = server.http().get("/api/v1/users/" + OAuthFlow.enc(TestServer.ADMIN), Http.ssws(TestServer.API_TOKEN));
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        userId = me.json().get("id").asText();
    }

    @AfterAll
    void stop() {
        savedProperties.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theAccessTokenVerifiesWithTheExpectedClaims() throws Exception {
        Jwt jwt = accessVerifier(issuer, "api://default").decode(tokens.get("access_token").asText());
        assertThat(jwt.getClaims())
                .containsEntry("iss", issuer)
                .containsEntry("sub", TestServer.ADMIN)
                .containsEntry("uid", userId)
                .containsEntry("cid", spa.clientId());
        // jjwt 0.12 hands every audience over as a set, whether the token's aud is a string or an array.
        assertThat(jwt.getClaims().get("aud")).asInstanceOf(InstanceOfAssertFactories.COLLECTION).containsExactly("api://default");
        assertThat(jwt.getClaims().get("scp")).asInstanceOf(InstanceOfAssertFactories.LIST)
                .containsExactlyInAnyOrder("openid", "profile", "email", "offline_access");
        assertThat(jwt.getExpiresAt()).isAfter(jwt.getIssuedAt());
    }

    @Test
    void theIdTokenVerifiesWithTheNonceAndTheExpectedClaims() throws Exception {
        Jwt jwt = idVerifier(issuer, spa.clientId()).decode(tokens.get("id_token").asText(), "n1");
        assertThat(jwt.getClaims())
                .containsEntry("iss", issuer)
                .containsEntry("sub", userId)
                .containsEntry("nonce", "n1")
                .containsEntry("email", TestServer.ADMIN);
        assertThat(jwt.getClaims().get("aud")).asInstanceOf(InstanceOfAssertFactories.COLLECTION).containsExactly(spa.clientId());
    }

    @Test
    void aTokenFromTheOrgServerVerifiesOnlyAgainstTheOrgIssuer() throws Exception {
        JsonNode org = spa.at("org").tokens(OAuthFlow.signedIn(server), "openid profile email", "n1-org");
        String idToken = org.get("id_token").asText();
        // The verifier's other issuer form: no /oauth2/ in the issuer, keys at {issuer}/oauth2/v1/keys.
        Jwt jwt = idVerifier(origin, spa.clientId()).decode(idToken, "n1-org");
        assertThat(jwt.getClaims()).containsEntry("iss", origin).containsEntry("sub", userId);

        assertThatThrownBy(() -> idVerifier(issuer, spa.clientId()).decode(idToken, "n1-org"))
                .isInstanceOf(JwtVerificationException.class).cause().hasMessageContaining("unable to locate signature verification key");
        assertThatThrownBy(() -> accessVerifier(issuer, "api://default").decode(org.get("access_token").asText()))
                .isInstanceOf(JwtVerificationException.class).cause().hasMessageContaining("unable to locate signature verification key");
    }

    @Test
    void aTokenFromAnotherCustomServerIsRejected() {
        String access = tokens.get("access_token").asText();
        String id = tokens.get("id_token").asText();
        Http.Response other = server.http().send("POST", "/api/v1/authorizationServers",
                "{\"name\":\"Verifier other\",\"audiences\":[\"api://default\"]}",
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(other.status()).as(other.body()).isEqualTo(201);
        String otherIssuer = origin + "/oauth2/" + other.json().get("id").asText();
        // Same audience, but signed by default's keys and issued by default: the other server's verifier refuses both.
        assertThatThrownBy(() -> accessVerifier(otherIssuer, "api://default").decode(access))
                .isInstanceOf(JwtVerificationException.class).cause().hasMessageContaining("unable to locate signature verification key");
        assertThatThrownBy(() -> idVerifier(otherIssuer, spa.clientId()).decode(id, "n1"))
                .isInstanceOf(JwtVerificationException.class).cause().hasMessageContaining("unable to locate signature verification key");
    }

    @Test
    void tamperedTokensAreRejected() {
        String access = tokens.get("access_token").asText();
        String[] parts = access.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"" + TestServer.ADMIN + "\"", "\"mallory@gatehouse.test\"");
        assertThat(payload).contains("mallory@gatehouse.test");
        String forgedClaims = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        String badSignature = parts[0] + "." + parts[1] + "." + flipFirst(parts[2]);
        AccessTokenVerifier verifier = accessVerifier(issuer, "api://default");
        assertThatThrownBy(() -> verifier.decode(forgedClaims))
                .isInstanceOf(JwtVerificationException.class).cause().hasMessageContaining("signature does not match");
        assertThatThrownBy(() -> verifier.decode(badSignature))
                .isInstanceOf(JwtVerificationException.class).cause().hasMessageContaining("signature does not match");

        String[] id = tokens.get("id_token").asText().split("\\.");
        assertThatThrownBy(() -> idVerifier(issuer, spa.clientId()).decode(id[0] + "." + id[1] + "." + flipFirst(id[2]), "n1"))
                .isInstanceOf(JwtVerificationException.class).cause().hasMessageContaining("signature does not match");
    }

    @Test
    void theWrongAudienceClientOrNonceIsRejected() {
        String access = tokens.get("access_token").asText();
        String id = tokens.get("id_token").asText();
        assertThatThrownBy(() -> accessVerifier(issuer, "api://other").decode(access))
                .isInstanceOf(JwtVerificationException.class).cause().hasMessageContaining("Claim `aud` was invalid");
        assertThatThrownBy(() -> accessVerifier(issuer, "api://default").decode(id)).as("an ID token is not an access token")
                .isInstanceOf(JwtVerificationException.class).cause().hasMessageContaining("Claim `aud` was invalid");
        assertThatThrownBy(() -> idVerifier(issuer, "0oaSomeoneElse").decode(id, "n1"))
                .isInstanceOf(JwtVerificationException.class).cause().hasMessageContaining("Claim `aud` was invalid");
        assertThatThrownBy(() -> idVerifier(issuer, spa.clientId()).decode(id, "n2"))
                .isInstanceOf(JwtVerificationException.class).cause().hasMessageContaining("Claim `nonce` does not match");
    }

    @Test
    void theVerifierRefusesThePlainHttpIssuer() {
        assertThatThrownBy(() -> JwtVerifiers.accessTokenVerifierBuilder().setIssuer(server.url() + "/oauth2/default").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    private AccessTokenVerifier accessVerifier(String iss, String audience) {
        return JwtVerifiers.accessTokenVerifierBuilder().setIssuer(iss).setAudience(audience)
                .setConnectionTimeout(Duration.ofSeconds(5)).setRetryMaxAttempts(0).build();
    }

    private IdTokenVerifier idVerifier(String iss, String clientId) {
        return JwtVerifiers.idTokenVerifierBuilder().setIssuer(iss).setClientId(clientId)
                .setConnectionTimeout(Duration.ofSeconds(5)).setRetryMaxAttempts(0).build();
    }

    private static String flipFirst(String base64url) {
        char c = base64url.charAt(0);
        return (c == 'A' ? 'B' : 'A') + base64url.substring(1);
    }

    private void setProperty(String key, String value) {
        savedProperties.putIfAbsent(key, System.getProperty(key));
        System.setProperty(key, value);
    }

    private static void writeTrustStore(Path certificatePem, Path trustStore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(certificatePem)) {
            ks.setCertificateEntry("gatehouse", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        try (var out = Files.newOutputStream(trustStore)) {
            ks.store(out, "changeit".toCharArray());
        }
    }
}
