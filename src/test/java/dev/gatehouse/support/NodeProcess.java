package dev.gatehouse.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real Gatehouse JVM started as a child process ({@code gatehouse serve}, the same main class the launcher runs),
 * on loopback only, configured through {@code GATEHOUSE_*} environment variables, with its output in
 * {@code target/nodes/<name>.log}. For the multi-node and crash tests, which need processes that can be killed
 * with SIGKILL and restarted: an in-process {@link TestServer} cannot crash.
 *
 * <p>Every process started here is also killed by a JVM shutdown hook, so a failing or interrupted test run never
 * leaves a node behind.
 */
public final class NodeProcess implements AutoCloseable {

    /** The same KEK on every node of a cluster, as the README requires (base64 of 32 bytes). */
    public static final String KEY_ENCRYPTION_KEY = "Z2F0ZWhvdXNlLXRlc3Qta2V5LWVuY3J5cHRpb24tMzI=";
    /** A bound, not an expectation: a start takes seconds on a quiet machine, but minutes were seen on a saturated one. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "node-process-reaper"));
    }

    public final String name;
    public final int port;
    public final Path dataDir;
    private final Map<String, String> env;
    private final Path logFile;
    private Process process;
    private int starts;

    private NodeProcess(String name, int port, Path dataDir, Map<String, String> env) {
        this.name = name;
        this.port = port;
        this.dataDir = dataDir;
        this.env = env;
        this.logFile = Path.of("target", "nodes", name + ".log");
    }

    /**
     * A node that is not started yet. {@code dbUrl} null means the embedded H2 file database in {@code dataDir};
     * {@code baseUrl} null means the node's own address. The first admin and API token are {@link TestServer}'s.
     */
    public static NodeProcess create(String name, String dbUrl, String baseUrl, Map<String, String> extraEnv) {
        try {
            int port = TestServer.freePort();
            Path dataDir = Files.createTempDirectory("gatehouse-node-" + name);
            Map<String, String> env = new LinkedHashMap<>();
            env.put("GATEHOUSE_PORT", Integer.toString(port));
            env.put("GATEHOUSE_BIND", "127.0.0.1");
            env.put("GATEHOUSE_BASE_URL", baseUrl == null ? "http://127.0.0.1:" + port : baseUrl);
            env.put("GATEHOUSE_DATA_DIR", dataDir.toString());
            if (dbUrl != null) {
                env.put("GATEHOUSE_DB_URL", dbUrl);
            }
            env.put("GATEHOUSE_ADMIN_EMAIL", TestServer.ADMIN);
            env.put("GATEHOUSE_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD);
            env.put("GATEHOUSE_API_TOKEN", TestServer.API_TOKEN);
            env.put("GATEHOUSE_KEY_ENCRYPTION_KEY", KEY_ENCRYPTION_KEY);
            env.put("GATEHOUSE_FEATURES", "refresh-token-rotation-for-spa");
            env.put("GATEHOUSE_DB_POOL_SIZE", "6");
            // Cheap password hashes: the tests sign in often on a small shared machine (the cost is not what is tested).
            env.put("GATEHOUSE_ARGON2_MEMORY_KIB", "4096");
            env.put("GATEHOUSE_ARGON2_ITERATIONS", "1");
            // The rate limits (another branch) must not throttle the load these tests make.
            env.put("GATEHOUSE_RATE_LIMIT_MULTIPLIER", "0");
            env.putAll(extraEnv);
            return new NodeProcess(name, port, dataDir, env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL of this node (not the base URL, which a cluster shares). */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Http http() {
        return new Http(url());
    }

    /** The JDBC URL the node uses: its PostgreSQL schema, or its H2 file (same URL as {@code GatehouseConfig#jdbcUrl}). */
    public String jdbcUrl() {
        String db = env.get("GATEHOUSE_DB_URL");
        return db != null ? db : "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("gatehouse")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }

    /** Starts the JVM without waiting; see {@link #awaitReady()}. */
    public synchronized NodeProcess launch() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        String javaBin = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // C1 only and the serial collector: the least CPU for a start, on a small machine running several nodes at once.
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.gatehouse.Gatehouse", "serve"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_"));   // only what this node is given
        pb.environment().putAll(env);
        try {
            Files.createDirectories(logFile.getParent());
            if (starts++ == 0) {
                Files.deleteIfExists(logFile);
            }
            Files.writeString(logFile, "==== start " + starts + " of " + name + " ====\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            process = pb.start();
            LIVE.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Waits until {@code /health/ready} answers 200; fails with the end of the node's log if it dies or takes too long. */
    public NodeProcess awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(url() + "/health/ready")).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            sleep(100);
        }
        throw new AssertionError(name + " not ready within " + START_TIMEOUT.toSeconds() + " s:\n" + logTail());
    }

    public NodeProcess start() {
        return launch().awaitReady();
    }

    /** {@code kill -9}: no shutdown hook, no flush, no goodbye. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " (pid " + process.pid() + ") survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The last lines of the node's output, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The node's whole output so far. */
    public String log() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the process (if running) and deletes the data dir. */
    @Override
    public void close() {
        kill();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp dir is harmless
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
