package dev.gatehouse;

import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Starting Gatehouse: what it refuses (one clear line, non-zero exit), HTTPS, and the first-start banner. */
class StartupTest {

    record Run(int exit, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            return new Run(Gatehouse.run(args), err.toString());
        } finally {
            System.setErr(oldErr);
        }
    }

    @Test
    void malformedValueRefusesToStart() {
        Run r = run("serve", "--port", "not-a-port");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip()).isEqualTo("gatehouse: GATEHOUSE_PORT must be a whole number from 0 to 65535 (got 'not-a-port').");
    }

    @Test
    void portInUseRefusesToStart(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Run r = run("serve", "--port", Integer.toString(taken.getLocalPort()), "--data-dir", dir.toString(), "--admin-password", "Long-enough-1");
            assertThat(r.exit()).isNotZero();
            assertThat(lastLine(r.err())).startsWith("gatehouse: Cannot listen on the configured address").contains("GATEHOUSE_PORT");
        }
    }

    @Test
    void unreachableDatabaseRefusesToStart(@TempDir Path dir) {
        Run r = run("serve", "--port", "0", "--data-dir", dir.toString(), "--db-url", "jdbc:postgresql://127.0.0.1:1/gatehouse");
        assertThat(r.exit()).isNotZero();
        assertThat(lastLine(r.err())).startsWith("gatehouse: Cannot connect to the database at jdbc:postgresql://127.0.0.1:1/gatehouse")
                .contains("GATEHOUSE_DB_URL");
    }

    @Test
    void unreadableCertificateRefusesToStart(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Files.writeString(cert, "not a certificate");
        Run r = run("serve", "--port", "0", "--https-port", "0", "--data-dir", dir.toString(),
                "--tls-cert", cert.toString(), "--tls-key", dir.resolve("missing.key").toString());
        assertThat(r.exit()).isNotZero();
        assertThat(lastLine(r.err())).startsWith("gatehouse: ").contains("GATEHOUSE_TLS");
    }

    @Test
    void httpsServesWithTheGeneratedCertificateAndSendsHsts() throws Exception {
        try (TestServer server = TestServer.start(dev.gatehouse.support.TestDatabase.H2, "--https-port", "0")) {
            Path cert = server.wiring().certificate.orElseThrow();
            assertThat(cert).startsWith(server.dataDir);
            assertThat(Files.getPosixFilePermissions(cert.resolveSibling("localhost.key")))
                    .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            Http https = new Http("https://localhost:" + server.wiring().httpsPort(), HttpClient.newBuilder().sslContext(trusting(cert)).build());
            Http.Response r = https.get("/health/ready");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Strict-Transport-Security")).startsWith("max-age=");
            assertThat(server.wiring().port()).as("plain HTTP keeps listening beside HTTPS").isNotEqualTo(server.wiring().httpsPort());
            assertThat(server.http().get("/health/ready").status()).isEqualTo(200);
        }
    }

    @Test
    void restartKeepsEveryRecordAndCreatesNoSecondAdmin() {
        try (TestServer server = TestServer.start(dev.gatehouse.support.TestDatabase.H2)) {
            assertThat(server.wiring().firstStart.created()).isTrue();
            long events = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events");
            server.restart();
            assertThat(server.wiring().firstStart.created()).isFalse();
            assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM users")).isEqualTo(1);
            assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events"))
                    .isEqualTo(events);
            assertThat(server.http().get("/api/v1/api-tokens", Http.ssws(TestServer.API_TOKEN)).status()).isEqualTo(200);
        }
    }

    @Test
    void generatedAdminPasswordIsWrittenOnceWithOwnerOnlyPermissions(@TempDir Path dir) throws Exception {
        var config = dev.gatehouse.config.ConfigLoader.load(java.util.List.of("--port", "0", "--data-dir", dir.toString()), java.util.Map.of());
        try (Wiring w = Wiring.start(config, java.time.Clock.systemUTC())) {
            String password = w.firstStart.generatedPassword().orElseThrow();
            assertThat(password).hasSizeGreaterThanOrEqualTo(20);
            assertThat(dev.gatehouse.directory.PasswordPolicy.DEFAULT.check(password, w.config.adminEmail()))
                    .as("a generated password meets the policy").isEmpty();
            Path file = w.firstStart.passwordFile().orElseThrow();
            assertThat(Files.readString(file).strip()).isEqualTo(password);
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            String hash = w.db.read(h -> h.createQuery("SELECT password_hash FROM users").mapTo(String.class).one());
            assertThat(hash).startsWith("$argon2id$").doesNotContain(password);
        }
    }

    @Test
    void aConfiguredAdminPasswordThatBreaksThePolicyStopsTheFirstStartWithOneLine(@TempDir Path dir) {
        Run r = run("serve", "--port", "0", "--data-dir", dir.toString(), "--admin-password", "admin-gatehouse-1");
        assertThat(r.exit()).isNotZero();
        assertThat(lastLine(r.err())).isEqualTo("gatehouse: GATEHOUSE_ADMIN_PASSWORD does not meet the password policy (at least 8 "
                + "characters, a lowercase letter, an uppercase letter, a number, no parts of your username, not a commonly used "
                + "password, at most 256 characters): choose another, or leave it unset to have one generated.");
        Run common = run("serve", "--port", "0", "--data-dir", dir.toString(), "--admin-password", "Password123");
        assertThat(lastLine(common.err())).startsWith("gatehouse: GATEHOUSE_ADMIN_PASSWORD does not meet the password policy");
    }

    @Test
    void aFirstAdminLoginWithAnInvisibleCharacterStopsTheFirstStart(@TempDir Path dir) {
        Run r = run("serve", "--port", "0", "--data-dir", dir.toString(), "--admin-email", "ad\u200Bmin@gatehouse.test");
        assertThat(r.exit()).isNotZero();
        assertThat(lastLine(r.err())).isEqualTo("gatehouse: GATEHOUSE_ADMIN_EMAIL cannot be used as a login: Username must not contain "
                + "invisible, control or space characters (found U+200B).");
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }

    static SSLContext trusting(Path certPem) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(certPem)) {
            ks.setCertificateEntry("gatehouse", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

}
