package dev.gatehouse.mfa;

import java.time.Instant;

/**
 * One of the org's authenticators (Okta Identity Engine): {@code okta_password} (always ACTIVE), {@code google_otp}
 * (TOTP apps) or {@code webauthn} (passkeys and security keys), the last two INACTIVE on a new org. Others (okta_email)
 * are listed only once they work. {@code userVerification} is the webauthn method's setting (null for the others).
 */
public record Authenticator(String id, String key, String type, String name, Status status, Instant created, Instant lastUpdated,
                            UserVerification userVerification) {

    public static final String PASSWORD = "okta_password";
    public static final String GOOGLE_OTP = "google_otp";
    public static final String WEBAUTHN = "webauthn";

    public enum Status { ACTIVE, INACTIVE }

    /** Okta's {@code userVerification} of the webauthn method (and WebAuthn's own, in lower case, in the options). */
    public enum UserVerification {
        DISCOURAGED, PREFERRED, REQUIRED;

        public String webAuthnName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }

    /** Whether an admin may activate and deactivate it: every authenticator but the password. */
    public boolean hasLifecycle() {
        return !PASSWORD.equals(key);
    }
}
