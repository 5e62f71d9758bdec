package dev.gatehouse.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.image.ImageTarball.Layer;
import dev.gatehouse.image.ImageTarball.TarEntry;
import dev.gatehouse.support.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The container image of issue #22, as {@code ./gatehouse image} writes it: the config 'docker load' reads (entrypoint,
 * non-root user, port, volume, settings from the environment, health check), its layers, and — where no container
 * runtime is needed — the image run from its own files: its layers unpacked into a directory, its entrypoint started
 * there as its user (chroot, with /proc and /dev as a runtime mounts them; the host's network, so on a free port of
 * loopback), and its HEALTHCHECK command run beside it. {@code ImageContainerTest} starts it in a real runtime where one
 * answers.
 */
class ImageTarballTest {

    private static ImageTarball image;

    @BeforeAll
    static void buildOnce() throws Exception {
        image = ImageTarball.build();
    }

    @Test
    void configRunsGatehouseAsANonRootUserWithEverySettingFromTheEnvironment() {
        JsonNode c = image.container();
        assertThat(image.manifest.get("RepoTags").get(0).asText()).isEqualTo("gatehouse:latest");
        assertThat(image.config.get("os").asText()).isEqualTo("linux");

        List<String> entrypoint = image.strings(c.get("Entrypoint"));
        assertThat(entrypoint.getFirst()).isEqualTo("java");
        assertThat(entrypoint).containsSubsequence("-cp", "@/app/jib-classpath-file", "dev.gatehouse.Gatehouse")
                .contains("-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError");
        assertThat(entrypoint.getLast()).isEqualTo("dev.gatehouse.Gatehouse");
        assertThat(image.strings(c.get("Cmd"))).containsExactly("serve");

        String user = c.get("User").asText();
        assertThat(user).isEqualTo("65532:65532");
        assertThat(user.split(":")[0]).isNotIn("0", "root", "");

        Map<String, String> env = image.env();
        assertThat(env).containsEntry("GATEHOUSE_BIND", "0.0.0.0").containsEntry("GATEHOUSE_DATA_DIR", "/data")
                .containsEntry("GATEHOUSE_PORT", "9000").containsEntry("LANG", "C.UTF-8");
        assertThat(env.get("PATH")).startsWith("/opt/java/bin:");
        assertThat(c.get("ExposedPorts").has(env.get("GATEHOUSE_PORT") + "/tcp")).as("the port Gatehouse listens on is exposed").isTrue();
        assertThat(c.get("ExposedPorts").size()).isEqualTo(1);
        assertThat(c.get("Volumes").has("/data")).isTrue();
        assertThat(c.get("Volumes").size()).isEqualTo(1);
        assertThat(c.get("WorkingDir").asText()).isEqualTo("/data");

        JsonNode health = c.get("Healthcheck");
        assertThat(health).as("a Docker HEALTHCHECK").isNotNull();
        List<String> test = image.strings(health.get("Test"));
        assertThat(test).startsWith("CMD", "/opt/java/bin/java").endsWith("-cp", "/opt/gatehouse", "HealthCheck");
        assertThat(health.get("Interval").asLong()).isEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(health.get("Timeout").asLong()).isEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(health.get("StartPeriod").asLong()).isEqualTo(Duration.ofSeconds(60).toNanos());
        assertThat(health.get("Retries").asInt()).isEqualTo(3);
    }

    @Test
    void layersHoldTheRuntimeTheAppItsClasspathAndAPrivateDataDirectoryAndMatchTheirDigests() throws IOException {
        List<Layer> layers = image.layers();
        assertThat(image.strings(image.config.get("rootfs").get("diff_ids")))
                .as("each layer's uncompressed digest is the one the config names ('docker load' checks it)")
                .containsExactlyElementsOf(layers.stream().map(Layer::diffId).toList());

        Map<String, TarEntry> files = new LinkedHashMap<>();
        layers.forEach(l -> l.entries().forEach(e -> files.put(e.name(), e)));
        boolean amd64 = image.config.get("architecture").asText().equals("amd64");
        assertThat(files).containsKeys("opt/java/bin/java", "opt/java/lib/server/libjvm.so", "opt/java/lib/security/cacerts",
                amd64 ? "lib64/ld-linux-x86-64.so.2" : "lib/ld-linux-aarch64.so.1",
                amd64 ? "lib/x86_64-linux-gnu/libc.so.6" : "lib/aarch64-linux-gnu/libc.so.6", "opt/gatehouse/HealthCheck.class",
                "app/classes/dev/gatehouse/Gatehouse.class", "app/jib-classpath-file", "app/jib-main-class-file", "etc/passwd");
        assertThat(files).doesNotContainKeys("opt/java/lib/libawt_xawt.so", "bin/sh");

        String passwd = new String(files.get("etc/passwd").content(), StandardCharsets.UTF_8);
        assertThat(passwd).contains("gatehouse:x:65532:65532:");
        TarEntry data = files.get("data");
        assertThat(data.directory()).isTrue();
        assertThat(data.uid()).isEqualTo(65532);
        assertThat(data.gid()).isEqualTo(65532);
        assertThat(data.mode() & 0777).as("/data is private, as Gatehouse keeps its data directory").isEqualTo(0700);
        assertThat(files.get("tmp").mode() & 01777).isEqualTo(01777);
        assertThat(files.values().stream().filter(e -> !e.name().equals("tmp") && e.type() != '2' && (e.mode() & 0002) != 0)
                .map(TarEntry::name)).as("nothing else is writable by every user").isEmpty();

        String classpath = new String(files.get("app/jib-classpath-file").content(), StandardCharsets.UTF_8).strip();
        List<String> missing = new ArrayList<>();
        for (String part : classpath.split(":")) {
            String p = part.substring(1);
            if (!files.containsKey(p) && !part.endsWith("/*")) {
                missing.add(part);
            }
        }
        assertThat(missing).as("every entry of the entrypoint's classpath is in the image").isEmpty();
        assertThat(classpath).contains("/app/libs/javalin-", "/app/libs/postgresql-", "/app/libs/AmazonCorrettoCryptoProvider-");
    }

    /**
     * The image's own files, its user, its environment and its entrypoint: Gatehouse starts, writes its data in /data as
     * 65532, and the image's HEALTHCHECK command says healthy while it runs and unhealthy once it stopped. Needs root
     * (chroot, mounts); CI runs as root.
     */
    @ParameterizedTest
    @MethodSource("dev.gatehouse.support.TestDatabase#all")
    void theImageStartsFromItsOwnFilesAsItsUserAndItsHealthCheckFollowsIt(TestDatabase db, @TempDir Path tmp) throws Exception {
        assumeThat(ImageTarball.run(List.of("id", "-u")).strip()).as("running the image's files needs root (chroot); CI runs as root")
                .isEqualTo("0 0");
        Path root = unpack(tmp);
        assertThat(Files.getAttribute(root.resolve("data"), "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(65532);

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> env = new HashMap<>(image.env());
        env.put("GATEHOUSE_PORT", Integer.toString(port));   // the host's network here: a free port, loopback only
        env.put("GATEHOUSE_BIND", "127.0.0.1");
        String dbUrl = db.freshUrl();   // PostgreSQL: an empty schema, migrated at the start as on a first deployment
        if (dbUrl != null) {
            env.put("GATEHOUSE_DB_URL", dbUrl);
            byte[] kek = new byte[32];
            new java.security.SecureRandom().nextBytes(kek);
            env.put("GATEHOUSE_KEY_ENCRYPTION_KEY", java.util.Base64.getEncoder().encodeToString(kek));
        }
        List<String> command = new ArrayList<>(image.strings(image.container().get("Entrypoint")));
        command.addAll(image.strings(image.container().get("Cmd")));
        List<String> healthCheck = image.strings(image.container().get("Healthcheck").get("Test"));
        healthCheck = healthCheck.subList(1, healthCheck.size());   // after "CMD"

        Path log = tmp.resolve("gatehouse.log");
        Process server = inImage(root, command, env).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build();
            int status = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);   // a deadline for a hung start only
            while (status != 200 && server.isAlive() && System.nanoTime() < deadline) {
                try {
                    status = http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException notYet) {
                    Thread.sleep(250);
                }
            }
            assertThat(status).as("/health/ready of Gatehouse started from the image; its output:\n" + Files.readString(log)).isEqualTo(200);

            String healthy = runInImage(root, healthCheck, env);
            assertThat(healthy).as("the image's HEALTHCHECK while Gatehouse runs").startsWith("0 ").contains(": 200");

            assertThat(Files.readString(log)).doesNotContain("Exception", "WARN");
            Path password = root.resolve("data/initial-admin-password");
            assertThat(password).as("the first start wrote its admin password to the volume, as the image's user").exists();
            assertThat(Files.getAttribute(password, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(65532);
            assertThat(Files.getPosixFilePermissions(root.resolve("data")))
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } finally {
            // SIGTERM to the entrypoint's process, as 'docker stop' sends it (here too the namespace's process 1); the
            // namespace's first unshare exits when it has.
            server.toHandle().descendants().forEach(ProcessHandle::destroy);
        }
        boolean stopped = server.waitFor(60, TimeUnit.SECONDS);   // a deadline for a hung stop only
        if (!stopped) {
            server.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly().waitFor();
        }
        TestDatabase.drop(dbUrl);
        assertThat(stopped).as("Gatehouse, as process 1, stops on SIGTERM").isTrue();
        assertThat(Files.readString(log)).as("Gatehouse's output")
                .contains("Tokens are signed with AmazonCorrettoCryptoProvider", "Gatehouse is ready",
                        dbUrl == null ? "embedded H2 in /data" : "Database        PostgreSQL");
        String unhealthy = runInImage(root, healthCheck, env);
        assertThat(unhealthy).as("the image's HEALTHCHECK once Gatehouse stopped").startsWith("1 ").contains("failed");
    }

    /** The tarball's layers, in order, unpacked into {@code tmp/rootfs} with their owners and modes (as root). */
    private static Path unpack(Path tmp) throws Exception {
        Path blobs = Files.createDirectories(tmp.resolve("blobs"));
        Path root = Files.createDirectories(tmp.resolve("rootfs"));
        assertThat(ImageTarball.run(List.of("tar", "-xf", image.file.toString(), "-C", blobs.toString()))).isEqualTo("0 ");
        for (String layer : image.layerFiles()) {
            assertThat(ImageTarball.run(List.of("tar", "-xzpf", blobs.resolve(layer).toString(), "--numeric-owner", "--same-owner",
                    "--warning=no-unknown-keyword",
                    "-C", root.toString()))).isEqualTo("0 ");
        }
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
        return root;
    }

    /**
     * A command run as a container runtime would: in new mount and PID namespaces (so it is process 1 and /proc is its
     * own), /dev bound in, then chrooted into the image's files, in its working directory, as its user, with exactly
     * the given environment.
     */
    private static ProcessBuilder inImage(Path root, List<String> command, Map<String, String> env) {
        String[] user = image.container().get("User").asText().split(":");
        String r = root.toString();
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "sh", "-c",
                "mount --make-rprivate / && mount --rbind /dev '" + r + "/dev' && mount -t proc proc '" + r + "/proc' && exec unshare"
                        + " --root='" + r + "' --wd='" + image.container().get("WorkingDir").asText() + "' --setuid " + user[0]
                        + " --setgid " + user[1] + " -- \"$@\"", "sh"));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb;
    }

    private static String runInImage(Path root, List<String> command, Map<String, String> env) throws Exception {
        Process p = inImage(root, command, env).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return p.exitValue() + " " + out;
    }
}
