package dev.gatehouse.troubleshoot;

import dev.gatehouse.syslog.SignInProblemStore;

/**
 * One group of refusals as the sign-in doctor explains it (issue #21): the counted group, a sentence saying what
 * happened, and the fix.
 *
 * @param row      the group as counted ({@link SignInProblemStore.Row}: cause, subject, count, first and last time, example)
 * @param summary  what happened, in a sentence or two, with the request's facts
 * @param fix      what to change
 */
public record Diagnosis(SignInProblemStore.Row row, String summary, Fix fix) {

    /**
     * What to change: {@code description} says it in words; {@code action} is the one-click change the console offers
     * (null when the fix is not Gatehouse's to make, or not safe to make in one click), with {@code confirm} the
     * question the admin confirms and {@code label} the button's words.
     */
    public record Fix(String description, Action action, String value, String label, String confirm) {
        public static Fix advice(String description) {
            return new Fix(description, null, null, null, null);
        }
    }

    /** The one-click fixes: each goes through the same use case (and rules, and System Log event) as the console's own form. */
    public enum Action {
        ADD_REDIRECT_URI, ADD_POST_LOGOUT_REDIRECT_URI, ADD_CORS_ORIGIN, ADD_REDIRECT_ORIGIN, ASSIGN_USER, ALLOW_GRANT,
        SET_GRACE_PERIOD, ACTIVATE_APP, UNLOCK_USER
    }

    public String id() {
        return row.id();
    }

    /** The cause in a few words, for the card's heading (the code stays beside it). */
    public String title() {
        return switch (row.cause()) {
            case REDIRECT_URI_NOT_REGISTERED -> "Redirect URI not registered";
            case POST_LOGOUT_REDIRECT_URI_NOT_REGISTERED -> "Sign-out redirect URI not registered";
            case CLIENT_NOT_FOUND -> "Unknown client ID";
            case APP_INACTIVE -> "App deactivated";
            case USER_NOT_ASSIGNED -> "Person not assigned to the app";
            case PKCE_MISSING -> "PKCE missing";
            case PKCE_MISMATCH -> "PKCE verifier does not match";
            case PUBLIC_CLIENT_SENT_SECRET -> "Public client sent a secret";
            case CLIENT_AUTHENTICATION_FAILED -> "Client authentication failed";
            case GRANT_TYPE_NOT_ALLOWED -> "Grant type not allowed";
            case SCOPE_NOT_ALLOWED -> "Scope not allowed";
            case REFRESH_TOKEN_REUSED -> "Refresh token reused";
            case REFRESH_TOKEN_EXPIRED -> "Refresh token expired";
            case CODE_REUSED -> "Authorization code used twice";
            case CODE_EXPIRED -> "Authorization code expired";
            case CORS_ORIGIN_NOT_TRUSTED -> "Origin not trusted for CORS";
            case REDIRECT_ORIGIN_NOT_TRUSTED -> "Origin not trusted for redirects";
            case USER_LOCKED_OUT -> "Person locked out";
            case NO_MATCHING_POLICY -> "No access policy rule matched";
            case CONSENT_DENIED -> "Consent refused";
            case MFA_FAILED -> "Second factor failed";
        };
    }
}
