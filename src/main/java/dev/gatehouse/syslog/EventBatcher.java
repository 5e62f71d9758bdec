package dev.gatehouse.syslog;

import dev.gatehouse.storage.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit for the System Log events that are a request's only write (issue #23: the client-credentials grant,
 * whose token has no row). {@link #record} returns once the event is committed, exactly as when the request wrote it
 * in its own transaction, so acknowledged means durable ({@code CrashSafetyTest}); but the events of the requests
 * waiting at that moment share one transaction, so one commit (on H2, one write of the store's changed pages) serves
 * many grants. One writer thread takes whatever is queued, up to {@link #MAX_BATCH}; a batch the database refuses is
 * written again one event at a time, so only the event that cannot be written fails its request. A full queue (a
 * stalled database) makes callers write their own event, as before: it never grows past {@link #CAPACITY}.
 */
public final class EventBatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventBatcher.class);
    static final int MAX_BATCH = 256;
    static final int CAPACITY = 4_096;

    private record Pending(EventContext ctx, SystemLog.Entry entry, CompletableFuture<Void> done) {
    }

    private final Database db;
    private final SystemLog log;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final Thread writer;
    private volatile boolean closed;

    public EventBatcher(Database db, SystemLog log) {
        this.db = db;
        this.log = log;
        this.writer = Thread.ofPlatform().daemon().name("gatehouse-event-writer").start(this::run);
    }

    /** Writes the event, committed when this returns; the database's failure is thrown as it would be from its own transaction. */
    public void record(EventContext ctx, SystemLog.Entry entry) {
        Pending p = new Pending(ctx, entry, new CompletableFuture<>());
        if (closed || !queue.offer(p) || (closed && queue.remove(p))) {
            db.inTx(h -> log.record(h, ctx, entry));
            return;
        }
        try {
            p.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the System Log event was being written", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                if (!closed) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (RuntimeException | Error e) {
                LOG.error("The System Log writer failed a batch of {} event(s)", batch.size(), e);
                batch.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        try {
            db.inTx(h -> batch.forEach(p -> log.record(h, p.ctx(), p.entry())));
            batch.forEach(p -> p.done().complete(null));
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.getFirst().done().completeExceptionally(e);
                return;
            }
            for (Pending p : batch) {
                write(List.of(p));   // the others still commit; only the event the database refuses fails
            }
        }
    }

    /** Writes what is queued, then stops; later events are written by their callers. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pending p; (p = queue.poll()) != null; ) {
            write(List.of(p));
        }
    }
}
