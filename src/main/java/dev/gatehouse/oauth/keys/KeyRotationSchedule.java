package dev.gatehouse.oauth.keys;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link SigningKeys#rotateDue} on this node every {@link KeyRotationSettings#checkEvery}. Every node runs it;
 * the conditional SQL makes sure each due rotation happens once. Tests call {@code rotateDue} themselves after
 * moving the clock instead of waiting for this timer.
 */
public final class KeyRotationSchedule implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyRotationSchedule.class);

    private final ScheduledExecutorService executor;

    private KeyRotationSchedule(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    public static KeyRotationSchedule start(SigningKeys keys) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-key-rotation");
            t.setDaemon(true);
            return t;
        });
        long every = keys.settings().checkEvery().toMillis();
        executor.scheduleWithFixedDelay(() -> {
            try {
                int n = keys.rotateDue();
                if (n > 0) {
                    LOG.info("Rotated the signing keys of {} authorization server(s)", n);
                }
            } catch (RuntimeException e) {
                LOG.error("The key rotation check failed; it runs again in {} ms", every, e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return new KeyRotationSchedule(executor);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
