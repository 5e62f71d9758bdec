package dev.gatehouse.mfa;

import java.time.Instant;

/**
 * A user's factor (Okta's UserFactor): for now only Google Authenticator TOTP ({@code token:software:totp}, provider
 * {@code GOOGLE}). The seed stays sealed here ({@code kekId}, {@code sealedSecret}); only {@link Factors} opens it.
 * A PENDING_ACTIVATION factor past {@code expiresAt} is shown as EXPIRED and can only be replaced by a new enrollment.
 */
public record Factor(String id, String userId, String factorType, String provider, Status status, String kekId, String sealedSecret,
                     Long lastStep, Instant expiresAt, Instant created, Instant lastUpdated) {

    public static final String TOTP = "token:software:totp";
    public static final String GOOGLE = "GOOGLE";

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
