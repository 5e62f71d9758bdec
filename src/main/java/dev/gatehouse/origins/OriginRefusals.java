package dev.gatehouse.origins;

import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.Cause;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.LogText;
import dev.gatehouse.syslog.Problem;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The sign-in doctor's count of refusals for an origin that is not trusted (issue #21): a CORS request or preflight from an
 * origin that is no trusted CORS origin ({@link Cause#CORS_ORIGIN_NOT_TRUSTED}, counted by {@link Cors}), and a hosted page's
 * return target outside every trusted REDIRECT origin ({@link Cause#REDIRECT_ORIGIN_NOT_TRUSTED}, counted by
 * {@link ReturnTargets}). Anyone can send these at any rate, so they are not written one by one: each node counts them in
 * memory per cause and origin, at most {@link #MAX_ORIGINS} origins at a time (more are counted as dropped and said so
 * in the log), and writes one System Log event per cause and origin with the count ({@link SystemLog#recordCounted}),
 * every {@link #EVERY_SECONDS} seconds and whenever someone reads the problems ({@link #flush}). A node stopped
 * meanwhile loses at most that window's counts: they are diagnostics, nothing acknowledged to a client.
 *
 * <p>The apps an origin's refusals are counted for are those whose redirect or initiate-login URIs use the origin (a
 * single-page app lives where its redirect URIs are); an origin no app uses is counted for the org.
 */
public final class OriginRefusals implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OriginRefusals.class);
    public static final int MAX_ORIGINS = 1_000;
    static final long EVERY_SECONDS = 30;
    /** Origins no app uses that get an event of their own per flush and cause; the rest share one. */
    static final int ORG_EVENTS = 20;
    static final String EVENT = "security.trusted_origin.refused";

    private record Key(Cause cause, String origin) {
    }

    private static final class Count {
        final AtomicLong times = new AtomicLong();
        volatile String example;
    }

    private final Database db;
    private final SystemLog log;
    private final Supplier<Function<String, List<Target>>> appsUsing;
    private final String ownOrigin;
    private final ConcurrentHashMap<Key, Count> counts = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private ScheduledExecutorService executor;

    /**
     * @param appsUsing  the apps (as System Log targets) whose URIs use an origin: read once per flush (the apps are listed
     *                   once, not once per origin, so a flood of distinct origins costs no app listing each)
     * @param ownOrigin  Gatehouse's own public origin: its own pages' requests carry it and are no CORS problem
     */
    public OriginRefusals(Database db, SystemLog log, Supplier<Function<String, List<Target>>> appsUsing, String ownOrigin) {
        this.db = db;
        this.log = log;
        this.appsUsing = appsUsing;
        this.ownOrigin = ownOrigin;
    }

    /** Counts one refusal of {@code origin} (as the request sent it) at {@code where} (the endpoint or page). */
    public void count(Cause cause, String origin, String where) {
        if (origin == null || origin.equals(ownOrigin) || "null".equals(origin)) {
            return;   // no origin, Gatehouse's own pages, or an opaque origin (a sandboxed frame, a file): nothing to trust
        }
        String o = LogText.ifPlausible(origin, 200);
        Key key = new Key(cause, o);
        Count c = counts.get(key);
        if (c == null) {
            if (counts.size() >= MAX_ORIGINS) {
                dropped.incrementAndGet();
                return;
            }
            c = counts.computeIfAbsent(key, k -> new Count());
        }
        c.times.incrementAndGet();
        c.example = LogText.ifPlausible(where, 200);
    }

    /** Writes what was counted since the last flush: one event per cause and origin. */
    public synchronized void flush() {
        List<Map.Entry<Key, Count>> batch = new ArrayList<>();
        for (Key k : List.copyOf(counts.keySet())) {
            Count c = counts.remove(k);
            if (c != null && c.times.get() > 0) {
                batch.add(Map.entry(k, c));
            }
        }
        // One order on every node, so two nodes flushing the same groups at once lock their rows in the same order (PostgreSQL).
        batch.sort(java.util.Comparator.comparing((Map.Entry<Key, Count> e) -> e.getKey().cause()).thenComparing(e -> e.getKey().origin()));
        long lost = dropped.getAndSet(0);
        if (batch.isEmpty() && lost == 0) {
            return;
        }
        Function<String, List<Target>> using = batch.isEmpty() ? o -> List.of() : appsUsing.get();
        db.inTx(h -> {
            // Origins no app uses are anyone's to invent: past ORG_EVENTS of them per cause, a flush folds the rest into one
            // event (and the org's "*" group), so distinct origins do not write an event each (attack review of issue #21).
            Map<Cause, long[]> folded = new java.util.EnumMap<>(Cause.class);
            Map<Cause, Integer> orgEvents = new java.util.EnumMap<>(Cause.class);
            for (Map.Entry<Key, Count> e : batch) {
                Key k = e.getKey();
                long times = e.getValue().times.get();
                Map<String, Object> example = new LinkedHashMap<>();
                example.put("origin", k.origin());
                example.put(k.cause() == Cause.CORS_ORIGIN_NOT_TRUSTED ? "endpoint" : "target", e.getValue().example);
                example.put("count", times);
                List<Target> apps = using.apply(k.origin());
                if (apps.isEmpty() && orgEvents.merge(k.cause(), 1, Integer::sum) > ORG_EVENTS) {
                    long[] f = folded.computeIfAbsent(k.cause(), c -> new long[2]);
                    f[0]++;
                    f[1] += times;
                    continue;
                }
                SystemLog.Entry entry = SystemLog.Entry.failure(EVENT, k.cause() == Cause.CORS_ORIGIN_NOT_TRUSTED
                                ? "Cross-origin request from an origin that is not a trusted CORS origin"
                                : "Redirect to an origin that is not a trusted redirect origin", k.cause().name(), apps.toArray(new Target[0]))
                        .withDebug(Map.of("count", times)).withProblem(Problem.of(k.cause(), k.origin(), example));
                log.recordCounted(h, EventContext.system("origin-refusals"), entry, times);
            }
            folded.forEach((cause, f) -> log.recordCounted(h, EventContext.system("origin-refusals"), SystemLog.Entry.failure(EVENT,
                    "Refusals from " + f[0] + " more origins that no app uses", cause.name()).withDebug(Map.of("origins", f[0], "count", f[1]))
                    .withProblem(Problem.of(cause, dev.gatehouse.syslog.SignInProblemStore.OTHERS, Map.of("origins", f[0], "count", f[1]))), f[1]));
            if (lost > 0) {
                log.record(h, EventContext.system("origin-refusals"), SystemLog.Entry.failure(EVENT,
                        "Refusals from more origins than are counted at once", "TOO_MANY_ORIGINS").withDebug(Map.of("dropped", lost)));
            }
        });
    }

    /** Flushes every {@link #EVERY_SECONDS} seconds on this node. */
    public OriginRefusals start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-origin-refusals");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                flush();
            } catch (RuntimeException e) {
                LOG.warn("Could not record the untrusted-origin refusals; they are counted again from now", e);
            }
        }, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
        return this;
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.debug("Untrusted-origin refusals not recorded at stop", e);
        }
    }
}
