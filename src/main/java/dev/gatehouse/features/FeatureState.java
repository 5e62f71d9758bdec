package dev.gatehouse.features;

import java.time.Instant;

/** A feature of this org: its id, catalog entry and whether it is on. */
public record FeatureState(String id, Feature feature, boolean enabled, Instant lastUpdated) {
}
