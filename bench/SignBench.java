import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

/**
 * sign_ms: the cost of one RS256 signature (RSA 2048, what Gatehouse's keys are) of an access-token-sized JWT,
 * with Nimbus as Gatehouse signs, on one thread. Run with Gatehouse's jar on the class path, so the provider
 * is the one Gatehouse installs at start (if its build installs one):
 *   java -cp target/gatehouse.jar bench/SignBench.java [N]
 * Prints one line: sign_ms=<CPU ms per signature> wall_median_ms=<median wall time> n=<N> provider=<provider that signed>.
 * sign_ms is the signing thread's CPU time (not wall time), so a busy machine inflates it much less; it is
 * also exactly what the signing bound needs: cores x 1000 CPU-ms per second / CPU-ms per signature.
 */
public class SignBench {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var pair = generator.generateKeyPair();
        PrivateKey key = pair.getPrivate();
        java.security.Provider provider = gatehouseSigningProvider();
        RSASSASigner signer = new RSASSASigner(provider == null ? key : gatehouseSigningKey(key));
        if (provider != null) {
            signer.getJCAContext().setProvider(provider);
        }
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bench-kid-0123456789abcdefghijklmnopqrstuvwxyz").build();
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().claim("ver", 1).jwtID("AT.bench0123456789abcdefghijklmnopqrstuvwxyz")
                .issuer("http://localhost:9000/oauth2/default").audience("api://default").issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600))).claim("cid", "0oabench0123456789ab").claim("uid", "00ubench0123456789ab")
                .claim("scp", List.of("openid", "offline_access")).subject("bench-user-1@example.com").build();

        for (int i = 0; i < Math.max(200, n / 4); i++) {   // warm-up: let the JIT compile the signing path
            sign(header, claims, signer);
        }
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            sign(header, claims, signer);
            nanos[i] = System.nanoTime() - t0;
        }
        SignedJWT check = new SignedJWT(header, claims);   // and the signatures are right: the JDK verifies one
        check.sign(signer);
        if (!SignedJWT.parse(check.serialize()).verify(new com.nimbusds.jose.crypto.RSASSAVerifier((java.security.interfaces.RSAPublicKey) pair.getPublic()))) {
            throw new IllegalStateException("a signature made with " + signer.getJCAContext().getProvider() + " does not verify");
        }
        double cpuMs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e6 / n;
        Arrays.sort(nanos);
        double median = nanos[n / 2] / 1e6;
        String name = (provider != null ? provider : Signature.getInstance("SHA256withRSA").getProvider()).getName();
        System.out.printf(java.util.Locale.ROOT, "sign_ms=%.3f wall_median_ms=%.3f n=%d provider=%s%n", cpuMs, median, n, name);
    }

    private static void sign(JWSHeader header, JWTClaimsSet claims, RSASSASigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        if (jwt.serialize().isEmpty()) {
            throw new IllegalStateException();
        }
    }

    /** The key as Gatehouse's TokenSigner holds it ({@code CryptoProvider.signingKey}), when this build has that method. */
    private static PrivateKey gatehouseSigningKey(PrivateKey key) {
        try {
            return (PrivateKey) Class.forName("dev.gatehouse.oauth.keys.CryptoProvider").getMethod("signingKey", PrivateKey.class).invoke(null, key);
        } catch (NoSuchMethodException | ClassNotFoundException e) {
            return key;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The provider Gatehouse's TokenSigner signs with, when this build of Gatehouse chooses one
     * ({@code dev.gatehouse.oauth.keys.CryptoProvider.signing()}); null: the JDK's. BENCH_PROVIDER=jdk forces the JDK's.
     */
    private static java.security.Provider gatehouseSigningProvider() {
        if ("jdk".equalsIgnoreCase(System.getenv("BENCH_PROVIDER"))) {
            return null;
        }
        try {
            Object chosen = Class.forName("dev.gatehouse.oauth.keys.CryptoProvider").getMethod("signing").invoke(null);
            return ((java.util.Optional<?>) chosen).map(java.security.Provider.class::cast).orElse(null);
        } catch (ClassNotFoundException e) {
            return null;   // this build signs with the JDK's provider
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
