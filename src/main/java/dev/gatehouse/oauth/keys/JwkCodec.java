package dev.gatehouse.oauth.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.gatehouse.oauth.keys.SigningKeyStore.StoredKey;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;

/**
 * Between an RSA key pair and the row that keeps it: the public half as a JWK ({@code use=sig}, RS256, its {@code kid}
 * the RFC 7638 thumbprint), the private half as PKCS#8 sealed by {@link KeyEncryption} under the context
 * {@code serverId/kid}, so a sealed key moved to another server's row does not open.
 */
final class JwkCodec {

    private final KeyEncryption encryption;

    JwkCodec(KeyEncryption encryption) {
        this.encryption = encryption;
    }

    /** The row of a new key: its public JWK and its sealed private key; {@code active} keys are activated {@code now}. */
    StoredKey encode(String authorizationServerId, int generation, KeyPair pair, Instant now, boolean active) {
        try {
            RSAKey unnamed = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).build();
            String kid = unnamed.computeThumbprint().toString();
            RSAKey publicJwk = new RSAKey.Builder(unnamed).keyID(kid).build();
            KeyEncryption.Sealed sealed = encryption.seal(pair.getPrivate().getEncoded(), context(authorizationServerId, kid));
            return new StoredKey(kid, authorizationServerId, generation, publicJwk.toJSONString(), sealed, now, active ? now : null, null);
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot make the JWK of an RSA signing key", e);
        }
    }

    /** The stored key's public JWK (nothing private). */
    static RSAKey publicJwk(StoredKey k) {
        try {
            return RSAKey.parse(k.publicJwk()).toPublicJWK();
        } catch (ParseException e) {
            throw new IllegalStateException("The stored public key " + k.kid() + " is not a JWK", e);
        }
    }

    /** Opens the stored key's sealed private key. */
    PrivateKey privateKey(StoredKey k) {
        byte[] pkcs8 = encryption.open(k.sealed(), context(k.authorizationServerId(), k.kid()));
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The stored signing key " + k.kid() + " is not an RSA private key", e);
        }
    }

    static String context(String authorizationServerId, String kid) {
        return authorizationServerId + "/" + kid;
    }
}
