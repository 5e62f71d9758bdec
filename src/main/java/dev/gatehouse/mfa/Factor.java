package dev.gatehouse.mfa;

import java.time.Instant;

/**
 * A user's factor (Okta's UserFactor): Google Authenticator TOTP ({@code token:software:totp}, provider {@code GOOGLE})
 * or WebAuthn ({@code webauthn}, provider {@code FIDO}). A TOTP seed stays sealed here ({@code kekId},
 * {@code sealedSecret}); only {@link Factors} opens it. A WebAuthn factor carries its {@code credential} (null while
 * pending) and no seed. A PENDING_ACTIVATION factor past {@code expiresAt} is shown as EXPIRED and can only be replaced
 * by a new enrollment. An email factor ({@code email}, provider {@code OKTA}) has its address ({@code userEmail}, Okta's
 * {@code profile.email}) and no seed.
 */
public record Factor(String id, String userId, String factorType, String provider, Status status, String kekId, String sealedSecret,
                     Long lastStep, Instant expiresAt, Instant created, Instant lastUpdated, Credential credential, String userEmail) {

    public static final String EMAIL = "email";
    public static final String OKTA = "OKTA";

    /** A TOTP or WebAuthn factor (no email address). */
    public Factor(String id, String userId, String factorType, String provider, Status status, String kekId, String sealedSecret,
                  Long lastStep, Instant expiresAt, Instant created, Instant lastUpdated, Credential credential) {
        this(id, userId, factorType, provider, status, kekId, sealedSecret, lastStep, expiresAt, created, lastUpdated, credential, null);
    }

    /** Okta's email factor: a code and a link sent to {@code email} (its profile). */
    public boolean email() {
        return EMAIL.equals(factorType);
    }

    public static final String TOTP = "token:software:totp";
    public static final String GOOGLE = "GOOGLE";
    public static final String WEBAUTHN = "webauthn";
    public static final String FIDO = "FIDO";

    /** A TOTP factor (no WebAuthn credential). */
    public Factor(String id, String userId, String factorType, String provider, Status status, String kekId, String sealedSecret,
                  Long lastStep, Instant expiresAt, Instant created, Instant lastUpdated) {
        this(id, userId, factorType, provider, status, kekId, sealedSecret, lastStep, expiresAt, created, lastUpdated, null);
    }

    /**
     * A WebAuthn credential, all public material: its id (base64url), the COSE public key (base64url of its CBOR), the
     * last signature counter, the AAGUID, the flags at registration (user verified, backup eligible, backup state), the
     * transports the browser reported, and the name shown as Okta's {@code profile.authenticatorName}.
     */
    public record Credential(String credentialId, String publicKey, long signCount, String aaguid, boolean userVerified,
                             boolean backupEligible, boolean backupState, java.util.List<String> transports, String authenticatorName) {
    }

    public boolean webAuthn() {
        return WEBAUTHN.equals(factorType);
    }

    /** The name people see: "Google Authenticator", or the WebAuthn authenticator's name. */
    public String displayName() {
        if (email()) {
            return "Email";
        }
        if (!webAuthn()) {
            return "Google Authenticator";
        }
        return credential != null && credential.authenticatorName() != null ? credential.authenticatorName() : WebAuthn.DEFAULT_NAME;
    }

    public enum Status { PENDING_ACTIVATION, ACTIVE }

    /** The status Okta's JSON shows: EXPIRED for a pending enrollment past its end. */
    public String shownStatus(Instant now) {
        return expired(now) ? "EXPIRED" : status.name();
    }

    public boolean expired(Instant now) {
        return status == Status.PENDING_ACTIVATION && expiresAt != null && !now.isBefore(expiresAt);
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }
}
