package dev.gatehouse.oauth.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** The JWKS of the org AS and {@code default}, signing, manual rotation, and keys at rest, on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class SigningKeysHttpTest {

    @Parameter
    TestDatabase database;

    static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static JWKSet jwks(String path) throws Exception {
        Http.Response r = server.http().get(path);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return JWKSet.parse(r.body());
    }

    private static List<String> kids(JWKSet set) {
        return set.getKeys().stream().map(JWK::getKeyID).toList();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"org, /oauth2/v1/keys", "default, /oauth2/default/v1/keys"})
    void jwksPublishesTheActiveAndTheNextKeyAndNothingPrivate(String asId, String path) throws Exception {
        Http.Response r = server.http().get(path);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Cache-Control")).isEqualTo("max-age=3600, must-revalidate");
        JsonNode keys = r.json().get("keys");
        List<SigningKey> known = server.wiring().signingKeys.keys(asId);
        assertThat(keys).hasSize(known.size());
        assertThat(known.stream().map(SigningKey::status).toList()).startsWith(SigningKey.Status.ACTIVE, SigningKey.Status.NEXT)
                .containsOnlyOnce(SigningKey.Status.ACTIVE, SigningKey.Status.NEXT);
        for (JsonNode k : keys) {
            Set<String> members = new TreeSet<>();
            k.fieldNames().forEachRemaining(members::add);
            assertThat(members).containsExactlyInAnyOrder("kty", "e", "n", "kid", "use", "alg");
            assertThat(k.get("kty").asText()).isEqualTo("RSA");
            assertThat(k.get("use").asText()).isEqualTo("sig");
            assertThat(k.get("alg").asText()).isEqualTo("RS256");
            RSAKey rsa = RSAKey.parse(k.toString());
            assertThat(k.get("kid").asText()).isEqualTo(rsa.computeThumbprint().toString()).hasSize(43);
            assertThat(rsa.size()).isEqualTo(2048);
        }
        String active = server.wiring().signingKeys.activeSigner(asId).kid();
        assertThat(known.getFirst().kid()).isEqualTo(active);
        assertThat(kids(JWKSet.parse(r.body()))).containsExactlyInAnyOrderElementsOf(known.stream().map(SigningKey::kid).toList());
    }

    @Test
    void tokensAreSignedRs256WithExactlyAlgAndKidInTheHeader() throws Exception {
        TokenSigner signer = server.wiring().signingKeys.activeSigner("default");
        String jwt = signer.sign(new JWTClaimsSet.Builder().issuer("i").subject("s").build());
        String header = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8);
        assertThat(header).isEqualTo("{\"alg\":\"RS256\",\"kid\":\"" + signer.kid() + "\"}");
        RSAKey key = (RSAKey) jwks("/oauth2/default/v1/keys").getKeyByKeyId(signer.kid());
        assertThat(SignedJWT.parse(jwt).verify(new RSASSAVerifier(key))).isTrue();
        assertThat(SignedJWT.parse(jwt).getJWTClaimsSet().getSubject()).isEqualTo("s");
    }

    @Test
    void eachServerSignsWithItsOwnKeys() throws Exception {
        assertThat(kids(jwks("/oauth2/v1/keys"))).doesNotContainAnyElementsOf(kids(jwks("/oauth2/default/v1/keys")));
    }

    @Test
    void aTokenSignedBeforeARotationStillVerifiesAndTheNewKeyWasPublishedBeforeItSigns() throws Exception {
        TokenSigner before = server.wiring().signingKeys.activeSigner("default");
        String jwt = before.sign(new JWTClaimsSet.Builder().subject("u").expirationTime(new Date(System.currentTimeMillis() + 3_600_000)).build());
        List<String> publishedBefore = kids(jwks("/oauth2/default/v1/keys"));
        long rollovers = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'app.oauth2.as.key.rollover'");

        Http.Response r = server.http().send("POST", "/api/v1/authorizationServers/default/credentials/lifecycle/keyRotate", "{\"use\":\"sig\"}",
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> statuses = new ArrayList<>();
        r.json().forEach(k -> statuses.add(k.get("status").asText()));
        assertThat(statuses).containsExactly("ACTIVE", "NEXT", "EXPIRED");
        String newActive = r.json().get(0).get("kid").asText();

        TokenSigner after = server.wiring().signingKeys.activeSigner("default");
        assertThat(after.kid()).isEqualTo(newActive).isNotEqualTo(before.kid());
        assertThat(publishedBefore).as("the key that now signs was already published").contains(newActive);
        JWKSet published = jwks("/oauth2/default/v1/keys");
        assertThat(kids(published)).contains(before.kid(), newActive).hasSize(3);
        assertThat(SignedJWT.parse(jwt).verify(new RSASSAVerifier((RSAKey) published.getKeyByKeyId(before.kid())))).isTrue();
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'app.oauth2.as.key.rollover'"))
                .isEqualTo(rollovers + 1);
    }

    @Test
    void keyRotationNeedsUseSig() {
        for (String body : List.of("{}", "{\"use\":\"enc\"}")) {
            Http.Response r = server.http().send("POST", "/api/v1/authorizationServers/default/credentials/lifecycle/keyRotate", body,
                    Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
            assertOktaError(r, 400, "E0000001");
            assertThat(r.json().get("errorSummary").asText()).isEqualTo("Api validation failed: rotateKeys");
            assertThat(r.json().get("errorCauses").get(0).get("errorSummary").asText()).isEqualTo("Invalid value specified for key 'use' parameter.");
        }
    }

    @Test
    void keysApiListsPublicKeysWithTheirStatus() {
        Http.Response r = server.http().get("/api/v1/authorizationServers/default/credentials/keys", Http.ssws(TestServer.API_TOKEN));
        assertThat(r.status()).isEqualTo(200);
        JsonNode first = r.json().get(0);
        assertThat(first.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(first.get("kid").asText()).isEqualTo(server.wiring().signingKeys.activeSigner("default").kid());
        for (JsonNode k : r.json()) {
            for (String secret : List.of("d", "p", "q", "dp", "dq", "qi")) {
                assertThat(k.has(secret)).as(secret).isFalse();
            }
            String self = k.get("_links").get("self").get("href").asText();
            assertThat(self).endsWith("/api/v1/authorizationServers/default/credentials/keys/" + k.get("kid").asText());
            assertThat(server.http().get(self.replace(server.wiring().config.baseUrl(), server.url()), Http.ssws(TestServer.API_TOKEN)).json().get("kid").asText()).isEqualTo(k.get("kid").asText());
        }
        assertOktaError(server.http().get("/api/v1/authorizationServers/org/credentials/keys", Http.ssws(TestServer.API_TOKEN)), 404, "E0000007");
    }

    @Test
    void privateKeysAreStoredOnlySealedByTheKeyEncryptionKey() throws Exception {
        server.wiring().signingKeys.activeSigner("default");
        Path kekFile = server.dataDir.resolve(KeyEncryption.KEK_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kekFile))).isEqualTo("rw-------");
        KeyEncryption kek = KeyEncryption.load(Optional.empty(), server.dataDir, new SecureRandom());
        record Row(String kid, String as, String jwk, String ciphertext, String kekId) {
        }
        List<Row> rows = server.wiring().db.read(h -> h.createQuery(
                        "SELECT kid, authorization_server_id, public_jwk, private_key_ciphertext, kek_id FROM signing_keys")
                .map((rs, c) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5))).list());
        assertThat(rows).isNotEmpty();
        for (Row row : rows) {
            RSAKey pub = RSAKey.parse(row.jwk());
            assertThat(pub.isPrivate()).isFalse();
            byte[] pkcs8 = kek.open(new KeyEncryption.Sealed(row.kekId(), row.ciphertext()), row.as() + "/" + row.kid());
            RSAPrivateCrtKey priv = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            assertThat(priv.getModulus()).isEqualTo(pub.getModulus().decodeToBigInteger());
            Base64.Encoder std = Base64.getEncoder();
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            byte[] d = priv.getPrivateExponent().toByteArray();
            byte[] n = priv.getModulus().toByteArray();
            for (String clear : List.of(std.encodeToString(pkcs8).substring(0, 64), pub.getModulus().toString().substring(0, 40),
                    url.encodeToString(d).substring(0, 40), std.encodeToString(d).substring(0, 40), std.encodeToString(n).substring(8, 48))) {
                assertThat(row.ciphertext()).doesNotContain(clear);
            }
            assertThat(new String(Base64.getDecoder().decode(row.ciphertext()), StandardCharsets.ISO_8859_1))
                    .doesNotContain(new String(d, StandardCharsets.ISO_8859_1).substring(0, 32));
        }
    }
}
