package dev.gatehouse.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rate-limit bucket is stored under a bounded key (outside review, finding 2): on PostgreSQL a bucket is a row of
 * {@code rate_limit_buckets}, and a 950 KB username made the sign-in a 500 (the id column is 400 characters).
 * {@code OversizedInputHttpTest} shows it over HTTP on PostgreSQL; this shows the rule.
 */
class RateLimitKeysTest {

    @Test
    void aKeyUpToTheLimitIsKeptAndALongerOneIsItsHash() {
        String limit = "u".repeat(RateLimits.MAX_KEY);
        assertThat(RateLimits.bucketKey(limit)).isEqualTo(limit);
        assertThat(RateLimits.bucketKey("ada@example.com")).isEqualTo("ada@example.com");

        String longer = RateLimits.bucketKey(limit + "u");
        assertThat(longer).startsWith("sha256:").hasSizeLessThan(80);
        assertThat(RateLimits.bucketKey("x".repeat(950_000))).hasSizeLessThan(80).isNotEqualTo(longer);
        assertThat(RateLimits.bucketKey(limit + "u")).as("the same key, the same bucket").isEqualTo(longer);
    }
}
