package dev.gatehouse.support;

import dev.gatehouse.Wiring;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Gatehouse on a free port, on H2 or PostgreSQL, with a known first admin and API token.
 * One per test class: start it in {@code @BeforeParameterizedClassInvocation} (or {@code @BeforeAll}).
 */
public final class TestServer implements AutoCloseable {

    public static final String ADMIN = "admin@gatehouse.test";
    public static final String ADMIN_PASSWORD = "Correct-Horse-42";
    public static final String API_TOKEN = "00TestToken0123456789abcdefghijklmnopqrstu";

    public final TestDatabase database;
    public final Path dataDir;
    public final String dbUrl;
    public final MutableClock clock;
    private final List<String> extraArgs;
    private Wiring wiring;

    private TestServer(TestDatabase database, Path dataDir, String dbUrl, MutableClock clock, List<String> extraArgs) {
        this.database = database;
        this.dataDir = dataDir;
        this.dbUrl = dbUrl;
        this.clock = clock;
        this.extraArgs = extraArgs;
    }

    /** A server whose clock tests can move forward with {@link #clock}. */
    public static TestServer start(TestDatabase database, String... extraArgs) {
        try {
            Path dataDir = Files.createTempDirectory("gatehouse-test");
            TestServer s = new TestServer(database, dataDir, database.prepare(dataDir), MutableClock.startingNow(), List.of(extraArgs));
            s.restart();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server whose email goes to {@code mail} (a GreenMail SMTP server in this JVM), plus {@code extraArgs}. */
    public static TestServer start(TestDatabase database, TestMail mail, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(mail.serverArgs()));
        args.addAll(List.of(extraArgs));
        return start(database, args.toArray(String[]::new));
    }

    /** A port chosen once, so the base URL (and so every issuer) is the real address of this server. */
    private final int port = freePort();

    /** A port no one listens on now, on 127.0.0.1 (for a server, a sample SPA or an HTTPS listener a test starts). */
    public static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public GatehouseConfig config() {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--base-url", "http://127.0.0.1:" + port,
                "--data-dir", dataDir.toString(),
                "--admin-email", ADMIN, "--admin-password", ADMIN_PASSWORD, "--api-token", API_TOKEN, "--db-pool-size", "4"));
        if (dbUrl != null) {
            args.addAll(List.of("--db-url", dbUrl));
        }
        if (!extraArgs.contains("--features")) {
            // Tests build SPAs with refresh tokens everywhere; the feature gate itself is tested with a server without it.
            args.addAll(List.of("--features", "refresh-token-rotation-for-spa"));
        }
        if (!extraArgs.contains("--rate-limit-multiplier")) {
            // The suite fires many requests quickly from one address; rate limits are off unless a test asks for them
            // (RateLimitHttpTest, CredentialStuffingTest set them explicitly).
            args.addAll(List.of("--rate-limit-multiplier", "0"));
        }
        args.addAll(extraArgs);
        Map<String, String> env = new HashMap<>();
        return ConfigLoader.load(args, env);
    }

    /** The configuration of another node on the same store and base URL, listening on a port of its own. */
    public GatehouseConfig anotherNodeConfig() {
        GatehouseConfig c = config();
        List<String> args = new ArrayList<>(List.of("--port", "0", "--base-url", c.baseUrl(), "--data-dir", dataDir.toString(),
                "--admin-email", ADMIN, "--admin-password", ADMIN_PASSWORD, "--db-pool-size", "4"));
        if (dbUrl != null) {
            args.addAll(List.of("--db-url", dbUrl));
        }
        args.addAll(rateLimitArgs());
        return ConfigLoader.load(args, new HashMap<>());
    }

    /** The rate-limit flags of this server (off unless the test set them), so another node enforces the same limits. */
    private List<String> rateLimitArgs() {
        List<String> out = new ArrayList<>(List.of("--rate-limit-multiplier", "0"));
        for (int i = 0; i + 1 < extraArgs.size(); i++) {
            if (extraArgs.get(i).startsWith("--rate-limit")) {
                out.addAll(List.of(extraArgs.get(i), extraArgs.get(i + 1)));
            }
        }
        return out;
    }

    /** Stops (if running) and starts again on the same store. */
    public void restart() {
        if (wiring != null) {
            wiring.close();
        }
        GatehouseConfig c = config();
        wiring = Wiring.start(c, clock);
    }

    public Wiring wiring() {
        return wiring;
    }

    public String url() {
        return "http://127.0.0.1:" + wiring.port();
    }

    public Http http() {
        return new Http(url());
    }

    public Browser browser() {
        return new Browser(url());
    }

    @Override
    public void close() {
        if (wiring != null) {
            wiring.close();
        }
        TestDatabase.drop(dbUrl);
        try (var files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp dir is harmless
        }
    }
}
