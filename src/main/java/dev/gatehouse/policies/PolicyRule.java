package dev.gatehouse.policies;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** A rule of a {@link Policy}: Okta's {@code conditions} (may be null) and {@code actions} JSON, read-only. */
public record PolicyRule(String id, String policyId, PolicyType type, String name, boolean active, int priority, boolean system,
                         JsonNode conditions, JsonNode actions, Instant created, Instant lastUpdated) {
}
