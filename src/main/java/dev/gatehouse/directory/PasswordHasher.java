package dev.gatehouse.directory;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashes in the PHC string format ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}),
 * so the parameters travel with each hash and {@link #needsRehash} can tell when they changed.
 *
 * <p>Argon2 runs on a few platform threads of its own, one per core, never on the caller's thread. The
 * callers are virtual threads, which the JVM does not preempt: a burst of sign-ins hashing on them held
 * every carrier thread for tens of milliseconds at a time, and requests holding a database connection
 * could not run to give it back (the sign-in benchmark drained the pool: 500s after Hikari's 5 s wait).
 * On platform threads the OS time-slices hashing against the carriers, and beyond one hash per core the
 * work queues in arrival order while the waiting virtual threads unmount and cost nothing.
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
    private final ThreadPoolExecutor argon2;

    public PasswordHasher(Params params, SecureRandom random) {
        this.params = params;
        this.random = random;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        // Idle threads end after a while, so an instance needs no close (tests build many servers).
        this.argon2 = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "argon2-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.argon2.allowCoreThreadTimeOut(true);
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
        if (phc.startsWith(ImportedHash.PREFIX)) {   // imported from another store (issue #22), until the first sign-in
            return ImportedHash.fromStored(phc).map(h -> h.verify(password)).orElse(false);
        }
        Matcher m = PHC.matcher(phc);
        if (!m.matches()) {
            return false;
        }
        Params p = new Params(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        byte[] expected = B64D.decode(m.group(5));
        return MessageDigest.isEqual(expected, derive(password, B64D.decode(m.group(4)), p, expected.length));
    }

    /**
     * Whether {@code phc} is an Argon2id hash this hasher can verify, with costs within what the configuration accepts
     * (memory 1 MiB to 4 GiB, 1 to 20 iterations, 1 to 16 lanes): an imported one (issue #22, an org file exported with
     * its hashes) is checked with it before it is stored.
     */
    static boolean acceptable(String phc) {
        Matcher m = PHC.matcher(phc == null ? "" : phc);
        if (!m.matches() || m.group(1).length() > 8 || m.group(2).length() > 3 || m.group(3).length() > 3) {
            return false;
        }
        int memory = Integer.parseInt(m.group(1));
        int iterations = Integer.parseInt(m.group(2));
        int lanes = Integer.parseInt(m.group(3));
        return memory >= 1024 && memory <= 4 * 1024 * 1024 && iterations >= 1 && iterations <= 20 && lanes >= 1 && lanes <= 16
                && m.group(4).length() <= 100 && m.group(5).length() <= 200;
    }

    /** True when the hash was made with other parameters than the configured ones. */
    public boolean needsRehash(String phc) {
        if (phc != null && phc.startsWith(ImportedHash.PREFIX)) {
            return true;
        }
        Matcher m = PHC.matcher(phc == null ? "" : phc);
        return !m.matches() || !new Params(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))).equals(params);
    }

    /** Runs Argon2 on the hashing threads and waits for it (see the class comment for why). */
    private byte[] derive(String password, byte[] salt, Params p, int length) {
        Future<byte[]> result = argon2.submit(() -> argon2id(password, salt, p, length));
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while hashing a password", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("Password hashing failed", e.getCause());
        }
    }

    private static byte[] argon2id(String password, byte[] salt, Params p, int length) {
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
