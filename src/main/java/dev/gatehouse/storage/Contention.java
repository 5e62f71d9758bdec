package dev.gatehouse.storage;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A record kept changing under an optimistic (conditional) update, attempt after attempt. That is overload, not a
 * fault: the HTTP edge answers 503 with {@code Retry-After}, like an exhausted connection pool, and nothing was changed.
 */
public final class Contention extends RuntimeException {

    /** Attempts an optimistic update makes before giving up; with {@link #pause} between them, ~1 s at most. */
    public static final int MAX_ATTEMPTS = 20;

    public Contention(String message) {
        super(message);
    }

    /**
     * Waits 1 to 2^attempt ms (at most 64) at random before the next attempt, so writers that lost to each other do
     * not collide again in lockstep (six concurrent partial updates of one user once lost five rounds in a row).
     */
    public static void pause(int attempt) {
        try {
            Thread.sleep(1 + ThreadLocalRandom.current().nextInt(1 << Math.min(attempt, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Contention("Interrupted while retrying an update");
        }
    }
}
