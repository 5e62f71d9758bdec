package dev.gatehouse.syslog;

import dev.gatehouse.storage.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the System Log for {@code GATEHOUSE_LOG_RETENTION_DAYS} days (Okta keeps 90; 0 keeps everything).
 * Every node purges on its own timer: each batch is one short transaction deleting at most {@link #BATCH} of the
 * oldest events older than the cutoff, so nodes running at once only share the work, and a big backlog never holds
 * a long lock. Tests call {@link #purge()} after moving the clock instead of waiting for the timer.
 */
public final class LogRetention implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogRetention.class);
    static final int BATCH = 1000;
    private static final Duration EVERY = Duration.ofHours(1);

    private final Database db;
    private final SystemLog log;
    private final Clock clock;
    private final int days;
    private ScheduledExecutorService executor;

    public LogRetention(Database db, SystemLog log, Clock clock, int days) {
        if (days < 0) {
            throw new IllegalArgumentException("retention days must be 0 (forever) or more");
        }
        this.db = db;
        this.log = log;
        this.clock = clock;
        this.days = days;
    }

    /** Deletes every event published more than the retention period ago, batch by batch; returns how many. */
    public int purge() {
        if (days == 0) {
            return 0;
        }
        Instant cutoff = clock.instant().minus(Duration.ofDays(days));
        int total = 0;
        int deleted;
        do {
            deleted = db.tx(h -> log.purgeBefore(h, cutoff, BATCH));
            total += deleted;
        } while (deleted == BATCH);
        db.tx(h -> log.problems().purgeBefore(h, cutoff));   // the sign-in doctor's groups unseen as long go with their events
        return total;
    }

    /** Starts the hourly purge on this node (the first one a minute after start). */
    public LogRetention start() {
        if (days == 0) {
            return this;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-log-retention");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                int n = purge();
                if (n > 0) {
                    LOG.info("Removed {} System Log event(s) older than {} days", n, days);
                }
            } catch (RuntimeException e) {
                LOG.error("The System Log purge failed; it runs again in {}", EVERY, e);
            }
        }, 60_000, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void close() {
        if (executor == null) {
            return;
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
