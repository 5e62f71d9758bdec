package dev.gatehouse.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * SHA-256 for high-entropy secrets (API tokens, session ids, codes, refresh tokens): they are
 * stored only as this hash and looked up by it. Passwords use Argon2id instead.
 */
public final class Hashes {

    private Hashes() {
    }

    public static String sha256(String secret) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
