package dev.gatehouse.directory;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

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

    /** Whether the user has a password (Okta then shows {@code credentials.password: {}}). */
    public boolean hasPassword() {
        return passwordChanged != null;
    }

    /**
     * Okta's default user profile. The attributes with a column of their own are fields; the other
     * string attributes of the default profile ({@link UserProfileSchema#OPTIONAL}: secondEmail,
     * nickName, locale, ...) are in {@code extra}, never with a null value.
     */
    public record Profile(String login, String email, String firstName, String lastName, String displayName,
                          String mobilePhone, Map<String, String> extra) {

        public Profile {
            TreeMap<String, String> copy = new TreeMap<>();
            if (extra != null) {
                extra.forEach((k, v) -> {
                    if (v != null) {
                        copy.put(k, v);
                    }
                });
            }
            extra = Collections.unmodifiableMap(copy);
        }

        public Profile(String login, String email, String firstName, String lastName, String displayName, String mobilePhone) {
            this(login, email, firstName, lastName, displayName, mobilePhone, Map.of());
        }

        /** What people see: the display name, else "First Last", else the login. */
        public String name() {
            if (displayName != null && !displayName.isBlank()) return displayName;
            String full = ((firstName == null ? "" : firstName) + " " + (lastName == null ? "" : lastName)).trim();
            return full.isEmpty() ? login : full;
        }

        /** Every attribute that has a value, by its Okta name, in the order Okta shows them. */
        public Map<String, String> attributes() {
            Map<String, String> m = new LinkedHashMap<>();
            put(m, "firstName", firstName);
            put(m, "lastName", lastName);
            put(m, "mobilePhone", mobilePhone);
            put(m, "login", login);
            put(m, "email", email);
            put(m, "displayName", displayName);
            m.putAll(extra);
            return m;
        }

        private static void put(Map<String, String> m, String name, String value) {
            if (value != null) {
                m.put(name, value);
            }
        }
    }
}
