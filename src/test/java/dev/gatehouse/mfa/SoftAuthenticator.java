package dev.gatehouse.mfa;

import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.AttestationStatement;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.attestation.statement.PackedAttestationStatement;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.UUID;

/**
 * A software WebAuthn authenticator for tests (webauthn4j-test is not served here): an ES256 key pair, a random credential
 * id, and the bytes a browser would hand back — clientDataJSON, an attestation object ({@code none}, or {@code packed}
 * self attestation signed with the credential key) and assertions (authenticator data and a DER ECDSA signature over
 * {@code authenticatorData ‖ SHA-256(clientDataJSON)}). Everything a test may want to get wrong is a parameter: origin,
 * RP id, challenge, flags and counter. Public for the recovery tests (sessions/RecoveryHttpTest).
 */
public final class SoftAuthenticator {

    public static final int UP = 0x01;
    public static final int UV = 0x04;
    static final int BE = 0x08;
    static final int BS = 0x10;
    static final int AT = 0x40;

    private static final ObjectConverter CONVERTER = new ObjectConverter();

    public final KeyPair keys;
    final byte[] credentialId;
    final UUID aaguid = UUID.randomUUID();
    final boolean backupEligible;

    /** What {@code navigator.credentials.create/get} returns, base64url. */
    public record Response(String clientData, String attestation, String authenticatorData, String signature) {
    }

    public SoftAuthenticator(boolean backupEligible) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            this.keys = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        this.credentialId = new byte[32];
        new java.security.SecureRandom().nextBytes(credentialId);
        this.backupEligible = backupEligible;
    }

    public String credentialIdB64u() {
        return b64u(credentialId);
    }

    /** A registration response for these options' challenge, as a browser at {@code origin} would make it. */
    public Response register(String challenge, String origin, String rpId, int flags, boolean packed) {
        byte[] clientData = clientData("webauthn.create", challenge, origin);
        int f = flags | AT | (backupEligible ? BE : 0);
        AuthenticatorData<RegistrationExtensionAuthenticatorOutput> ad = new AuthenticatorData<>(sha256(rpId.getBytes(StandardCharsets.UTF_8)),
                (byte) f, 0, new AttestedCredentialData(new AAGUID(aaguid), credentialId,
                EC2COSEKey.create((ECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.ES256)));
        AttestationStatement statement = new NoneAttestationStatement();
        if (packed) {
            byte[] adBytes = new AuthenticatorDataConverter(CONVERTER).convert(ad);
            statement = new PackedAttestationStatement(COSEAlgorithmIdentifier.ES256, sign(keys.getPrivate(), concat(adBytes, sha256(clientData))), null);
        }
        byte[] attestation = new AttestationObjectConverter(CONVERTER).convertToBytes(new AttestationObject(ad, statement));
        return new Response(b64u(clientData), b64u(attestation), null, null);
    }

    /** An assertion for {@code challenge} with this counter and flags, signed with this credential's key (or {@code signer}). */
    public Response assertion(String challenge, String origin, String rpId, int flags, long counter, PrivateKey signer) {
        byte[] clientData = clientData("webauthn.get", challenge, origin);
        byte[] ad = ByteBuffer.allocate(37).put(sha256(rpId.getBytes(StandardCharsets.UTF_8)))
                .put((byte) (flags | (backupEligible ? BE : 0))).putInt((int) counter).array();
        byte[] sig = sign(signer == null ? keys.getPrivate() : signer, concat(ad, sha256(clientData)));
        return new Response(b64u(clientData), null, b64u(ad), b64u(sig));
    }

    static byte[] clientData(String type, String challenge, String origin) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + challenge + "\",\"origin\":\"" + origin + "\",\"crossOrigin\":false}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static String b64u(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Standard base64 with padding, as Okta's own clients send attestation and client data. */
    static String b64(String b64u) {
        return Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(b64u));
    }

    static PrivateKey otherKey() {
        return new SoftAuthenticator(false).keys.getPrivate();
    }

    private static byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
