package dev.gatehouse.oauth.keys;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.util.Optional;

/**
 * The JCA provider that makes token signatures: Amazon Corretto Crypto Provider (native AWS-LC) when its library
 * loads on this machine and passes its self-test, otherwise the JDK's. RS256 with ACCP costs about half the CPU
 * (measured here: 0.9 ms against 1.8 ms per signature), and signing is most of what a token grant costs.
 * ACCP is used only for RSA signatures (see {@link TokenSigner}); it is not installed as a JVM-wide provider,
 * so everything else (AES-GCM key sealing, SecureRandom, hashing) stays on the JDK's providers.
 * Chosen once per JVM and logged once, when {@link SigningKeys} is built at start.
 */
public final class CryptoProvider {

    private static final Logger LOG = LoggerFactory.getLogger(CryptoProvider.class);
    private static final Provider SIGNING = choose();

    private CryptoProvider() {
    }

    /** The provider to sign with; empty: the JDK's default for {@code SHA256withRSA}. */
    public static Optional<Provider> signing() {
        return Optional.ofNullable(SIGNING);
    }

    /**
     * The key as the signing provider's own key object. ACCP keeps a parsed native key in its own key objects;
     * given the JDK's key it re-parses the PKCS#8 encoding at every signature (a third of the signing cost in a
     * profile). Translated once here; on any failure the key as it was.
     */
    public static PrivateKey signingKey(PrivateKey key) {
        if (SIGNING == null) {
            return key;
        }
        try {
            return (PrivateKey) KeyFactory.getInstance(key.getAlgorithm(), SIGNING).translateKey(key);
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            LOG.warn("Cannot give the signing key to {}; it signs with the key as it is ({}).", SIGNING.getName(), e.toString());
            return key;
        }
    }

    private static Provider choose() {
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            accp.assertHealthy();
            Signature.getInstance("SHA256withRSA", accp);
            LOG.info("Tokens are signed with {} {}.", accp.getName(), accp.getVersionStr());
            return accp;
        } catch (Throwable e) {   // no native library for this OS/CPU, a failed self-test, a missing jar: fall back
            String jdk = defaultProviderName();
            LOG.info("Tokens are signed with the JDK provider {} (Amazon Corretto Crypto Provider unavailable: {}).", jdk, e.toString());
            return null;
        }
    }

    private static String defaultProviderName() {
        try {
            return Signature.getInstance("SHA256withRSA").getProvider().getName();
        } catch (java.security.NoSuchAlgorithmException e) {
            return "(none)";
        }
    }
}
