package dev.gatehouse.mfa;

import java.time.Instant;

/**
 * One of the org's authenticators (Okta Identity Engine): {@code okta_password} (always ACTIVE) or {@code google_otp}
 * (TOTP apps; INACTIVE on a new org). Others (webauthn, okta_email) are listed only once they work.
 */
public record Authenticator(String id, String key, String type, String name, Status status, Instant created, Instant lastUpdated) {

    public static final String PASSWORD = "okta_password";
    public static final String GOOGLE_OTP = "google_otp";

    public enum Status { ACTIVE, INACTIVE }

    public boolean active() {
        return status == Status.ACTIVE;
    }

    /** Whether an admin may activate and deactivate it: every authenticator but the password. */
    public boolean hasLifecycle() {
        return !PASSWORD.equals(key);
    }
}
