package dev.gatehouse.oauth.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.security.PrivateKey;
import java.text.ParseException;

/**
 * Signs tokens for one authorization server with its active key: RS256, header exactly
 * {@code {"alg":"RS256","kid":"…"}} (no {@code typ}, as Okta's tokens; okta-jwt-verifier-java accepts only RS256).
 * Thread-safe; get one from {@link SigningKeys#activeSigner} for each token (it is cached there).
 */
public final class TokenSigner {

    private final String authorizationServerId;
    private final String kid;
    private final JWSHeader header;
    private final RSASSASigner signer;

    TokenSigner(String authorizationServerId, String kid, PrivateKey privateKey) {
        this.authorizationServerId = authorizationServerId;
        this.kid = kid;
        try {
            // Parsed from these exact bytes, so the encoded header is byte-for-byte this JSON (Nimbus would order it kid, alg).
            this.header = JWSHeader.parse(Base64URL.encode("{\"alg\":\"RS256\",\"kid\":\"" + kid + "\"}"));
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        this.signer = new RSASSASigner(CryptoProvider.signingKey(privateKey));
        CryptoProvider.signing().ifPresent(p -> signer.getJCAContext().setProvider(p));
    }

    public String authorizationServerId() {
        return authorizationServerId;
    }

    /** The {@code kid} of the key that signs. */
    public String kid() {
        return kid;
    }

    /** The claims as a compact JWS ({@code header.payload.signature}). */
    public String sign(JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign with key " + kid, e);
        }
        return jwt.serialize();
    }
}
