package dev.gatehouse.origins;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.storage.Filter;
import dev.gatehouse.origins.TrustedOrigin.Scope;
import dev.gatehouse.origins.TrustedOrigin.Status;
import dev.gatehouse.storage.ChangeFeed;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The trusted-origin use cases, shared by the management API, the console and the app wizard. Every change
 * writes its System Log event and announces itself on {@link #CHANNEL} in the same transaction
 * ({@link ChangeFeed#write}), which reloads every node's {@link TrustedOriginCache}: this node's right after the
 * commit, the others' when PostgreSQL delivers the notification. CORS and redirects follow without a restart.
 */
public final class TrustedOrigins {

    /** What an admin gives for a new origin or a full replace; {@code origin} as typed (normalised here). */
    public record Request(String name, String origin, Set<Scope> scopes) {
        public Request {
            scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        }
    }

    /** What the app wizard did with its Base URIs: the origins it created and those that were already listed. */
    public record BaseUris(List<TrustedOrigin> created, List<TrustedOrigin> existing) {
    }

    /** The change-feed channel of trusted origins. */
    public static final String CHANNEL = "gatehouse_trusted_origins";
    static final int MAX_LENGTH = 255;
    static final String INVALID_ORIGIN = "Origin value is not valid";
    static final String BLANK = "The field cannot be left blank";
    static final String DUPLICATE = "An object with this field already exists in the current organization";
    static final String TOO_LONG = "The field cannot be longer than " + MAX_LENGTH + " characters";

    private final Database db;
    private final TrustedOriginStore store;
    private final ChangeFeed changes;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;

    public TrustedOrigins(Database db, ChangeFeed changes, TrustedOriginStore store, SystemLog log, Ids ids, Clock clock) {
        this.db = db;
        this.store = store;
        this.changes = changes;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
    }

    /** Creates an ACTIVE trusted origin; a duplicate origin (after normalisation) or name is 400 E0000001. */
    public TrustedOrigin create(EventContext ctx, Request request) {
        Origin origin = validate(request);
        Instant now = now();
        String by = ctx.actor().id();
        TrustedOrigin o = new TrustedOrigin(ids.next(Ids.TRUSTED_ORIGIN), request.name().strip(), origin.toString(), request.scopes(),
                Status.ACTIVE, now, by, now, by);
        return change(o.origin(), null, h -> {
            store.insert(h, o);
            record(h, ctx, "trusted_origin.create", "Create trusted origin", o);
            return o;
        });
    }

    /** The origin with this id, or 404 E0000007 "(TrustedOrigin)". */
    public TrustedOrigin get(String id) {
        return db.read(h -> store.find(h, id)).orElseThrow(() -> notFound(id));
    }

    /**
     * Origins by id: {@code q} a case-insensitive prefix of the name or origin, {@code filter} an Okta expression on
     * {@code id}, {@code name}, {@code origin}, {@code status} and {@code type} ({@code type eq "CORS"}).
     */
    public List<TrustedOrigin> list(String q, String filter, String after, int limit) {
        Map<String, Object> binds = new HashMap<>();
        List<String> conditions = new ArrayList<>();
        if (filter != null && !filter.isBlank()) {
            try {
                conditions.add(TrustedOriginFilter.toSql(Filter.parse(filter), binds));
            } catch (Filter.InvalidFilter e) {
                throw ApiError.validation("filter", e.getMessage());
            }
        }
        String query = q == null || q.isBlank() ? null : q.strip();
        return db.read(h -> store.list(h, new TrustedOriginStore.Query(query, conditions, binds, after, limit)));
    }

    /** Replaces name, origin and scopes (the status changes only through activate / deactivate). */
    public TrustedOrigin replace(EventContext ctx, String id, Request request) {
        get(id);
        Origin origin = validate(request);
        return change(origin.toString(), id, h -> {
            if (!store.update(h, id, request.name().strip(), origin.toString(), scopeSet(request.scopes()), now(), ctx.actor().id())) {
                throw notFound(id);
            }
            TrustedOrigin updated = store.find(h, id).orElseThrow();
            record(h, ctx, "trusted_origin.update", "Update trusted origin", updated);
            return updated;
        });
    }

    public TrustedOrigin activate(EventContext ctx, String id) {
        return changeStatus(ctx, id, Status.ACTIVE, "trusted_origin.activate", "Activate trusted origin");
    }

    public TrustedOrigin deactivate(EventContext ctx, String id) {
        return changeStatus(ctx, id, Status.INACTIVE, "trusted_origin.deactivate", "Deactivate trusted origin");
    }

    public void delete(EventContext ctx, String id) {
        TrustedOrigin current = get(id);
        change(current.origin(), id, h -> {
            if (!store.delete(h, id)) {
                throw notFound(id);
            }
            record(h, ctx, "trusted_origin.delete", "Delete trusted origin", current);
            return null;
        });
    }

    /**
     * The origins of the app wizard's Base URIs, each {@code scheme://host[:port]}; all the invalid ones are
     * refused together (400 E0000001, field {@code base_uris}) before anything is created.
     */
    public List<Origin> checkBaseUris(List<String> values) {
        Set<Origin> origins = new LinkedHashSet<>();
        List<ApiError.Cause> causes = new ArrayList<>();
        for (String v : values) {
            Origin.parse(v).filter(o -> o.toString().length() <= MAX_LENGTH).ifPresentOrElse(origins::add,
                    () -> causes.add(new ApiError.Cause("base_uris", "'" + v + "': " + INVALID_ORIGIN
                            + " (use scheme://host[:port], e.g. http://localhost:8080, with no path)")));
        }
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        return List.copyOf(origins);
    }

    /**
     * Creates an ACTIVE CORS + REDIRECT trusted origin for each base URI not listed yet (whatever its current
     * scopes or status: an admin's existing entry is left as it is). Each is named after its origin.
     */
    public BaseUris ensureForBaseUris(EventContext ctx, List<Origin> baseUris) {
        List<TrustedOrigin> created = new ArrayList<>();
        List<TrustedOrigin> existing = new ArrayList<>();
        for (Origin origin : baseUris) {
            var found = db.read(h -> store.findByOrigin(h, origin.toString()));
            if (found.isPresent()) {
                existing.add(found.get());
                continue;
            }
            try {
                created.add(create(ctx, new Request(freeName(origin.toString()), origin.toString(), EnumSet.allOf(Scope.class))));
            } catch (ApiError e) {
                // Listed meanwhile by another request: report it as existing rather than fail the wizard.
                db.read(h -> store.findByOrigin(h, origin.toString())).ifPresentOrElse(existing::add, () -> {
                    throw e;
                });
            }
        }
        return new BaseUris(List.copyOf(created), List.copyOf(existing));
    }

    /**
     * Makes {@code origin} trusted for {@code scope} (the sign-in doctor's one-click fix, issue #21): adds the scope to the
     * origin's entry and activates it, or creates an entry named after the origin with that scope; unchanged when it
     * already is. Through {@link #replace}, {@link #activate} and {@link #create}: their rules and events.
     */
    public TrustedOrigin allow(EventContext ctx, Origin origin, Scope scope) {
        var found = db.read(h -> store.findByOrigin(h, origin.toString()));
        if (found.isEmpty()) {
            return create(ctx, new Request(freeName(origin.toString()), origin.toString(), EnumSet.of(scope)));
        }
        TrustedOrigin t = found.get();
        if (!t.scopes().contains(scope)) {
            EnumSet<Scope> scopes = EnumSet.of(scope);
            scopes.addAll(t.scopes());
            t = replace(ctx, t.id(), new Request(t.name(), t.origin(), scopes));
        }
        return t.status() == TrustedOrigin.Status.ACTIVE ? t : activate(ctx, t.id());
    }

    /** The origin itself, or "origin (2)" … when an admin already used that as another origin's name. */
    private String freeName(String origin) {
        for (int i = 1; i < 100; i++) {
            String candidate = i == 1 ? origin : origin + " (" + i + ")";
            if (!db.read(h -> store.nameTaken(h, candidate, null))) {
                return candidate;
            }
        }
        return origin;
    }

    private TrustedOrigin changeStatus(EventContext ctx, String id, Status to, String eventType, String message) {
        get(id);
        return change(null, id, h -> {
            if (store.changeStatus(h, id, to, now(), ctx.actor().id())) {
                record(h, ctx, eventType, message, store.find(h, id).orElseThrow());
            }
            return store.find(h, id).orElseThrow(() -> notFound(id));
        });
    }

    /**
     * Runs one change in a transaction that also announces it to every node's cache (this node's at once).
     * A unique-key violation becomes the duplicate refusal for {@code origin} or {@code name}.
     */
    private <T> T change(String origin, String selfId, java.util.function.Function<Handle, T> work) {
        return unique(origin, selfId, () -> changes.write(CHANNEL, work::apply));
    }

    private <T> T unique(String origin, String selfId, Supplier<T> write) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            if (!Database.isUniqueViolation(e)) {
                throw e;
            }
            boolean originTaken = origin != null && db.read(h -> store.findByOrigin(h, origin))
                    .filter(o -> !o.id().equals(selfId)).isPresent();
            throw ApiError.validation(originTaken ? "origin" : "name", DUPLICATE);
        }
    }

    /** Checks name and origin (all causes at once) and returns the normalised origin. */
    private static Origin validate(Request r) {
        List<ApiError.Cause> causes = new ArrayList<>();
        if (r.name() == null || r.name().isBlank()) {
            causes.add(new ApiError.Cause("name", BLANK));
        } else if (r.name().strip().length() > MAX_LENGTH) {
            causes.add(new ApiError.Cause("name", TOO_LONG));
        }
        Origin origin = null;
        if (r.origin() == null || r.origin().isBlank()) {
            causes.add(new ApiError.Cause("origin", BLANK));
        } else {
            origin = Origin.parse(r.origin()).filter(o -> o.toString().length() <= MAX_LENGTH).orElse(null);
            if (origin == null) {
                causes.add(new ApiError.Cause("origin", INVALID_ORIGIN));
            }
        }
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        return origin;
    }

    private void record(Handle h, EventContext ctx, String eventType, String message, TrustedOrigin o) {
        log.record(h, ctx, SystemLog.Entry.success(eventType, message, target(o)));
    }

    static Target target(TrustedOrigin o) {
        return new Target(o.id(), "TrustedOrigin", o.origin(), o.name());
    }

    private static EnumSet<Scope> scopeSet(Set<Scope> scopes) {
        return scopes.isEmpty() ? EnumSet.noneOf(Scope.class) : EnumSet.copyOf(scopes);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static ApiError notFound(String id) {
        return ApiError.notFound(id, "TrustedOrigin");
    }
}
