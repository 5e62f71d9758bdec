package dev.gatehouse.junit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.Wiring;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.orgfile.OrgFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Gatehouse started in this JVM, as {@code gatehouse serve} starts it ({@link Wiring#start}), on settings of its own:
 * 127.0.0.1 and a free port, an H2 database in memory, a temp data directory, a random admin password and API token,
 * cheaper password hashing, no rate limits, and the org file applied before it is ready.
 */
final class EmbeddedGatehouse implements AutoCloseable {

    static final String ADMIN = "admin@gatehouse.test";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** How long the first start in this JVM took (it loads and links Gatehouse's classes); null before it. */
    static Duration firstInThisJvm;

    private final Wiring wiring;
    private final String baseUrl;
    private final String apiToken;
    private final String dbUrl;
    private final Path dataDir;
    private final Optional<OrgFile> org;
    private final Duration startTime;
    private final java.util.Map<String, String> clientSecrets = new java.util.concurrent.ConcurrentHashMap<>();

    private EmbeddedGatehouse(Wiring wiring, String baseUrl, String apiToken, String dbUrl, Path dataDir, Optional<OrgFile> org,
                              Duration startTime) {
        this.wiring = wiring;
        this.baseUrl = baseUrl;
        this.apiToken = apiToken;
        this.dbUrl = dbUrl;
        this.dataDir = dataDir;
        this.org = org;
        this.startTime = startTime;
        // A dev org's fixed client secrets (credentials.oauthClient.client_secret in the org file) are the apps' secrets:
        // clientSecret() answers them as they are instead of making new ones.
        org.ifPresent(o -> o.items(OrgFile.Kind.APPS).forEach(a -> {
            var oauth = a.path("credentials").path("oauthClient");
            if (oauth.path("client_id").isTextual() && oauth.path("client_secret").isTextual()) {
                clientSecrets.put(oauth.get("client_id").asText(), oauth.get("client_secret").asText());
            }
        }));
    }

    static EmbeddedGatehouse start(String orgFile, List<String> settings) {
        long began = System.nanoTime();
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("gatehouse-junit");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make a temp directory for Gatehouse's data", e);
        }
        String name = "gatehouse-junit-" + random(12);
        // The database lives as long as the server: closed (SHUTDOWN) by close(), not by the pool's last connection going.
        String dbUrl = "jdbc:h2:mem:" + name + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
        try {
            SchemaTemplate.copyInto(dbUrl);
            Optional<Path> orgPath = Optional.ofNullable(orgFile).map(f -> locate(f, dataDir));
            Optional<OrgFile> org = orgPath.map(EmbeddedGatehouse::read);
            String apiToken = "00" + random(40);
            List<String> args = new ArrayList<>(List.of(
                    "--bind", "127.0.0.1",
                    "--data-dir", dataDir.toString(),
                    "--db-url", dbUrl,
                    "--db-pool-size", "4",
                    "--admin-email", ADMIN,
                    "--admin-password", "Adm1n-" + random(24),
                    "--api-token", apiToken,
                    "--key-encryption-key", java.util.Base64.getEncoder().encodeToString(bytes(32)),
                    // The lowest Argon2 cost the server takes: a test org's passwords need no protection from cracking.
                    "--argon2-memory-kib", "1024", "--argon2-iterations", "1",
                    // Tests sign in many times from one address: no rate limits unless the test sets them.
                    "--rate-limit-multiplier", "0"));
            args.addAll(settings);
            orgPath.ifPresent(p -> args.addAll(List.of("--org", p.toString())));
            // The port is chosen first, so the base URL, and so every issuer, is this server's real address.
            int port = freePort();
            String baseUrl = "http://127.0.0.1:" + port;
            args.addAll(List.of("--port", Integer.toString(port), "--base-url", baseUrl));
            Wiring wiring;
            try {
                wiring = Wiring.start(ConfigLoader.load(args, Map.of()), Clock.systemUTC());
            } catch (ConfigException e) {
                throw new IllegalStateException("Gatehouse did not start: " + e.getMessage(), e);
            }
            EmbeddedGatehouse started = new EmbeddedGatehouse(wiring, baseUrl, apiToken, dbUrl, dataDir, org,
                    Duration.ofNanos(System.nanoTime() - began));
            synchronized (EmbeddedGatehouse.class) {
                if (firstInThisJvm == null) {
                    firstInThisJvm = started.startTime;
                }
            }
            return started;
        } catch (RuntimeException e) {
            dropDatabase(dbUrl);
            deleteTree(dataDir);
            throw e;
        }
    }

    String baseUrl() {
        return baseUrl;
    }

    int port() {
        return wiring.port();
    }

    String dbUrl() {
        return dbUrl;
    }

    Path dataDir() {
        return dataDir;
    }

    String apiToken() {
        return apiToken;
    }

    Duration startTime() {
        return startTime;
    }

    /** The password the org file gives {@code login} ({@code credentials.password.value}). */
    String passwordInOrgFile(String login) {
        OrgFile file = org.orElseThrow(() -> new IllegalArgumentException(
                "This Gatehouse has no org file, so no password is known for " + login + ": pass the password to signIn"));
        for (JsonNode user : file.items(OrgFile.Kind.USERS)) {
            if (OrgFile.userKey(user).equalsIgnoreCase(login)) {
                JsonNode password = user.path("credentials").path("password").path("value");
                if (!password.isTextual()) {
                    throw new IllegalArgumentException("The org file " + file.file() + " gives " + login
                            + " no credentials.password.value: pass the password to signIn");
                }
                return password.asText();
            }
        }
        throw new IllegalArgumentException("The org file " + file.file() + " has no user whose profile.login is " + login);
    }

    /** The client secrets {@link HostedSignIn} made for confidential clients of this server, by client id. */
    java.util.Map<String, String> clientSecrets() {
        return clientSecrets;
    }

    @Override
    public void close() {
        try {
            wiring.close();
        } finally {
            dropDatabase(dbUrl);
            deleteTree(dataDir);
        }
    }

    /** A test resource of that name, else a file: a resource inside a jar is copied into the data directory first. */
    private static Path locate(String name, Path dataDir) {
        ClassLoader loader = Optional.ofNullable(Thread.currentThread().getContextClassLoader())
                .orElse(EmbeddedGatehouse.class.getClassLoader());
        URL resource = loader.getResource(name.startsWith("/") ? name.substring(1) : name);
        if (resource != null) {
            if ("file".equals(resource.getProtocol())) {
                try {
                    return Path.of(resource.toURI());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    // fall through to a copy
                }
            }
            Path copy = dataDir.resolve(Path.of(name).getFileName().toString());
            try (InputStream in = resource.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                return copy;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the org file " + resource, e);
            }
        }
        Path file = Path.of(name).toAbsolutePath().normalize();
        if (Files.isRegularFile(file)) {
            return file;
        }
        throw new IllegalArgumentException("No org file '" + name + "': neither a resource on the test class path (e.g. "
                + "src/test/resources/" + name + ") nor a file at " + file);
    }

    private static OrgFile read(Path file) {
        try {
            return OrgFile.read(file);
        } catch (OrgFile.Invalid e) {
            StringBuilder m = new StringBuilder("The org file " + file + " cannot be applied (" + e.problems().size() + " problem"
                    + (e.problems().size() == 1 ? "" : "s") + "):");
            e.problems().forEach(p -> m.append("\n  - ").append(p));
            throw new IllegalStateException(m.toString(), e);
        }
    }

    /**
     * The schema as Gatehouse's migrations make it, made once per JVM and copied into each new server's database (H2's
     * SCRIPT and RUNSCRIPT): migrating an empty database takes a few hundred milliseconds, a copy about ten. Flyway still
     * runs at each start, as always, and finds the copy up to date. Where the copy cannot be made, each server migrates
     * its own database as {@code gatehouse serve} does.
     */
    private static final class SchemaTemplate {
        private static final Path SCRIPT = make();

        private static Path make() {
            String url = "jdbc:h2:mem:gatehouse-junit-template-" + random(12)
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
            try {
                Path script = Files.createTempFile("gatehouse-junit-schema", ".sql");
                script.toFile().deleteOnExit();
                dev.gatehouse.storage.Database.open(url, null, null, 2, Wiring.JAVA_MIGRATIONS).close();
                try (Connection c = DriverManager.getConnection(url)) {
                    c.createStatement().execute("SCRIPT TO '" + script.toString().replace("'", "''") + "'");
                }
                return script;
            } catch (IOException | SQLException | RuntimeException e) {
                return null;
            } finally {
                dropDatabase(url);
            }
        }

        static void copyInto(String dbUrl) {
            if (SCRIPT == null) {
                return;
            }
            try (Connection c = DriverManager.getConnection(dbUrl)) {
                c.createStatement().execute("RUNSCRIPT FROM '" + SCRIPT.toString().replace("'", "''") + "'");
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot copy Gatehouse's schema into " + dbUrl, e);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }

    private static void dropDatabase(String url) {
        try (Connection c = DriverManager.getConnection(url.replace(";DB_CLOSE_DELAY=-1", "") + ";IFEXISTS=TRUE")) {
            c.createStatement().execute("SHUTDOWN");
        } catch (SQLException ignored) {
            // not created, or already gone
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }

    private static String random(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return s.toString();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
