package dev.gatehouse.directory;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashes in the PHC string format ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}),
 * so the parameters travel with each hash and {@link #needsRehash} can tell when they changed.
 */
public final class PasswordHasher {

    /** Argon2id cost: memory in KiB, iterations, lanes. Defaults are OWASP's recommendation. */
    public record Params(int memoryKiB, int iterations, int parallelism) {
        public static final Params DEFAULT = new Params(19_456, 2, 1);

        public Params {
            if (memoryKiB < 8 * parallelism || iterations < 1 || parallelism < 1) {
                throw new IllegalArgumentException("Invalid Argon2id parameters");
            }
        }
    }

    private static final Pattern PHC = Pattern.compile("\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final Params params;
    private final SecureRandom random;

    public PasswordHasher(Params params, SecureRandom random) {
        this.params = params;
        this.random = random;
    }

    public String hash(String password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, params, 32);
        return "$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s".formatted(params.memoryKiB(), params.iterations(), params.parallelism(),
                B64.encodeToString(salt), B64.encodeToString(out));
    }

    public boolean verify(String password, String phc) {
        if (phc == null || password == null) {
            return false;
        }
        Matcher m = PHC.matcher(phc);
        if (!m.matches()) {
            return false;
        }
        Params p = new Params(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        byte[] expected = B64D.decode(m.group(5));
        return MessageDigest.isEqual(expected, derive(password, B64D.decode(m.group(4)), p, expected.length));
    }

    /** True when the hash was made with other parameters than the configured ones. */
    public boolean needsRehash(String phc) {
        Matcher m = PHC.matcher(phc == null ? "" : phc);
        return !m.matches() || !new Params(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))).equals(params);
    }

    private static byte[] derive(String password, byte[] salt, Params p, int length) {
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(p.memoryKiB()).withIterations(p.iterations()).withParallelism(p.parallelism())
                .withSalt(salt).build());
        byte[] out = new byte[length];
        gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
