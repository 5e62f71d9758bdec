package dev.gatehouse.mfa;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * RFC 6238 time-based one-time passwords as Google Authenticator computes them: HMAC-SHA1, 6 digits, 30-second steps,
 * and one step of clock drift either way. The arithmetic is java-otp's; this class only decides which steps count and
 * compares in constant time. Seeds are 20 random bytes (160 bits, RFC 4226's recommendation), shown as 32 characters of
 * unpadded upper-case base32, the form authenticator apps and Okta's SDKs read.
 */
public final class Totp {

    public static final Duration STEP = Duration.ofSeconds(30);
    public static final int DIGITS = 6;
    public static final int SEED_BYTES = 20;
    /** Steps accepted either side of the current one. */
    public static final int DRIFT = 1;

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final TimeBasedOneTimePasswordGenerator GENERATOR = new TimeBasedOneTimePasswordGenerator(STEP, DIGITS, "HmacSHA1");

    private Totp() {
    }

    /** The time step of an instant: whole 30-second periods since the epoch. */
    public static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), STEP.toSeconds());
    }

    /** The code for a time step, as the 6 digits an app shows (leading zeros kept). */
    public static String code(byte[] seed, long step) {
        try {
            int value = GENERATOR.generateOneTimePassword(new SecretKeySpec(seed, "HmacSHA1"), Instant.ofEpochSecond(step * STEP.toSeconds()));
            return String.format(Locale.ROOT, "%0" + DIGITS + "d", value);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("An HMAC-SHA1 key of " + seed.length + " bytes was refused", e);
        }
    }

    /**
     * The step whose code {@code passCode} is, among the current step and {@value #DRIFT} either side, or empty. Every
     * candidate is computed and compared in constant time, so the timing does not say which step matched. When two steps
     * have the same code (one chance in a million), the latest wins.
     */
    public static OptionalLong match(byte[] seed, String passCode, Instant now) {
        if (passCode == null || passCode.length() != DIGITS || !passCode.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        long current = step(now);
        long found = Long.MIN_VALUE;
        byte[] given = passCode.getBytes(StandardCharsets.US_ASCII);
        for (long s = current - DRIFT; s <= current + DRIFT; s++) {
            if (MessageDigest.isEqual(given, code(seed, s).getBytes(StandardCharsets.US_ASCII))) {
                found = s;
            }
        }
        return found == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(found);
    }

    /** RFC 4648 base32, upper case, without padding. */
    public static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    /** Decodes unpadded base32 (case and spaces ignored), as an authenticator app reads a typed-in secret. */
    public static byte[] fromBase32(String text) {
        String s = text.replace(" ", "").replace("=", "").toUpperCase(Locale.ROOT);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : s.toCharArray()) {
            int v = ALPHABET.indexOf(c);
            if (v < 0) {
                throw new IllegalArgumentException("Not base32: " + c);
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
