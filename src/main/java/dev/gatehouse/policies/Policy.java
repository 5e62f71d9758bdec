package dev.gatehouse.policies;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * An Okta policy: {@code conditions} and {@code settings} are Okta's JSON as validated and normalised by
 * {@link PolicyInput} (null where the type has none). Treat the JSON as read-only.
 */
public record Policy(String id, PolicyType type, String name, String description, boolean active, int priority, boolean system,
                     JsonNode conditions, JsonNode settings, Instant created, Instant lastUpdated) {
}
