package dev.gatehouse;

import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.http.Tls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review item 6: the data directory was created 0755 and the H2 file 0644, though it holds password hashes and the
 * System Log. Now the directory is 0700 and every file Gatehouse writes there 0600, from the first start and again at
 * every start; and a key file that others may read stops the start with one line saying what to run. (These run under
 * the usual umask 022, with which the previous version made exactly the modes the review found.)
 */
class FilePermissionsTest {

    /**
     * What {@code gatehouse serve} prints when it refuses to start with these options ({@code Gatehouse.Serve} prints
     * "gatehouse: " and the message of the {@link ConfigException}, exit code 2). Started through {@link Wiring#start}
     * rather than the command, so a start that is not refused fails here instead of serving forever.
     */
    private static String refusal(List<String> args) {
        GatehouseConfig config = ConfigLoader.load(args, Map.of());
        try (Wiring started = Wiring.start(config, Clock.systemUTC())) {
            throw new AssertionError("The start was not refused (port " + started.port() + ")");
        } catch (ConfigException e) {
            String line = "gatehouse: " + e.getMessage();
            assertThat(line).as("one line").doesNotContain("\n");
            return line;
        }
    }

    /** First start on H2 with HTTPS (generated certificate), a generated KEK and a generated admin password: every file there is. */
    private static List<String> serveArgs(Path data, String... more) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--https-port", "0", "--data-dir", data.toString()));
        args.addAll(List.of(more));
        return args;
    }

    private static Wiring start(Path data) {
        GatehouseConfig config = ConfigLoader.load(serveArgs(data), Map.of());
        return Wiring.start(config, Clock.systemUTC());
    }

    /** Mode of every directory and file under {@code root}, root included, e.g. {@code keys/key-encryption.key=rw-------}. */
    private static Map<String, String> modes(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                String name = root.relativize(p).toString();
                out.put(name.isEmpty() ? "." : name, PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
            }
        }
        return out;
    }

    private static void assertPrivate(Path data) throws IOException {
        Map<String, String> modes = modes(data);
        assertThat(modes).containsKeys(".", "gatehouse.mv.db", "keys", "keys/key-encryption.key", "tls", "tls/localhost.key",
                "tls/localhost.crt", "initial-admin-password");
        modes.forEach((name, mode) -> assertThat(mode).as(name)
                .isEqualTo(Files.isDirectory(data.resolve(name), LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------"));
    }

    private static void chmod(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    @Test
    void aFreshStartMakesTheDataDirectory0700AndEveryFileInIt0600(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("new/data");   // neither it nor its parent exists yet
        try (Wiring w = start(data)) {
            assertThat(w.firstStart.created()).isTrue();
            assertPrivate(data);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("new")))).as("a parent it created").isEqualTo("rwx------");
    }

    @Test
    void everyStartTightensWhatAnOlderVersionLeftOpen(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        try (Wiring w = start(data)) {
            assertThat(w.firstStart.created()).isTrue();
        }
        chmod(data, "rwxr-xr-x");                                   // as the previous version made them
        chmod(data.resolve("gatehouse.mv.db"), "rw-r--r--");
        chmod(data.resolve("initial-admin-password"), "rw-r--r--");
        chmod(data.resolve("tls"), "rwxr-xr-x");
        chmod(data.resolve("tls/localhost.crt"), "rw-r--r--");
        chmod(data.resolve("keys"), "rwxr-xr-x");
        try (Wiring w = start(data)) {
            assertThat(w.firstStart.created()).isFalse();
            assertPrivate(data);
        }
    }

    @Test
    void aKeyEncryptionKeyOthersCanReadStopsTheStartWithOneLineAndIsNotSilentlyFixed(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        try (Wiring w = start(data)) {
            assertThat(w.firstStart.created()).isTrue();
        }
        Path kek = data.resolve("keys/key-encryption.key");
        for (String open : List.of("rw-r--r--", "rw-r-----", "rw----r--", "rw--w----")) {
            chmod(kek, open);
            assertThat(refusal(serveArgs(data))).as(open).isEqualTo("gatehouse: " + kek + " holds the key-encryption key but its group or other "
                    + "users may read it (mode " + octal(open) + "): run 'chmod 600 " + kek + "' (and consider the key exposed), then start again.");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kek))).as("left for its owner to see").isEqualTo(open);
        }
        chmod(kek, "rw-------");
        try (Wiring w = start(data)) {
            assertThat(w.firstStart.created()).isFalse();
        }
    }

    @Test
    void aGeneratedTlsKeyOthersCanReadStopsTheStart(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        try (Wiring w = start(data)) {
            assertThat(w.certificateGenerated).isTrue();
        }
        Path key = data.resolve("tls/localhost.key");
        chmod(key, "rw-r--r--");
        assertThat(refusal(serveArgs(data))).isEqualTo("gatehouse: " + key + " holds the generated TLS private key but its group or other users "
                + "may read it (mode 0644): run 'chmod 600 " + key + "' (and consider the key exposed), then start again.");
    }

    @Test
    void aConfiguredTlsKeyOthersCanReadStopsTheStartAndAPrivateOneServes(@TempDir Path tmp) throws IOException {
        Tls.developmentCertificate(tmp.resolve("made"), "localhost");
        Path cert = tmp.resolve("cert.pem");
        Path key = tmp.resolve("key.pem");
        Files.copy(tmp.resolve("made/tls/localhost.crt"), cert);
        Files.copy(tmp.resolve("made/tls/localhost.key"), key);
        chmod(key, "rw-r--r--");
        List<String> args = serveArgs(tmp.resolve("data"), "--tls-cert", cert.toString(), "--tls-key", key.toString());
        assertThat(refusal(args)).isEqualTo("gatehouse: " + key + " holds the TLS private key (GATEHOUSE_TLS_KEY) but its group or other "
                + "users may read it (mode 0644): run 'chmod 600 " + key + "' (and consider the key exposed), then start again.");
        assertThat(tmp.resolve("data")).as("refused before anything was written").doesNotExist();

        chmod(key, "r--------");
        try (Wiring w = Wiring.start(ConfigLoader.load(args, Map.of()), Clock.systemUTC())) {
            assertThat(w.certificate).contains(cert);
        }
    }

    private static String octal(String mode) {
        int bits = 0;
        for (int i = 0; i < 9; i++) {
            bits = bits << 1 | (mode.charAt(i) == '-' ? 0 : 1);
        }
        return String.format("0%03o", bits);
    }
}
