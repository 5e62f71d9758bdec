package dev.gatehouse.directory;

import java.time.Instant;

/** A person in the org, as Okta's User object (the password hash never leaves the store's callers). */
public record User(
        String id,
        Status status,
        Profile profile,
        Instant created,
        Instant activated,
        Instant statusChanged,
        Instant lastLogin,
        Instant lastUpdated,
        Instant passwordChanged) {

    public enum Status { STAGED, PROVISIONED, ACTIVE, RECOVERY, PASSWORD_EXPIRED, LOCKED_OUT, SUSPENDED, DEPROVISIONED }

    public record Profile(String login, String email, String firstName, String lastName, String displayName, String mobilePhone) {
        /** What people see: the display name, else "First Last", else the login. */
        public String name() {
            if (displayName != null && !displayName.isBlank()) return displayName;
            String full = ((firstName == null ? "" : firstName) + " " + (lastName == null ? "" : lastName)).trim();
            return full.isEmpty() ? login : full;
        }
    }
}
