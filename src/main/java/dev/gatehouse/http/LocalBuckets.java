package dev.gatehouse.http;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucket;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Buckets in this process: right for the embedded H2 database, where there is one node. Buckets keyed by client IP or
 * username would grow without end under a credential-stuffing run, so once the map is large, buckets that have
 * refilled completely are dropped: a full bucket is exactly what a new one would be, so nothing is forgotten.
 */
final class LocalBuckets implements Buckets {

    private static final int SWEEP_ABOVE = 10_000;

    private final ConcurrentMap<String, LocalBucket> buckets = new ConcurrentHashMap<>();
    private final TimeMeter time;

    LocalBuckets(TimeMeter time) {
        this.time = time;
    }

    @Override
    public Bucket bucket(String key, BucketConfiguration configuration) {
        if (buckets.size() > SWEEP_ABOVE) {
            sweep();
        }
        return buckets.computeIfAbsent(key, k -> Bucket.builder()
                .addLimit(configuration.getBandwidths()[0])
                .withCustomTimePrecision(time)
                .build());
    }

    private void sweep() {
        buckets.values().removeIf(b -> b.getAvailableTokens() >= b.getConfiguration().getBandwidths()[0].getCapacity());
    }

    @Override
    public void close() {
        buckets.clear();
    }
}
