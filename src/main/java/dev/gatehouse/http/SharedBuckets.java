package dev.gatehouse.http;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
 *
 * <p>The buckets have a small pool of their own whose sessions commit with {@code synchronous_commit = off}: measured
 * here, that makes a check about five times cheaper (the commit no longer waits for the WAL flush), and all it risks is
 * that a database crash forgets the last fraction of a second of bucket updates, i.e. lets a few more requests in.
 * Limited requests also cannot take the connections the application needs.
 */
public final class SharedBuckets implements Buckets {

    /** Where the shared buckets are: the cluster's PostgreSQL database. */
    public record Store(String jdbcUrl, String user, String password) {
    }

    private static final int POOL_SIZE = 4;

    private final HikariDataSource pool;
    private final PostgreSQLSelectForUpdateBasedProxyManager<String> proxies;
    private final ScheduledExecutorService cleaner;

    SharedBuckets(Store store, TimeMeter time) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("rate-limits");
        hc.setJdbcUrl(store.jdbcUrl());
        hc.setUsername(store.user());
        hc.setPassword(store.password());
        hc.setMaximumPoolSize(POOL_SIZE);
        hc.setConnectionInitSql("SET synchronous_commit = off");
        this.pool = new HikariDataSource(hc);
        this.proxies = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(pool)
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
        pool.close();
    }
}
