package dev.gatehouse.apps;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.storage.Filter;
import dev.gatehouse.directory.Group;
import dev.gatehouse.storage.ChangeCache;
import dev.gatehouse.storage.ChangeFeed;
import dev.gatehouse.storage.Contention;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The app-integration use cases, shared by the management API ({@link AppsApi}) and the console: what an app
 * may be is decided by {@link AppRules}; who may use it by {@link AppAssignments} (reached through the
 * assignment methods here). A rejected request throws {@link ApiError} before anything is written; every
 * change writes its System Log event in the same transaction:
 * {@code application.lifecycle.create|update|activate|deactivate|delete} and
 * {@code app.oauth2.credentials.lifecycle.create} (a new client secret replaced the old one).
 *
 * <p>Client secrets are 64 random base62 characters (about 380 bits), shown once (in {@link Created} and by
 * {@link #rotateSecret}) and stored only as their SHA-256.
 *
 * <p>{@link #findByClientId} (every OAuth request) answers from a {@link ChangeCache}: every write here and in
 * {@link AppAssignments} goes through {@link ChangeFeed#write} on {@link #CHANNEL}, which drops the cache on this
 * node right after the commit and on the other nodes when PostgreSQL delivers the notification. The management
 * reads ({@link #get}, {@link #list}) stay exact: updates are conditional on {@code last_updated_at} as read, and an
 * admin must see what is stored. Assignment checks ({@link #isAssigned}) are never cached.
 */
public final class Apps {

    /** A new app, and its client secret for web and service apps: the only time the secret is ever shown. */
    public record Created(App app, Optional<String> clientSecret) {
        @Override
        public String toString() {
            return "Created[app=" + app.id() + "]";
        }
    }

    /** The change-feed channel of apps (settings, status, secrets, deletion, the Everyone assignment). */
    public static final String CHANNEL = "gatehouse_apps";
    static final String SECRET_ID_PREFIX = "ocs";
    /** Okta's cause for a value another object already has. */
    static final String DUPLICATE_CLIENT_ID = "An object with this field already exists in the current organization";
    private static final int SECRET_LENGTH = 64;

    private final java.util.function.BooleanSupplier spaRefreshTokens;
    private final Database db;
    private final ChangeFeed changes;
    private final ChangeCache<String, App> byClientId;
    private final AppStore store;
    private final AppAssignments assignments;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;
    private final AppRevocation revocation;

    /**
     * @param spaRefreshTokens whether the Early Access feature "Refresh Token Rotation for SPA" is on: while it is
     *                         off, a single-page app cannot be given the Refresh Token grant (apps that have it keep it)
     * @param revocation       revokes what an app holds when it is deactivated
     */
    public Apps(Database db, ChangeFeed changes, AppStore store, AppAssignments assignments, SystemLog log, Ids ids, Clock clock,
                java.util.function.BooleanSupplier spaRefreshTokens, AppRevocation revocation) {
        this.revocation = revocation;
        this.spaRefreshTokens = spaRefreshTokens;
        this.db = db;
        this.changes = changes;
        this.byClientId = new ChangeCache<>(clientId -> db.read(h -> store.findByClientId(h, clientId)));
        changes.onChange(CHANNEL, byClientId::invalidate);
        this.store = store;
        this.assignments = assignments;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
    }

    /** The cause a single-page app gets for the Refresh Token grant while the feature is off. */
    public static final String SPA_REFRESH_NEEDS_FEATURE = "The Refresh Token grant for a single-page app needs the Early Access feature "
            + "'Refresh Token Rotation for SPA': enable it in Settings › Features";

    private void requireFeatureForSpaRefresh(AppRules.Accepted accepted, App previous) {
        AppSettings s = accepted.settings();
        boolean had = previous != null && previous.settings().allows(AppSettings.GrantType.REFRESH_TOKEN);
        if (s.applicationType() == AppSettings.ApplicationType.BROWSER && s.allows(AppSettings.GrantType.REFRESH_TOKEN) && !had
                && !spaRefreshTokens.getAsBoolean()) {
            throw ApiError.validation("grant_types", SPA_REFRESH_NEEDS_FEATURE);
        }
    }

    /** Creates an ACTIVE app; see {@link #create(EventContext, AppRequest, boolean)}. */
    public Created create(EventContext ctx, AppRequest request) {
        return create(ctx, request, true);
    }

    /**
     * Creates an app, ACTIVE or ({@code activate} false) INACTIVE, with a client secret when its
     * {@code token_endpoint_auth_method} needs one; {@code implicitAssignment: true} also assigns Everyone.
     */
    public Created create(EventContext ctx, AppRequest request, boolean activate) {
        return create(ctx, request, activate, Optional.empty());
    }

    /**
     * The same, with the client secret chosen by the caller ({@code chosen}, Okta's {@code client_secret} on creation: 14 to
     * 100 printable ASCII characters, for an app whose authentication method uses one); empty: generated.
     */
    public Created create(EventContext ctx, AppRequest request, boolean activate, Optional<String> chosen) {
        AppRules.Accepted accepted = AppRules.check(request, null);
        requireFeatureForSpaRefresh(accepted, null);
        if (chosen.isPresent()) {
            if (!accepted.settings().hasClientSecret()) {
                throw ApiError.validation("client_secret", "This app is a public client (token_endpoint_auth_method 'none'): it has no client secret");
            }
            if (!chosen.get().matches("[\\x21-\\x7E]{14,100}")) {
                throw ApiError.validation("client_secret", "A client secret has 14 to 100 printable ASCII characters, without spaces");
            }
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String id = ids.next(Ids.APP);
        String secret = accepted.settings().hasClientSecret() ? chosen.orElseGet(() -> ids.base62(SECRET_LENGTH)) : null;
        App.ClientSecret stored = secret == null ? null : new App.ClientSecret(ids.next(SECRET_ID_PREFIX), Hashes.sha256(secret), now);
        App app = new App(id, accepted.clientId() == null ? id : accepted.clientId(), accepted.label(),
                activate ? App.Status.ACTIVE : App.Status.INACTIVE, accepted.settings(), false, stored, now, now);
        App created = uniqueClientId(() -> changes.write(CHANNEL, h -> {
            if (accepted.clientId() != null) {
                store.named(h, accepted.clientId()).ifPresent(named -> {
                    throw ApiError.validation("client_id", clientIdTaken(accepted.clientId(), named));
                });
            }
            store.insert(h, app);
            log.record(h, ctx, SystemLog.Entry.success("application.lifecycle.create", "Create application", app.auditTarget()));
            if (Boolean.TRUE.equals(request.implicitAssignment())) {
                assignments.everyone(h, ctx, app, true, now);
            }
            return store.find(h, id).orElseThrow();
        }));
        return new Created(created, Optional.ofNullable(secret));
    }

    /** The app with this id, or 404 E0000007 "(AppInstance)". */
    public App get(String id) {
        return db.read(h -> store.find(h, id)).orElseThrow(() -> ApiError.notFound(id, "AppInstance"));
    }

    /** The app with this id, if there is one. */
    public Optional<App> find(String id) {
        return db.read(h -> store.find(h, id));
    }

    /**
     * The app whose OAuth {@code client_id} this is, whatever its status: for the OAuth endpoints. From memory
     * (see the class comment): a change committed on this node is seen at once, on another within the notification delay.
     */
    public Optional<App> findByClientId(String clientId) {
        return clientId == null ? Optional.empty() : byClientId.get(clientId);
    }

    /**
     * Apps by id: {@code q} a case-insensitive prefix of the label (or of the name, oidc_client), {@code filter} an
     * Okta expression on {@code id}, {@code status} and {@code name}; at most {@code limit} with ids after {@code after}.
     */
    public List<App> list(String q, String filter, String after, int limit) {
        Map<String, Object> binds = new HashMap<>();
        List<String> conditions = new ArrayList<>();
        if (filter != null && !filter.isBlank()) {
            try {
                Filter parsed = Filter.parse(filter);
                requireStrings(parsed);
                conditions.add(Filter.toSql(parsed, AppStore.FILTER, Set.of(), binds));
            } catch (Filter.InvalidFilter e) {
                throw ApiError.validation("filter", e.getMessage());
            }
        }
        AppStore.Query query = new AppStore.Query(q == null || q.isBlank() ? null : q.strip(), conditions, binds, after, limit);
        return db.read(h -> store.list(h, query));
    }

    /**
     * Replaces the app's label and settings with {@code request} (full replace, as PUT), keeping what cannot change
     * and, when not given, the refresh-token values; {@code implicitAssignment} true/false assigns/unassigns Everyone.
     * Concurrent changes are not overwritten: the write is conditional on the app as read, and retried otherwise.
     */
    public App update(EventContext ctx, String id, AppRequest request) {
        return update(ctx, id, current -> request);
    }

    /**
     * The same, with the request made from the app as it is at each attempt: for a change of one field (the sign-in
     * doctor's one-click fixes, issue #21), so a change that lands meanwhile (another fix, a console save) is kept rather
     * than replaced by settings read before it.
     */
    public App update(EventContext ctx, String id, java.util.function.Function<App, AppRequest> change) {
        for (int attempt = 1; ; attempt++) {
            App current = get(id);
            AppRequest request = change.apply(current);
            AppRules.Accepted accepted = AppRules.check(request, current);
            requireFeatureForSpaRefresh(accepted, current);
            Instant now = later(clock.instant(), current.lastUpdated());
            Optional<App> updated = changes.write(CHANNEL, h -> {
                if (!store.update(h, current.id(), accepted.label(), accepted.settings(), current.lastUpdated(), now)) {
                    return Optional.<App>empty();
                }
                log.record(h, ctx, SystemLog.Entry.success("application.lifecycle.update", "Update application", current.auditTarget()));
                if (request.implicitAssignment() != null) {
                    assignments.everyone(h, ctx, current, request.implicitAssignment(), now);
                }
                return store.find(h, current.id());
            });
            if (updated.isPresent()) {
                return updated.get();
            }
            if (attempt == Contention.MAX_ATTEMPTS) {
                throw new Contention("App " + id + " kept changing during " + attempt + " update attempts");
            }
            Contention.pause(attempt);
        }
    }

    /** Makes the app ACTIVE; on an ACTIVE app this changes nothing and writes no event. */
    public App activate(EventContext ctx, String id) {
        return changeStatus(ctx, id, App.Status.INACTIVE, App.Status.ACTIVE, "application.lifecycle.activate", "Activate application");
    }

    /**
     * Makes the app INACTIVE (nobody can sign in to it) and revokes, for good, every token and code it holds: reactivating
     * it brings none back (Okta: a deactivated client's tokens are "immediately and permanently invalid"). On an INACTIVE
     * app this changes nothing and writes no event.
     */
    public App deactivate(EventContext ctx, String id) {
        return changeStatus(ctx, id, App.Status.ACTIVE, App.Status.INACTIVE, "application.lifecycle.deactivate", "Deactivate application");
    }

    /** Deletes an INACTIVE app with its assignments; an ACTIVE app is 403 E0000056 and stays. */
    public void delete(EventContext ctx, String id) {
        App current = get(id);
        changes.inTx(CHANNEL, h -> {
            if (!store.deleteInactive(h, current.id())) {
                store.find(h, current.id()).orElseThrow(() -> ApiError.notFound(id, "AppInstance"));
                throw new ApiError(ErrorCode.E0000056, ErrorCode.E0000056.summary(null),
                        List.of(new ApiError.Cause(null, "The application must be deactivated before deletion.")));
            }
            log.record(h, ctx, SystemLog.Entry.success("application.lifecycle.delete", "Delete application", current.auditTarget()));
            log.problems().deleteApp(h, current.id());   // the sign-in doctor's groups go with the app (issue #21)
        });
    }

    /**
     * Replaces the client secret of a web or service app with a new one and returns it: the only time it is shown.
     * The old secret stops working at once. Public clients have no secret: 400 E0000001 ({@code client_secret: ...}).
     */
    public String rotateSecret(EventContext ctx, String id) {
        App current = get(id);
        String secret = ids.base62(SECRET_LENGTH);
        App.ClientSecret stored = new App.ClientSecret(ids.next(SECRET_ID_PREFIX), Hashes.sha256(secret),
                clock.instant().truncatedTo(ChronoUnit.MICROS));
        changes.inTx(CHANNEL, h -> {
            if (!store.replaceSecret(h, current.id(), stored)) {
                store.find(h, current.id()).orElseThrow(() -> ApiError.notFound(id, "AppInstance"));
                throw ApiError.validation("client_secret", current.settings().applicationType().description()
                        + " is a public client: it has no client secret to rotate");
            }
            log.record(h, ctx, SystemLog.Entry.success("app.oauth2.credentials.lifecycle.create",
                    "Create client secret, replacing the previous one", current.auditTarget()).withDebug(Map.of("secretId", stored.id())));
        });
        return secret;
    }

    /**
     * Whether {@code presented} is the client secret of {@code app} (as read: pass an app read for this request),
     * compared in constant time. Always false for public clients and for a null secret.
     */
    public boolean verifySecret(App app, String presented) {
        if (presented == null || app.secret() == null) {
            return false;
        }
        return MessageDigest.isEqual(Hashes.sha256(presented).getBytes(StandardCharsets.US_ASCII),
                app.secret().hash().getBytes(StandardCharsets.US_ASCII));
    }

    /** Assigns the built-in Everyone group: everyone in the org may sign in ({@code implicitAssignment: true}). */
    public GroupAssignment assignEveryone(EventContext ctx, String appId) {
        return assignments.assignGroup(ctx, get(appId), Group.EVERYONE, null);
    }

    /** Assigns a group (404 for an unknown app or group); assigning it again changes nothing. */
    public GroupAssignment assignGroup(EventContext ctx, String appId, String groupId) {
        return assignments.assignGroup(ctx, get(appId), groupId, null);
    }

    /** Assigns a group with a {@code priority} (0 or more; null: after the others, or unchanged if already assigned). */
    public GroupAssignment assignGroup(EventContext ctx, String appId, String groupId, Integer priority) {
        return assignments.assignGroup(ctx, get(appId), groupId, priority);
    }

    /** Removes a group's assignment (Everyone too); removing one that is not assigned changes nothing. */
    public void unassignGroup(EventContext ctx, String appId, String groupId) {
        assignments.unassignGroup(ctx, get(appId), groupId);
    }

    /** Assigns a user directly (scope USER); assigning again changes nothing. */
    public AppUser assignUser(EventContext ctx, String appId, String userId) {
        return assignments.assignUser(ctx, get(appId), userId);
    }

    /**
     * Removes a user's direct assignment; nothing to remove changes nothing, but a user assigned only through a group
     * is 400 E0000001: that user keeps access until the group's assignment or membership goes.
     */
    public void unassignUser(EventContext ctx, String appId, String userId) {
        assignments.unassignUser(ctx, get(appId), userId);
    }

    /** Everyone/groups/direct users assigned to the app, for the console. */
    public Assignments assignments(String appId) {
        return assignments.all(get(appId));
    }

    /** A page of the app's group assignments by group id. */
    public List<GroupAssignment> groupAssignments(String appId, String after, int limit) {
        return assignments.groups(get(appId), after, limit);
    }

    /** One group assignment, or 404 E0000007 when the group is not assigned. */
    public GroupAssignment groupAssignment(String appId, String groupId) {
        return assignments.group(get(appId), groupId);
    }

    /** A page of the app's users, direct (scope USER) and through groups (scope GROUP), by user id. */
    public List<AppUser> appUsers(String appId, String after, int limit) {
        return assignments.users(get(appId), after, limit);
    }

    /** One app user, or 404 E0000007 when the user is not assigned at all. */
    public AppUser appUser(String appId, String userId) {
        return assignments.user(get(appId), userId);
    }

    /**
     * Whether the user may sign in to the app as far as assignments go: assigned directly, through a group they
     * are in, or through Everyone. False for an unknown app or user. Status (app ACTIVE, user ACTIVE) is not
     * looked at: the caller checks it.
     */
    public boolean isAssigned(String appId, String userId) {
        return appId != null && userId != null && assignments.isAssigned(appId, userId);
    }

    private App changeStatus(EventContext ctx, String id, App.Status from, App.Status to, String eventType, String message) {
        App current = get(id);
        if (to == App.Status.ACTIVE) {
            // A reactivation within the second its client-credentials tokens were cut off waits for the next second: a token
            // issued after it must not carry the iat of the tokens revoked before it,
            // so it waits before the app is active again (IssuedTokenStore.revokeClientTokens).
            long cutoffSecond = db.read(h -> revocation.clientTokenCutoff(h, current)).map(Instant::getEpochSecond).orElse(Long.MIN_VALUE);
            long millis = clock.instant().toEpochMilli();
            if (Math.floorDiv(millis, 1_000L) == cutoffSecond) {
                try {
                    Thread.sleep(1_000 - Math.floorMod(millis, 1_000L) + 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return changes.write(CHANNEL, h -> {
            if (store.changeStatus(h, current.id(), from, to, later(clock.instant(), current.lastUpdated()))) {
                log.record(h, ctx, SystemLog.Entry.success(eventType, message, current.auditTarget()));
                if (to == App.Status.INACTIVE) {
                    revocation.revokeAppTokens(h, ctx, current, eventType);
                }
            }
            return store.find(h, current.id()).orElseThrow(() -> ApiError.notFound(id, "AppInstance"));
        });
    }

    /** Only string values: every attribute apps can be filtered on is a string. */
    private static void requireStrings(Filter f) {
        switch (f) {
            case Filter.And(Filter l, Filter r) -> { requireStrings(l); requireStrings(r); }
            case Filter.Or(Filter l, Filter r) -> { requireStrings(l); requireStrings(r); }
            case Filter.Not(Filter inner) -> requireStrings(inner);
            case Filter.Comparison c -> {
                if (c.value() != null && !(c.value() instanceof String)) {
                    throw new Filter.InvalidFilter("Invalid filter: '" + c.attribute() + "' needs a quoted string value");
                }
            }
        }
    }

    /**
     * Why a chosen client_id is refused when it already names something (issue #14): a user's id, an app's id or another
     * app's client_id. A client_id equal to a user id would make the {@code sub} of the app's client-credentials tokens
     * (the client_id) look like that user's ID-token {@code sub}; one equal to another app's id makes
     * {@code /api/v1/apps/{id}} and the client_id name two different apps. Checked when the client_id is chosen, at create,
     * in the write's transaction (the unique key catches two creates racing for the same one); it cannot change later
     * ({@link AppRules}). Ids are not refused by their shape: an app moved from Okta keeps its {@code 0oa…} client_id.
     */
    static String clientIdTaken(String clientId, AppStore.Named named) {
        return switch (named) {
            case CLIENT_ID -> DUPLICATE_CLIENT_ID;
            case APP -> "'" + clientId + "' is the id of another app: a client_id must not name another object";
            case USER -> "'" + clientId + "' is the id of a user: a client_id must not name another object (it would be the sub "
                    + "of this app's client-credentials tokens)";
        };
    }

    /** Runs a write whose only unique key a request can break is the client_id. */
    private static <T> T uniqueClientId(java.util.function.Supplier<T> write) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw ApiError.validation("client_id", DUPLICATE_CLIENT_ID);
            }
            throw e;
        }
    }

    /** A timestamp after {@code previous}, so the conditional write on {@code last_updated_at} sees every change. */
    static Instant later(Instant now, Instant previous) {
        Instant stored = now.truncatedTo(ChronoUnit.MICROS);   // both databases keep microseconds
        return previous != null && !stored.isAfter(previous) ? previous.plus(1, ChronoUnit.MICROS) : stored;
    }
}
