package dev.gatehouse.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image tarball that {@code ./gatehouse image} writes, built once per test JVM by running the launcher itself, and
 * read as 'docker load' reads it: manifest.json names the config and the layers (gzipped tars, in order).
 */
final class ImageTarball {

    static final Path DIR = Path.of("target/image-test").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ImageTarball built;

    final Path file;
    final JsonNode manifest;
    final JsonNode config;

    private ImageTarball(Path file) throws IOException {
        this.file = file;
        Map<String, byte[]> small = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (TarEntry e : entries(in, (name, size, body) -> name.endsWith(".json") ? body.readAllBytes() : null)) {
                if (e.content() != null) {
                    small.put(e.name(), e.content());
                }
            }
        }
        assertThat(small).as("the tarball's JSON files").containsKey("manifest.json");
        manifest = JSON.readTree(small.get("manifest.json")).get(0);
        byte[] cfg = small.get(manifest.get("Config").asText());
        assertThat(cfg).as("the config that manifest.json names").isNotNull();
        config = JSON.readTree(cfg);
    }

    /** The tarball, built by {@code ./gatehouse image --out target/image-test/gatehouse-image.tar} the first time. */
    static synchronized ImageTarball build() throws IOException, InterruptedException {
        if (built == null) {
            Files.createDirectories(DIR);
            Path out = DIR.resolve("gatehouse-image.tar");
            Path log = DIR.resolve("build.log");
            Files.deleteIfExists(out);
            Process p = new ProcessBuilder("./gatehouse", "image", "--out", out.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            // A deadline for a hung build, not a measurement: a cold first build (Jib's plugin fetched from Maven
            // Central, the base linked) takes about a minute here.
            boolean done = p.waitFor(15, TimeUnit.MINUTES);
            if (!done) {
                p.destroyForcibly();
            }
            assertThat(done && p.exitValue() == 0).as("./gatehouse image succeeds; its output:\n" + Files.readString(log)).isTrue();
            built = new ImageTarball(out);
        }
        return built;
    }

    List<String> layerFiles() {
        List<String> files = new ArrayList<>();
        manifest.get("Layers").forEach(l -> files.add(l.asText()));
        return files;
    }

    JsonNode container() {
        return config.get("config");
    }

    List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : strings(container().get("Env"))) {
            int eq = kv.indexOf('=');
            env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return env;
    }

    /** One layer's entries (file contents kept for files up to 64 KiB) and the sha256 of its uncompressed bytes. */
    record Layer(String file, List<TarEntry> entries, String diffId) {
    }

    List<Layer> layers() throws IOException {
        List<String> names = layerFiles();
        Map<String, Layer> found = new LinkedHashMap<>();
        try (InputStream tarball = Files.newInputStream(file)) {
            entries(tarball, (name, size, content) -> {
                if (names.contains(name)) {
                    MessageDigest sha = sha256();
                    DigestInputStream in = new DigestInputStream(new GZIPInputStream(content), sha);
                    List<TarEntry> entries = entries(in, ImageTarball::keepSmall);
                    in.transferTo(java.io.OutputStream.nullOutputStream());   // the zero blocks after the last entry count too
                    found.put(name, new Layer(name, entries, "sha256:" + HexFormat.of().formatHex(sha.digest())));
                }
                return null;
            });
        }
        assertThat(found.keySet()).as("the layers manifest.json names are in the tarball").containsExactlyElementsOf(names);
        return new ArrayList<>(found.values());
    }

    /** A tar entry: path (without a leading "./" or "/"), type, mode, owner, size, link target, and content if kept. */
    record TarEntry(String name, char type, int mode, int uid, int gid, long size, String link, byte[] content) {
        boolean directory() {
            return type == '5';
        }
    }

    /** Given a regular file's name, size and content (only that entry's bytes), returns the content to keep, or null. */
    interface Contents {
        byte[] read(String name, long size, InputStream content) throws IOException;
    }

    static byte[] keepSmall(String name, long size, InputStream content) throws IOException {
        return size <= 64 * 1024 ? content.readAllBytes() : null;
    }

    /**
     * Reads a tar stream: ustar and GNU headers, GNU long names ('L', 'K') and pax 'path' / 'linkpath' records, which is
     * what GNU tar (the base layer) and Jib (the rest) write. Leaves the stream open.
     */
    static List<TarEntry> entries(InputStream in, Contents contents) throws IOException {
        List<TarEntry> out = new ArrayList<>();
        String longName = null;
        String longLink = null;
        while (true) {
            byte[] h = in.readNBytes(512);
            if (h.length < 512 || allZero(h)) {
                break;
            }
            String name = text(h, 0, 100);
            String prefix = text(h, 345, 155);
            if (!prefix.isEmpty() && h[257] == 'u' && h[262] == 0) {   // POSIX ustar ("ustar\0"), not GNU ("ustar  ")
                name = prefix + "/" + name;
            }
            int mode = (int) octal(h, 100, 8);
            int uid = (int) octal(h, 108, 8);
            int gid = (int) octal(h, 116, 8);
            long size = octal(h, 124, 12);
            char type = h[156] == 0 ? '0' : (char) h[156];
            String link = text(h, 157, 100);
            String n = longName != null ? longName : name;
            while (n.startsWith("./") || n.startsWith("/")) {
                n = n.substring(n.startsWith("./") ? 2 : 1);
            }
            if (n.endsWith("/")) {
                n = n.substring(0, n.length() - 1);
            }
            Bounded body = new Bounded(in, size);
            byte[] content = switch (type) {
                case 'L', 'K', 'x', 'g' -> body.readAllBytes();
                case '0', '7' -> contents.read(n, size, body);
                default -> null;
            };
            body.transferTo(java.io.OutputStream.nullOutputStream());
            skip(in, (512 - size % 512) % 512);
            switch (type) {
                case 'L' -> longName = text(content, 0, content.length);
                case 'K' -> longLink = text(content, 0, content.length);
                case 'x' -> {
                    for (String rec : new String(content, StandardCharsets.UTF_8).split("\n")) {
                        int sp = rec.indexOf(' ');
                        if (sp > 0 && rec.startsWith("path=", sp + 1)) {
                            longName = rec.substring(sp + 6);
                        } else if (sp > 0 && rec.startsWith("linkpath=", sp + 1)) {
                            longLink = rec.substring(sp + 10);
                        }
                    }
                }
                case 'g' -> {
                }
                default -> {
                    out.add(new TarEntry(n, type, mode, uid, gid, size, longLink != null ? longLink : link, content));
                    longName = null;
                    longLink = null;
                }
            }
        }
        return out;
    }

    /** The bytes of one entry and no more. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long size) {
            this.in = in;
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new IOException("tar stream ends inside an entry");
            }
            left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("tar stream ends inside an entry");
            }
            left -= n;
            return n;
        }

        @Override
        public void close() {
        }
    }

    private static void skip(InputStream in, long n) throws IOException {
        if (in.readNBytes((int) n).length != n) {
            throw new IOException("tar stream ends inside an entry's padding");
        }
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len) {
        if ((b[off] & 0x80) != 0) {   // GNU base-256
            long v = b[off] & 0x7f;
            for (int i = off + 1; i < off + len; i++) {
                v = (v << 8) | (b[i] & 0xff);
            }
            return v;
        }
        String s = text(b, off, len).strip();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.getInputStream().transferTo(out);
            p.waitFor();
            return p.exitValue() + " " + out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
