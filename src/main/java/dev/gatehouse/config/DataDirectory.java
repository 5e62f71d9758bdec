package dev.gatehouse.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The data directory holds the H2 database (password hashes, the System Log, sealed signing keys), the key-encryption
 * key, the generated TLS key and certificate, and the initial admin and demo passwords. Gatehouse keeps it to its own
 * user: the directory and its subdirectories are created 0700, every file Gatehouse writes there is 0600, and on every
 * start both are tightened again (a store made by an older version, or a file restored from a backup with a looser
 * mode, ends up private). H2 creates its own files with the process's umask (usually 0644); the directory is 0700
 * before H2 opens it, so nobody else can reach them meanwhile, and they are made 0600 right after it has.
 *
 * <p>Key files are not silently fixed: when the key-encryption key file or the TLS private key (configured with
 * {@code GATEHOUSE_TLS_KEY}, or the generated one) can be read, written or run by its group or by others, the start is
 * refused with one line that says which file and what to run ({@code chmod 600 ...}): such a key may already have
 * been copied, and its owner has to know. As OpenSSH does for private keys, any group or other permission counts.
 * On a file system without POSIX permissions (Windows) nothing is checked or changed.
 */
public final class DataDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);

    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    /** Files and directories Gatehouse writes, relative to the data directory (the key files are checked instead). */
    private static final List<String> FILES = List.of("initial-admin-password", "demo-user-password", "tls/localhost.crt");
    private static final List<String> DIRECTORIES = List.of("keys", "tls");
    /** The H2 database's files: gatehouse.mv.db, and gatehouse.trace.db or temporary files when H2 writes them. */
    private static final String H2_PREFIX = "gatehouse.";

    /** The key-encryption key file, when Gatehouse keeps one (see {@code oauth/keys/KeyEncryption}). */
    public static final String KEK_FILE = "keys/key-encryption.key";
    /** The generated development TLS key (see {@code http/Tls}). */
    public static final String TLS_KEY_FILE = "tls/localhost.key";

    private DataDirectory() {
    }

    /**
     * Run first at every start: refuses a key file others can read, then creates the data directory 0700 when the
     * embedded database will live there, and tightens whatever Gatehouse wrote there before.
     */
    public static void prepare(GatehouseConfig config) {
        Path dir = config.dataDir();
        if (config.keyEncryptionKey().isEmpty()) {
            requirePrivateKey(dir.resolve(KEK_FILE), "the key-encryption key");
        }
        if (config.httpsPort().isPresent()) {
            Optional<Path> configured = config.tlsKey();
            requirePrivateKey(configured.orElse(dir.resolve(TLS_KEY_FILE)), configured.isPresent()
                    ? "the TLS private key (GATEHOUSE_TLS_KEY)" : "the generated TLS private key");
        }
        if (config.embeddedDatabase()) {
            ensure(dir);
        }
        tighten(dir);
    }

    /** After the embedded database has opened (and so created its files): makes them 0600. */
    public static void restrictDatabaseFiles(Path dir) {
        if (!Files.isDirectory(dir) || !posix(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, H2_PREFIX + "*")) {
            for (Path f : files) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    restrict(f, FILE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }

    /**
     * Creates {@code dir} (and missing parents) 0700, or makes an existing one 0700. Every writer of the data directory
     * and its subdirectories calls this before writing.
     */
    public static Path ensure(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, attributes(dir.toAbsolutePath().getRoot(), DIRECTORY));
            }
        } catch (IOException e) {
            throw new ConfigException("Cannot create the data directory " + dir + ": " + e.getMessage()
                    + ". Check GATEHOUSE_DATA_DIR and that this user may write there.");
        }
        restrict(dir, DIRECTORY);
        return dir;
    }

    /** Refuses to start when {@code file} exists and its group or others have any permission on it. */
    public static void requirePrivateKey(Path file, String what) {
        if (!Files.exists(file) || !posix(file)) {
            return;
        }
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(file);
        } catch (IOException e) {
            return;   // unreadable: whoever reads it next reports that
        }
        if (!FILE.containsAll(mode)) {
            throw new ConfigException(file + " holds " + what + " but its group or other users may read it (mode " + octal(mode)
                    + "): run 'chmod 600 " + file + "' (and consider the key exposed), then start again.");
        }
    }

    /** The file attribute for a new private file or directory, or none on a file system without POSIX permissions. */
    public static FileAttribute<?>[] attributes(Path near, Set<PosixFilePermission> mode) {
        return near != null && posix(near) ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
    }

    private static void tighten(Path dir) {
        if (!Files.isDirectory(dir) || !posix(dir)) {
            return;
        }
        restrict(dir, DIRECTORY);
        for (String d : DIRECTORIES) {
            Path sub = dir.resolve(d);
            if (Files.isDirectory(sub, LinkOption.NOFOLLOW_LINKS)) {
                restrict(sub, DIRECTORY);
            }
        }
        for (String f : FILES) {
            Path file = dir.resolve(f);
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                restrict(file, FILE);
            }
        }
        restrictDatabaseFiles(dir);
    }

    /** Sets {@code mode} unless it is already so; a path owned by another user is left as it is, with a warning. */
    private static void restrict(Path p, Set<PosixFilePermission> mode) {
        if (!posix(p)) {
            return;
        }
        try {
            if (!Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(mode)) {
                Files.setPosixFilePermissions(p, mode);
            }
        } catch (FileSystemException e) {
            LOG.warn("Cannot make {} private (mode {}): {}. Make it so by hand, e.g. chmod {} {}", p, octal(mode), e.getReason(),
                    mode.equals(DIRECTORY) ? "700" : "600", p);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot set the permissions of " + p, e);
        }
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** e.g. 0644 */
    static String octal(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission p : mode) {
            bits |= 1 << (8 - p.ordinal());
        }
        return String.format(Locale.ROOT, "0%03o", bits);
    }
}
