package dev.gatehouse.oauth.keys;

import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.DataDirectory;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Seals secrets at rest with AES-256-GCM under a key-encryption key (KEK): the authorization servers' signing keys
 * and the users' TOTP seeds (mfa/Factors). The KEK comes from
 * {@code GATEHOUSE_KEY_ENCRYPTION_KEY} (base64 of 32 bytes) or, when that is unset, from
 * {@code {dataDir}/keys/key-encryption.key}, generated once with mode 0600. Several nodes on one database
 * must share the KEK, so a cluster sets the variable on every node; a node with another KEK cannot open the
 * keys and says so. Each ciphertext is bound to its key id and authorization server (GCM associated data),
 * so a sealed key cannot be moved to another row.
 */
public final class KeyEncryption {

    public static final String KEK_FILE = DataDirectory.KEK_FILE;
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** A sealed secret: base64(nonce ‖ ciphertext ‖ tag) and the id of the KEK that sealed it. */
    public record Sealed(String kekId, String ciphertext) {
    }

    private final SecretKey kek;
    private final String kekId;
    private final String source;
    private final SecureRandom random;

    KeyEncryption(byte[] kek, String source, SecureRandom random) {
        if (kek.length != KEY_BYTES) {
            throw new ConfigException("The key-encryption key must be 32 bytes (got " + kek.length + ").");
        }
        this.kek = new SecretKeySpec(kek, "AES");
        this.kekId = idOf(kek);
        this.source = source;
        this.random = random;
    }

    /** The configured KEK (base64), or the one in the data directory, generated there on first use. */
    public static KeyEncryption load(Optional<String> configured, Path dataDir, SecureRandom random) {
        if (configured.isPresent()) {
            return new KeyEncryption(decode(configured.get()), "GATEHOUSE_KEY_ENCRYPTION_KEY", random);
        }
        Path file = dataDir.resolve(KEK_FILE);
        return new KeyEncryption(readOrCreate(file, random), file.toString(), random);
    }

    /** Decodes a configured KEK; anything but base64 of exactly 32 bytes is a configuration error. */
    public static byte[] decode(String base64) {
        try {
            byte[] k = Base64.getDecoder().decode(base64.strip());
            if (k.length == KEY_BYTES) {
                return k;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ConfigException("GATEHOUSE_KEY_ENCRYPTION_KEY must be the base64 encoding of 32 random bytes, e.g. the output of "
                + "'openssl rand -base64 32'.");
    }

    /** A short, non-secret fingerprint of the KEK (SHA-256 prefix), stored beside each sealed key. */
    public String kekId() {
        return kekId;
    }

    /**
     * A key for another purpose, derived from the KEK (HMAC-SHA256 of the purpose under the KEK, a one-step HKDF-Expand):
     * every node that shares the KEK derives the same key, and it is never stored anywhere. Used for the CSRF tokens.
     */
    public byte[] derive(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(kek.getEncoded(), "HmacSHA256"));
            return mac.doFinal(("gatehouse/" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JDK", e);
        }
    }

    /** Where the KEK came from, for error messages. */
    public String source() {
        return source;
    }

    /** Seals {@code plaintext}, bound to {@code context} (GCM associated data): it opens only with the same context. */
    public Sealed seal(byte[] plaintext, String context) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plaintext);
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return new Sealed(kekId, Base64.getEncoder().encodeToString(out));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JDK", e);
        }
    }

    /** Opens what {@link #seal} sealed with the same context; altered, moved or foreign ciphertext is refused. */
    public byte[] open(Sealed sealed, String context) {
        if (!kekId.equals(sealed.kekId())) {
            throw new IllegalStateException("A sealed secret (" + context + ") was encrypted with key-encryption key " + sealed.kekId()
                    + ", but this node uses " + kekId + " (from " + source + "). Every node must use the same key: set "
                    + "GATEHOUSE_KEY_ENCRYPTION_KEY to the same value everywhere, or restore the original " + KEK_FILE + ".");
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.ciphertext());
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("The sealed secret " + context + " cannot be opened: it was altered or belongs elsewhere.", e);
        }
    }

    private static String idOf(byte[] kek) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(kek);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(d, 12));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads the KEK file, or creates it: the new key is written to a private temporary file and then hard-linked
     * into place, which fails if another process got there first; the loser then reads the winner's key.
     */
    private static byte[] readOrCreate(Path file, SecureRandom random) {
        try {
            if (Files.exists(file)) {
                DataDirectory.requirePrivateKey(file, "the key-encryption key");
                return read(file);
            }
            Path dir = file.getParent();
            DataDirectory.ensure(dir.getParent());   // the data directory, 0700
            DataDirectory.ensure(dir);
            byte[] key = new byte[KEY_BYTES];
            random.nextBytes(key);
            Path temp = Files.createTempFile(dir, "kek", ".tmp", DataDirectory.attributes(dir, DataDirectory.FILE));
            try {
                Files.writeString(temp, Base64.getEncoder().encodeToString(key) + System.lineSeparator());
                Files.createLink(file, temp);
                return key;
            } catch (FileAlreadyExistsException e) {
                return read(file);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the key-encryption key " + file, e);
        }
    }

    private static byte[] read(Path file) throws IOException {
        try {
            return decode(Files.readString(file));
        } catch (ConfigException e) {
            throw new ConfigException(file + " does not hold a key-encryption key (base64 of 32 bytes). Restore it from a backup, or, if no "
                    + "signing key was ever made with it, delete it to have a new one generated.");
        }
    }
}
