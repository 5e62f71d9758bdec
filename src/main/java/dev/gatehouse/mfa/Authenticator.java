package dev.gatehouse.mfa;

import java.time.Instant;

/**
 * One of the org's authenticators (Okta Identity Engine): {@code okta_password} (always ACTIVE), {@code google_otp}
 * (TOTP apps), {@code webauthn} (passkeys and security keys) or {@code okta_email} (codes and links by email), all but the
 * password INACTIVE on a new org. Others are listed only once they work. {@code userVerification} is the webauthn method's setting (null for the others).
 */
public record Authenticator(String id, String key, String type, String name, Status status, Instant created, Instant lastUpdated,
                            UserVerification userVerification, Integer tokenLifetimeMinutes) {

    public static final String EMAIL = "okta_email";
    /** Okta's default {@code settings.tokenLifetimeInMinutes} of okta_email (AuthenticatorKeyEmail). */
    public static final int DEFAULT_EMAIL_TOKEN_MINUTES = 5;

    /** Any authenticator but okta_email (no token lifetime). */
    public Authenticator(String id, String key, String type, String name, Status status, Instant created, Instant lastUpdated,
                         UserVerification userVerification) {
        this(id, key, type, name, status, created, lastUpdated, userVerification, null);
    }

    /** okta_email's code and link lifetime: its setting, Okta's 5 minutes when unset. */
    public java.time.Duration tokenLifetime() {
        return java.time.Duration.ofMinutes(tokenLifetimeMinutes == null ? DEFAULT_EMAIL_TOKEN_MINUTES : tokenLifetimeMinutes);
    }

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
