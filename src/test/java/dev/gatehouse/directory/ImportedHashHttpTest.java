package dev.gatehouse.directory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Okta's {@code credentials.password.hash} on user creation (issue #22: an org file's imported hashes), on H2 and
 * PostgreSQL: each algorithm Okta lists signs the person in with the right password only, the first sign-in replaces the
 * hash with Argon2id, and a malformed hash is refused with the field named and nothing created.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class ImportedHashHttpTest {

    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final String PASSWORD = "Imported-Password-7";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static ApiClient api;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = ApiClient.of(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static String create(String hashJson) {
        String login = "imported" + SEQ.incrementAndGet() + "@example.com";
        Http.Response r = api.post("/api/v1/users?activate=true", """
                {"profile":{"firstName":"Im","lastName":"Ported","email":"%s","login":"%s"},"credentials":{"password":{"hash":%s}}}"""
                .formatted(login, login, hashJson));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("ACTIVE");
        assertThat(r.body()).doesNotContain("hash").doesNotContain("$okta$");
        return login;
    }

    private static void signsInOnceThenArgon2(String login) {
        assertThat(server.browser().signIn(login, "Wrong-" + PASSWORD, "/").status()).isEqualTo(401);
        assertThat(stored(login)).startsWith("$okta$");
        assertThat(server.browser().signIn(login, PASSWORD, "/").status()).isEqualTo(303);
        assertThat(stored(login)).as("rehashed at the first sign-in").startsWith("$argon2id$");
        assertThat(server.browser().signIn(login, PASSWORD, "/").status()).isEqualTo(303);
    }

    private static String stored(String login) {
        return Sql.string(server.wiring().db, "SELECT password_hash FROM users WHERE login_key = '" + login.toLowerCase() + "'");
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    @Test
    void bcrypt() {
        String full = OpenBSDBCrypt.generate(PASSWORD.toCharArray(), "0123456789abcdef".getBytes(StandardCharsets.US_ASCII), 6);
        // $2a$06$ + 22 salt + 31 value
        String salt = full.substring(7, 29);
        String value = full.substring(29);
        signsInOnceThenArgon2(create("{\"algorithm\":\"BCRYPT\",\"workFactor\":6,\"salt\":\"%s\",\"value\":\"%s\"}".formatted(salt, value)));
    }

    @Test
    void saltedShaBeforeAndAfterAndUnsaltedMd5() throws Exception {
        byte[] salt = "pepper-and-salt".getBytes(StandardCharsets.UTF_8);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(salt);
        sha.update(PASSWORD.getBytes(StandardCharsets.UTF_8));
        signsInOnceThenArgon2(create("{\"algorithm\":\"SHA-256\",\"salt\":\"%s\",\"saltOrder\":\"PREFIX\",\"value\":\"%s\"}"
                .formatted(b64(salt), b64(sha.digest()))));
        MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
        sha512.update(PASSWORD.getBytes(StandardCharsets.UTF_8));
        sha512.update(salt);
        signsInOnceThenArgon2(create("{\"algorithm\":\"SHA-512\",\"salt\":\"%s\",\"saltOrder\":\"POSTFIX\",\"value\":\"%s\"}"
                .formatted(b64(salt), b64(sha512.digest()))));
        signsInOnceThenArgon2(create("{\"algorithm\":\"MD5\",\"value\":\"%s\"}"
                .formatted(b64(MessageDigest.getInstance("MD5").digest(PASSWORD.getBytes(StandardCharsets.UTF_8))))));
    }

    @Test
    void pbkdf2() throws Exception {
        byte[] salt = "sixteen-byte-slt".getBytes(StandardCharsets.UTF_8);
        byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(new PBEKeySpec(PASSWORD.toCharArray(), salt, 4096, 256))
                .getEncoded();
        signsInOnceThenArgon2(create("{\"algorithm\":\"PBKDF2\",\"digestAlgorithm\":\"SHA256_HMAC\",\"iterationCount\":4096,\"keySize\":32,"
                + "\"salt\":\"%s\",\"value\":\"%s\"}".formatted(b64(salt), b64(key))));
    }

    @Test
    void aMalformedHashIsRefusedWithTheFieldNamedAndNothingIsCreated() {
        long users = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM users");
        for (String bad : new String[] {
                "{\"algorithm\":\"ROT13\",\"value\":\"abc\"}",
                "{\"algorithm\":\"BCRYPT\",\"workFactor\":20,\"salt\":\"0123456789012345678901\",\"value\":\"0123456789012345678901234567890\"}",
                "{\"algorithm\":\"SHA-256\",\"salt\":\"c2FsdA==\",\"value\":\"abc=\"}",
                "{\"algorithm\":\"PBKDF2\",\"digestAlgorithm\":\"SHA256_HMAC\",\"iterationCount\":10,\"keySize\":32,\"salt\":\"c2FsdA==\",\"value\":\"abc=\"}",
                "\"not-an-object\""}) {
            Http.Response r = api.post("/api/v1/users?activate=true", """
                    {"profile":{"firstName":"A","lastName":"B","email":"bad@example.com","login":"bad@example.com"},"credentials":{"password":{"hash":%s}}}"""
                    .formatted(bad));
            assertThat(r.status()).as(bad + " " + r.body()).isEqualTo(400);
            JsonNode e = r.json();
            assertThat(e.get("errorCode").asText()).isEqualTo("E0000001");
            assertThat(e.toString()).contains("password.hash");
        }
        Http.Response both = api.post("/api/v1/users?activate=true", """
                {"profile":{"firstName":"A","lastName":"B","email":"bad@example.com","login":"bad@example.com"},
                 "credentials":{"password":{"value":"Some-Password-9","hash":{"algorithm":"MD5","value":"abc="}}}}""");
        assertThat(both.status()).isEqualTo(400);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM users")).isEqualTo(users);
    }
}
