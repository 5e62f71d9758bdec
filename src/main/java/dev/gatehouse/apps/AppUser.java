package dev.gatehouse.apps;

import java.time.Instant;

/**
 * A user who may sign in to an app (Okta's AppUser): assigned directly ({@link Scope#USER}) or through an
 * assigned group ({@link Scope#GROUP}; a direct assignment wins when there are both). {@code created} is
 * when the direct assignment, or else the earliest group assignment that includes the user, was made.
 */
public record AppUser(String appId, String userId, String login, String displayName, Scope scope, Instant created,
                      Instant lastUpdated) {

    public enum Scope { USER, GROUP }
}
