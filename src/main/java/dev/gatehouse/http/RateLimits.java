package dev.gatehouse.http;

import dev.gatehouse.config.ConfigException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The limits in force (defaults, replaced per family by {@code GATEHOUSE_RATE_LIMITS}, scaled by
 * {@code GATEHOUSE_RATE_LIMIT_MULTIPLIER}) and the token buckets that enforce them. Plain Java: the HTTP side is
 * {@link RateLimitFilter}; the token endpoint asks here for its per-user limit.
 *
 * <p>Each bucket holds {@code limit} tokens and refills greedily over the family's period (a steady trickle, not a
 * reset at the top of the minute, so refused clients do not all come back at once).
 */
public final class RateLimits implements AutoCloseable {

    /** The answer for one request: allowed or not, and what the {@code X-Rate-Limit-*} headers say. */
    public record Decision(boolean allowed, long limit, long remaining, long resetEpochSeconds, long retryAfterSeconds) {
    }

    private final Map<RateLimitFamily, Long> limits;
    private final Map<RateLimitFamily, BucketConfiguration> configurations = new EnumMap<>(RateLimitFamily.class);
    private final Buckets buckets;
    private final Clock clock;

    RateLimits(Map<RateLimitFamily, Long> limits, Buckets buckets, Clock clock) {
        this.limits = Map.copyOf(limits);
        this.buckets = buckets;
        this.clock = clock;
        this.limits.forEach((family, limit) -> configurations.put(family, BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(limit).refillGreedy(limit, family.period()).build()).build()));
    }

    /**
     * Builds the limits from configuration. On PostgreSQL ({@code shared} present) the buckets live in the database so
     * several nodes share them; on H2 (one node) they live in memory.
     *
     * @param overrides per-family limits by config name; an unknown name stops the start
     */
    public static RateLimits of(double multiplier, Map<String, Integer> overrides, Optional<SharedBuckets.Store> shared, Clock clock) {
        for (String name : overrides.keySet()) {
            if (RateLimitFamily.byConfigName(name).isEmpty()) {
                throw new ConfigException("GATEHOUSE_RATE_LIMITS names an unknown family '" + name + "'. Known: "
                        + java.util.Arrays.stream(RateLimitFamily.values()).map(RateLimitFamily::configName).toList() + ".");
            }
        }
        Map<RateLimitFamily, Long> limits = new EnumMap<>(RateLimitFamily.class);
        for (RateLimitFamily family : RateLimitFamily.values()) {
            int base = overrides.getOrDefault(family.configName(), family.defaultLimit());
            if (multiplier > 0 && base > 0) {   // 0 turns a family (or, as the multiplier, every family) off
                limits.put(family, Math.max(1, Math.round(base * multiplier)));
            }
        }
        TimeMeter time = timeOf(clock);
        Buckets buckets = limits.isEmpty() ? new LocalBuckets(time)
                : shared.<Buckets>map(store -> new SharedBuckets(store, time)).orElseGet(() -> new LocalBuckets(time));
        return new RateLimits(limits, buckets, clock);
    }

    /** The limit in force for a family, or empty when that family is not limited. */
    public Optional<Long> limit(RateLimitFamily family) {
        return Optional.ofNullable(limits.get(family));
    }

    /** Takes one token from the family's bucket for {@code key}; empty when the family is not limited. */
    public Optional<Decision> take(RateLimitFamily family, String key) {
        BucketConfiguration configuration = configurations.get(family);
        if (configuration == null) {
            return Optional.empty();
        }
        ConsumptionProbe probe = buckets.bucket(family.configName() + ":" + bucketKey(key), configuration).tryConsumeAndReturnRemaining(1);
        long nowMillis = clock.millis();
        long waitNanos = probe.isConsumed() ? probe.getNanosToWaitForReset() : probe.getNanosToWaitForRefill();
        long reset = TimeUnit.MILLISECONDS.toSeconds(nowMillis + TimeUnit.NANOSECONDS.toMillis(waitNanos) + 999);
        long retryAfter = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999));
        return Optional.of(new Decision(probe.isConsumed(), limits.get(family), probe.getRemainingTokens(), reset, retryAfter));
    }

    /** Keys longer than this are replaced by their SHA-256 (a username is the client's to choose). */
    static final int MAX_KEY = 128;

    /**
     * The key a bucket is stored under: the key itself, or for a longer one {@code sha256:} and its hash, so a client
     * cannot make a bucket as large as its request (on PostgreSQL a bucket is a row of {@code rate_limit_buckets}; a
     * 950 KB username made a 950 KB row). Distinct keys stay distinct.
     */
    static String bucketKey(String key) {
        return key.length() <= MAX_KEY ? key : "sha256:" + dev.gatehouse.storage.Hashes.sha256(key);
    }

    /** Bucket4j's clock from the injected one, so tests move time instead of sleeping; wall-clock based for shared buckets. */
    private static TimeMeter timeOf(Clock clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return TimeUnit.MILLISECONDS.toNanos(clock.millis());
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    @Override
    public void close() {
        buckets.close();
    }
}
