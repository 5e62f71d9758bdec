package dev.gatehouse.syslog;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One System Log entry with Okta LogEvent's fields. */
public record LogEvent(
        long seq,
        String uuid,
        Instant published,
        String eventType,
        String displayMessage,
        Severity severity,
        Actor actor,
        String clientIp,
        String clientUserAgent,
        Outcome outcome,
        List<Target> targets,
        String transactionId,
        Map<String, Object> debugData) {

    public enum Severity { DEBUG, INFO, WARN, ERROR }

    /** {@code result} is SUCCESS, FAILURE, SKIPPED, ALLOW, DENY, CHALLENGE or UNKNOWN, as in Okta. */
    public record Outcome(String result, String reason) {
        public static final Outcome SUCCESS = new Outcome("SUCCESS", null);

        public static Outcome failure(String reason) {
            return new Outcome("FAILURE", reason);
        }
    }
}
