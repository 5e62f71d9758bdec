package dev.gatehouse.syslog;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refusal's diagnosis as it travels with its System Log entry ({@link SystemLog.Entry#withProblem}): the cause, the
 * subject the refusals are grouped by within an app and cause (the redirect URI, origin, user or client id involved;
 * empty when one group is enough), and what the sign-in doctor shows of the request: its non-secret parameters and the
 * cause's own facts (the closest registered URI, when a refresh token was first used …). The caller puts only values that
 * are safe to show an admin; never a code, token, secret, verifier or password.
 */
public record Problem(Cause cause, String subject, Map<String, Object> example, String appId) {

    /** {@code appId}: the app the refusal is about when the event's targets cannot name it (a client that failed to authenticate). */
    public Problem {
        subject = subject == null ? "" : subject;
        example = example == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(example));
    }

    public static Problem of(Cause cause) {
        return new Problem(cause, "", Map.of(), null);
    }

    public static Problem of(Cause cause, String subject, Map<String, Object> example) {
        return new Problem(cause, subject, example, null);
    }

    /** The same problem, counted for this app whatever the event's targets. */
    public Problem forApp(String id) {
        return new Problem(cause, subject, example, id);
    }

    /** The same problem with one more fact (a null value is left out). */
    public Problem with(String key, Object value) {
        if (value == null) {
            return this;
        }
        Map<String, Object> more = new LinkedHashMap<>(example);
        more.put(key, value);
        return new Problem(cause, subject, more, appId);
    }
}
