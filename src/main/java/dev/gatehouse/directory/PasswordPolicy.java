package dev.gatehouse.directory;

import dev.gatehouse.api.ApiError;

import java.util.Locale;
import java.util.Optional;

/**
 * The org's password policy: a length range (counted in Unicode code points) and never the username
 * itself, compared without regard to case. A violation reads as Okta's does: the whole policy is
 * listed, not only the rule that failed.
 */
public record PasswordPolicy(int minLength, int maxLength) {

    public static final PasswordPolicy DEFAULT = new PasswordPolicy(8, 256);

    public PasswordPolicy {
        if (minLength < 1 || maxLength < minLength) {
            throw new IllegalArgumentException("Invalid password length range " + minLength + ".." + maxLength);
        }
    }

    /** Okta's text for the policy, e.g. "at least 8 characters, not the same as your username, at most 256 characters". */
    public String requirements() {
        return "at least " + minLength + " characters, not the same as your username, at most " + maxLength + " characters";
    }

    /** The {@code password} cause when {@code password} breaks the policy for a user with this login. */
    public Optional<ApiError.Cause> check(String password, String login) {
        int length = password == null ? 0 : password.codePointCount(0, password.length());
        boolean ok = length >= minLength && length <= maxLength
                && (login == null || !password.toLowerCase(Locale.ROOT).equals(login.toLowerCase(Locale.ROOT)));
        return ok ? Optional.empty()
                : Optional.of(new ApiError.Cause("password", "Password requirements were not met. Password requirements: " + requirements() + "."));
    }
}
