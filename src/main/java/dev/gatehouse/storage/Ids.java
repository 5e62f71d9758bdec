package dev.gatehouse.storage;

import java.security.SecureRandom;

/**
 * Okta-style identifiers: a type prefix and 17 random base62 characters ({@code 00u} user,
 * {@code 00g} group, {@code 0oa} app and client_id, {@code tos} trusted origin, {@code ftr} feature,
 * {@code aus} authorization server, {@code oar} refresh token, {@code 00T} API token, {@code 00o} org,
 * {@code 102} session). Also the source of random secrets, so tests can inject their own.
 */
public final class Ids {

    public static final String USER = "00u";
    public static final String GROUP = "00g";
    public static final String APP = "0oa";
    public static final String TRUSTED_ORIGIN = "tos";
    public static final String FEATURE = "ftr";
    public static final String AUTHORIZATION_SERVER = "aus";
    public static final String REFRESH_TOKEN = "oar";
    public static final String API_TOKEN = "00T";
    public static final String ORG = "00o";
    public static final String SESSION = "102";
    /** An Authentication API transaction (issue #20; never shown: its stateToken names it). */
    public static final String AUTHN = "0at";

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private final SecureRandom random;

    public Ids(SecureRandom random) {
        this.random = random;
    }

    public String next(String prefix) {
        return prefix + base62(17);
    }

    /**
     * {@code length} uniformly random base62 characters (5.95 bits each). The random bytes are drawn a batch at a time,
     * each byte below 248 (4 × 62) giving one character and the rest drawn again, so the characters stay uniform: a
     * {@code nextInt} per character was one synchronized call into the JDK's SecureRandom each, 27 for a request id
     * (issue #23's profile).
     */
    public String base62(int length) {
        char[] out = new char[length];
        byte[] batch = new byte[length + length / 8 + 2];
        int filled = 0;
        while (filled < length) {
            random.nextBytes(batch);
            for (int i = 0; i < batch.length && filled < length; i++) {
                int b = batch[i] & 0xff;
                if (b < 248) {
                    out[filled++] = BASE62[b % 62];
                }
            }
        }
        return new String(out);
    }

    public byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
