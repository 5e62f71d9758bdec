package dev.gatehouse.origins;

import dev.gatehouse.origins.TrustedOrigin.Scope;
import dev.gatehouse.storage.ChangeFeed;
import dev.gatehouse.storage.Database;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The ACTIVE trusted origins in memory, so a CORS or redirect decision costs no database query: an immutable
 * snapshot, swapped atomically by {@link #reload()}. It reloads on every change on {@link TrustedOrigins#CHANNEL}
 * of the {@link ChangeFeed}: right after a commit on this node, on a notification from another (PostgreSQL NOTIFY).
 * It reloads eagerly, not lazily as {@link dev.gatehouse.storage.ChangeCache} does: the whole set is one small query,
 * and CORS preflights need it on every request. A reload that fails (database away) propagates, so the change feed
 * reconnects and reloads again.
 */
public final class TrustedOriginCache {

    private record Snapshot(Set<String> cors, Set<String> redirect) {
    }

    private final Database db;
    private final TrustedOriginStore store;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(new Snapshot(Set.of(), Set.of()));

    public TrustedOriginCache(Database db, ChangeFeed changes, TrustedOriginStore store) {
        this.db = db;
        this.store = store;
        reload();
        changes.onChange(TrustedOrigins.CHANNEL, this::reload);
    }

    /**
     * Reads the ACTIVE origins and swaps them in. Serialised, so the snapshot installed last was also read last:
     * every reload starts after the commit that asked for it, so the final snapshot reflects every commit.
     */
    public synchronized void reload() {
        List<TrustedOrigin> active = db.read(store::active);
        snapshot.set(new Snapshot(granting(active, Scope.CORS), granting(active, Scope.REDIRECT)));
    }

    /**
     * Whether a browser's {@code Origin} header value is, exactly, the canonical serialisation of an ACTIVE origin with
     * the CORS scope: what a browser sends (RFC 6454 §6.2: lower-case scheme and host, no default port, no path, no
     * trailing slash). Another spelling of a trusted origin ({@code HTTPS://App.example.com},
     * {@code https://app.example.com:443}, {@code https://app.example.com/}) is not it: no browser sends that, so it
     * comes from a script or a proxy, and echoing it back would put a value in {@code Access-Control-Allow-Origin} that
     * was never trusted as written (outside review, finding 8).
     */
    public boolean allowsCors(String originHeader) {
        return originHeader != null && snapshot.get().cors().contains(originHeader)
                && normalised(originHeader).filter(originHeader::equals).isPresent();
    }

    /** Whether an origin is ACTIVE with the REDIRECT scope. */
    public boolean allowsRedirect(Origin origin) {
        return snapshot.get().redirect().contains(origin.toString());
    }

    private static Optional<String> normalised(String originHeader) {
        return Origin.parse(originHeader).map(Origin::toString);
    }

    private static Set<String> granting(List<TrustedOrigin> origins, Scope scope) {
        return origins.stream().filter(o -> o.grants(scope)).map(TrustedOrigin::origin).collect(Collectors.toUnmodifiableSet());
    }
}
