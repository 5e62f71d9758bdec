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
}
