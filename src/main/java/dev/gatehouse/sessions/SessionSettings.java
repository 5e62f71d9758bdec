package dev.gatehouse.sessions;

import java.time.Duration;

/**
 * How long sign-in sessions live. Okta's defaults: idle 120 minutes; Okta's maximum lifetime
 * defaults to none, Gatehouse's to 24 hours (0 means none), so a stolen cookie does not live forever.
 */
public record SessionSettings(Duration idle, Duration maxLifetime) {
    public SessionSettings {
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("The idle timeout must be positive");
        }
        if (maxLifetime.isNegative()) {
            throw new IllegalArgumentException("The maximum lifetime cannot be negative");
        }
    }

    public boolean limited() {
        return !maxLifetime.isZero();
    }
}
