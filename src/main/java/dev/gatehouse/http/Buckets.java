package dev.gatehouse.http;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;

/** Where rate-limit buckets live: in this process (one node), or in the shared database (several nodes). */
interface Buckets extends AutoCloseable {

    /** The bucket for this key, created full with {@code configuration} on first use. */
    Bucket bucket(String key, BucketConfiguration configuration);

    @Override
    void close();
}
