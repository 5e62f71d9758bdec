package dev.gatehouse.storage;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Values read from the database, kept in memory until the next change on their {@link ChangeFeed} channel: the
 * token path's way to skip a query whose answer rarely changes. {@link #invalidate} swaps in an empty generation;
 * a read that missed loads the value and stores it in the generation it started in. A read that began before a
 * commit may load the old value, but the invalidation that follows the commit replaces that generation, so the old
 * value is never served after the invalidation has run: once on the writing node (right after its commit), within
 * the notification delay on the others.
 *
 * <p>Safety expiry: a generation older than {@code maxAge} is dropped on its next read, so a notification lost in a
 * way the listener cannot notice (it reloads everything after a reconnect) still heals within {@code maxAge}.
 * Absent values are not stored: an unknown key costs a query each time, and nobody can fill memory with them.
 */
public final class ChangeCache<K, V> {

    /** The backstop for a missed notification; every real change invalidates at once. */
    public static final Duration MAX_AGE = Duration.ofSeconds(30);

    private record Generation<K, V>(ConcurrentHashMap<K, V> values, long bornNanos) {
    }

    private final Function<K, Optional<V>> load;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final AtomicReference<Generation<K, V>> current;

    public ChangeCache(Function<K, Optional<V>> load) {
        this(load, MAX_AGE, System::nanoTime);
    }

    ChangeCache(Function<K, Optional<V>> load, Duration maxAge, LongSupplier nanoTime) {
        this.load = load;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
        this.current = new AtomicReference<>(new Generation<>(new ConcurrentHashMap<>(), nanoTime.getAsLong()));
    }

    /** The value for {@code key}: from memory, or loaded (and kept) when this generation has not seen it yet. */
    public Optional<V> get(K key) {
        Generation<K, V> g = current.get();
        if (nanoTime.getAsLong() - g.bornNanos() > maxAgeNanos) {
            Generation<K, V> fresh = fresh();
            g = current.compareAndSet(g, fresh) ? fresh : current.get();
        }
        V cached = g.values().get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<V> loaded = load.apply(key);
        Generation<K, V> into = g;
        loaded.ifPresent(v -> into.values().putIfAbsent(key, v));
        return loaded;
    }

    /** Forgets everything: the next read of each key goes to the database. */
    public void invalidate() {
        current.set(fresh());
    }

    private Generation<K, V> fresh() {
        return new Generation<>(new ConcurrentHashMap<>(), nanoTime.getAsLong());
    }
}
