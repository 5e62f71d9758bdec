package dev.gatehouse.http;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Buckets in the shared PostgreSQL database (table {@code rate_limit_buckets}, migration V20), so every node counts
 * against the same limit. Bucket4j reads and writes a bucket in one transaction with {@code SELECT ... FOR UPDATE},
 * so two nodes never both spend the last token. The cost is one short transaction per limited request; Bucket4j's
 * batching folds concurrent requests for the same bucket on one node into one transaction, which keeps the hot
 * org-wide buckets from queueing on their row lock. Rows of buckets that have refilled are deleted once a minute.
 */
final class SharedBuckets implements Buckets {

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> proxies;
    private final ScheduledExecutorService cleaner;

    SharedBuckets(DataSource dataSource, TimeMeter time) {
        this.proxies = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_buckets")
                .idColumn("id")
                .stateColumn("state")
                .expiresAtColumn("expires_at")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .clientClock(time)
                .build();
        this.cleaner = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("rate-limit-cleaner").unstarted(r));
        cleaner.scheduleWithFixedDelay(this::removeExpired, 1, 1, TimeUnit.MINUTES);
    }

    @Override
    public Bucket bucket(String key, BucketConfiguration configuration) {
        return proxies.builder().withOptimization(Optimizations.batching()).build(key, () -> configuration);
    }

    private void removeExpired() {
        try {
            while (proxies.removeExpired(1000) == 1000) {
                // keep going until a batch comes back short
            }
        } catch (RuntimeException e) {
            // a failed sweep leaves stale rows for the next one; it must never stop the schedule
            org.slf4j.LoggerFactory.getLogger(SharedBuckets.class).warn("Could not remove expired rate-limit buckets", e);
        }
    }

    @Override
    public void close() {
        cleaner.shutdownNow();
    }
}
