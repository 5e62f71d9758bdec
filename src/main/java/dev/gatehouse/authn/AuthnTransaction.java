package dev.gatehouse.authn;

import java.time.Instant;
import java.util.List;

/**
 * One Authentication API transaction (issue #20) as stored: whose, in which of Okta's states, what the person proved so
 * far, and the factor of the current step. The stateToken that names it is not here: only its hash is stored.
 *
 * @param kind      see {@link Kind}
 * @param factorId  the factor being challenged (MFA_CHALLENGE) or activated (MFA_ENROLL_ACTIVATE), else null
 */
public record AuthnTransaction(String id, String userId, Status status, Kind kind, List<String> amr, Instant passwordVerified,
                               Instant factorVerified, String factorId, String relayState, String recoveryKek, String recoverySealed,
                               Instant created, Instant expires) {

    /** The states a transaction can wait in (Okta's names). SUCCESS, LOCKED_OUT and RECOVERY_CHALLENGE are answers only. */
    public enum Status { MFA_REQUIRED, MFA_CHALLENGE, MFA_ENROLL, MFA_ENROLL_ACTIVATE, PASSWORD_EXPIRED, PASSWORD_RESET }

    /**
     * SIGN_IN: a primary authentication. RECOVERY: a reset link's token was exchanged (a factor, then PASSWORD_RESET).
     * EXPIRED: the right password of an expired one, for a person with a factor: that factor first, then PASSWORD_EXPIRED.
     */
    public enum Kind { SIGN_IN, RECOVERY, EXPIRED }

    public AuthnTransaction with(Status next, String factor) {
        return new AuthnTransaction(id, userId, next, kind, amr, passwordVerified, factorVerified, factor, relayState, recoveryKek,
                recoverySealed, created, expires);
    }
}
