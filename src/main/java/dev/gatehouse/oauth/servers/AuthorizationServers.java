package dev.gatehouse.oauth.servers;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.oauth.keys.SigningKey;
import dev.gatehouse.oauth.keys.SigningKeyStore.RotationMode;
import dev.gatehouse.oauth.keys.SigningKeys;
import dev.gatehouse.storage.ChangeCache;
import dev.gatehouse.storage.ChangeFeed;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The authorization-server use cases, shared by the management API, the console and the protocol endpoints.
 * The org AS ({@link #ORG}) and {@code default} are created on first start. The org AS is not a custom server:
 * the management API does not show it (as in Okta), and it cannot be renamed, deactivated or deleted. {@code default}
 * can be edited and deactivated but not deleted (the next start would otherwise bring it back, unannounced).
 *
 * <p>{@link #find} (every protocol request) answers from a {@link ChangeCache}. Every write to servers or their
 * scopes goes through {@link ChangeFeed#write} on {@link #CHANNEL}, which drops this node's caches right after the
 * commit and the other nodes' when PostgreSQL delivers the notification. {@link #get} (management) reads the database.
 */
public final class AuthorizationServers {

    /** The id of the org authorization server (never exposed by the management API). */
    public static final String ORG = "org";
    /** The id (and name) of the default custom authorization server. */
    public static final String DEFAULT = "default";
    public static final String DEFAULT_AUDIENCE = "api://default";
    /** The change-feed channel of authorization servers and their scopes. */
    public static final String CHANNEL = "gatehouse_authorization_servers";
    static final String TYPE = "AuthorizationServer";
    private static final int MAX_NAME = 100;
    private static final int MAX_TEXT = 1024;

    private final Database db;
    private final ChangeFeed changes;
    private final ChangeCache<String, AuthorizationServer> byId;
    private final AuthorizationServerStore store;
    private final Scopes scopes;
    private final SigningKeys keys;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;
    private final String baseUrl;

    private final java.util.function.BiConsumer<org.jdbi.v3.core.Handle, String> deactivated;

    public AuthorizationServers(Database db, ChangeFeed changes, AuthorizationServerStore store, Scopes scopes, SigningKeys keys,
                                SystemLog log, Ids ids, Clock clock, String baseUrl) {
        this(db, changes, store, scopes, keys, log, ids, clock, baseUrl, (h, id) -> { });
    }

    /** @param deactivated what else ends, in the same transaction, when a server is deactivated (its consent grants) */
    public AuthorizationServers(Database db, ChangeFeed changes, AuthorizationServerStore store, Scopes scopes, SigningKeys keys,
                                SystemLog log, Ids ids, Clock clock, String baseUrl,
                                java.util.function.BiConsumer<org.jdbi.v3.core.Handle, String> deactivated) {
        this.deactivated = deactivated;
        this.db = db;
        this.changes = changes;
        this.byId = new ChangeCache<>(this::stored);
        changes.onChange(CHANNEL, byId::invalidate);
        this.store = store;
        this.scopes = scopes;
        this.keys = keys;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
        this.baseUrl = baseUrl;
    }

    /** Any authorization server by id, org AS included, whatever its status; from memory (see the class comment). */
    public Optional<AuthorizationServer> find(String id) {
        return id == null ? Optional.empty() : byId.get(id);
    }

    /** As stored now, for management reads and for the cache to load. */
    private Optional<AuthorizationServer> stored(String id) {
        return db.read(h -> store.find(h, id)).map(this::resolved);
    }

    /**
     * The custom server a {@code /oauth2/{asId}/...} path names, if it exists and is ACTIVE. The org AS is never one:
     * its endpoints are {@code /oauth2/v1/...}, so {@code /oauth2/org/...} must be 404.
     */
    public Optional<AuthorizationServer> activeCustom(String id) {
        return find(id).filter(s -> !s.org() && s.active());
    }

    public AuthorizationServer org() {
        return find(ORG).orElseThrow();
    }

    /** A custom server, for the management API: anything else (the org AS too) is 404 E0000007. */
    public AuthorizationServer get(String id) {
        return stored(id).filter(s -> !s.org()).orElseThrow(() -> ApiError.notFound(id, TYPE));
    }

    /**
     * The issuer, byte for byte what tokens carry as {@code iss} and discovery as {@code issuer}: the base URL for
     * the org AS, {@code {base}/oauth2/{id}} for a custom one.
     */
    public String issuer(AuthorizationServer s) {
        return s.org() ? baseUrl : baseUrl + "/oauth2/" + s.id();
    }

    /** Where its OpenID Provider metadata is. */
    public String openIdConfigurationUrl(AuthorizationServer s) {
        return issuer(s) + "/.well-known/openid-configuration";
    }

    /** The console's "Metadata URI", as Okta shows it: the OAuth document for custom servers (the org AS has only the OIDC one). */
    public String metadataUrl(AuthorizationServer s) {
        return s.org() ? openIdConfigurationUrl(s) : issuer(s) + "/.well-known/oauth-authorization-server";
    }

    /** Custom servers by id, {@code q} matching part of the name or audience. */
    public List<AuthorizationServer> list(String q, String after, int limit) {
        String query = q == null || q.isBlank() ? null : q.strip();
        return db.read(h -> store.listCustom(h, query, after, limit)).stream().map(this::resolved).toList();
    }

    /** Every server for the console: the org AS, {@code default}, then the rest by name. */
    public List<AuthorizationServer> all() {
        return db.read(store::listAll).stream().map(this::resolved).toList();
    }

    public AuthorizationServer create(EventContext ctx, AuthorizationServerRequest r) {
        RotationMode mode = validate(r);
        Instant now = clock.instant();
        AuthorizationServer s = new AuthorizationServer(ids.next(Ids.AUTHORIZATION_SERVER), AuthorizationServer.Kind.CUSTOM, r.name().strip(),
                blankToNull(r.description()), r.audiences().getFirst().strip(), AuthorizationServer.Status.ACTIVE, TokenLifetimes.DEFAULTS,
                now, now);
        return Scopes.uniqueName(() -> changes.write(CHANNEL, h -> {
            insert(h, ctx, s);
            if (mode != null) {
                keys.setRotationMode(h, s.id(), mode);
            }
            return s;
        }));
    }

    /** Replaces name, description and audience (and the rotation mode when given). */
    public AuthorizationServer update(EventContext ctx, String id, AuthorizationServerRequest r) {
        AuthorizationServer current = get(id);
        RotationMode mode = validate(r);
        return Scopes.uniqueName(() -> changes.write(CHANNEL, h -> {
            if (!store.update(h, current.id(), r.name().strip(), blankToNull(r.description()), r.audiences().getFirst().strip(), clock.instant())) {
                throw ApiError.notFound(id, TYPE);
            }
            if (mode != null) {
                keys.setRotationMode(h, current.id(), mode);
            }
            AuthorizationServer updated = store.find(h, current.id()).orElseThrow();
            log.record(h, ctx, SystemLog.Entry.success("oauth2.as.updated", "Update authorization server", target(updated)));
            return resolved(updated);
        }));
    }

    /** Sets the token lifetimes of any server, the org AS included. */
    public AuthorizationServer updateLifetimes(EventContext ctx, String id, TokenLifetimes lifetimes) {
        AuthorizationServer current = stored(id).orElseThrow(() -> ApiError.notFound(id, TYPE));
        return changes.write(CHANNEL, h -> {
            if (!store.updateLifetimes(h, current.id(), lifetimes, clock.instant())) {
                throw ApiError.notFound(id, TYPE);
            }
            AuthorizationServer updated = store.find(h, current.id()).orElseThrow();
            log.record(h, ctx, SystemLog.Entry.success("oauth2.as.updated", "Update authorization server token lifetimes", target(updated)));
            return resolved(updated);
        });
    }

    /** ACTIVE again; activating an active server changes nothing and writes no event. */
    public void activate(EventContext ctx, String id) {
        changeStatus(ctx, get(id), AuthorizationServer.Status.INACTIVE, AuthorizationServer.Status.ACTIVE,
                "oauth2.as.activated", "Activate authorization server");
    }

    /** INACTIVE: its discovery documents and keys answer 404 and it issues no tokens, until activated again. */
    public void deactivate(EventContext ctx, String id) {
        changeStatus(ctx, get(id), AuthorizationServer.Status.ACTIVE, AuthorizationServer.Status.INACTIVE,
                "oauth2.as.deactivated", "Deactivate authorization server");
    }

    /**
     * Deletes an INACTIVE custom server with its scopes and keys. An active one is 400 E0000001 (deactivate first, the
     * way Okta guards apps); {@code default} is 403 E0000006.
     */
    public void delete(EventContext ctx, String id) {
        AuthorizationServer s = get(id);
        if (s.id().equals(DEFAULT)) {
            throw new ApiError(ErrorCode.E0000006, ErrorCode.E0000006.summary(null), List.of(new ApiError.Cause(null,
                    "The default authorization server is built in: it cannot be deleted. Deactivate it instead.")));
        }
        changes.inTx(CHANNEL, h -> {
            if (!store.deleteInactive(h, s.id())) {
                if (store.find(h, s.id()).isEmpty()) {
                    throw ApiError.notFound(id, TYPE);
                }
                throw ApiError.validation("status", "The authorization server must be deactivated before it can be deleted");
            }
            log.record(h, ctx, SystemLog.Entry.success("oauth2.as.deleted", "Delete authorization server", target(s)));
        });
    }

    /** The published signing keys of a server, ACTIVE first. */
    public List<SigningKey> keys(AuthorizationServer s) {
        return keys.keys(s.id());
    }

    /** Rotates the signing keys of any server (the org AS too, from the console). */
    public List<SigningKey> rotateKeys(EventContext ctx, AuthorizationServer s) {
        return keys.rotate(ctx, target(s));
    }

    /**
     * Creates the org AS and {@code default} when they do not exist, each in its own transaction. Their ids are
     * primary keys, so when two nodes start at once the second insert fails, rolls back whole, and is ignored.
     */
    public void ensureBuiltIns() {
        Instant now = clock.instant();
        List<AuthorizationServer> builtIns = List.of(
                new AuthorizationServer(ORG, AuthorizationServer.Kind.ORG, "Org Authorization Server",
                        "Built in. Its issuer is the org URL; endpoints under /oauth2/v1.", null,
                        AuthorizationServer.Status.ACTIVE, TokenLifetimes.DEFAULTS, now, now),
                new AuthorizationServer(DEFAULT, AuthorizationServer.Kind.CUSTOM, DEFAULT, "Default Authorization Server for your Applications",
                        DEFAULT_AUDIENCE, AuthorizationServer.Status.ACTIVE, TokenLifetimes.DEFAULTS, now, now));
        EventContext system = EventContext.system("first-start");
        for (AuthorizationServer s : builtIns) {
            if (db.read(h -> store.find(h, s.id())).isPresent()) {
                continue;
            }
            try {
                changes.inTx(CHANNEL, h -> {
                    insert(h, system, s);
                });
            } catch (RuntimeException e) {
                if (!Database.isUniqueViolation(e)) {
                    throw e;
                }
                // another node created it at the same moment
            }
        }
    }

    private void insert(org.jdbi.v3.core.Handle h, EventContext ctx, AuthorizationServer s) {
        store.insert(h, s);
        keys.schedule(h, s.id());
        scopes.addSystemScopes(h, s.id(), s.created());
        log.record(h, ctx, SystemLog.Entry.success("oauth2.as.created", "Create authorization server", target(s)));
    }

    private void changeStatus(EventContext ctx, AuthorizationServer s, AuthorizationServer.Status from, AuthorizationServer.Status to,
                              String eventType, String message) {
        changes.inTx(CHANNEL, h -> {
            if (store.changeStatus(h, s.id(), from, to, clock.instant())) {
                log.record(h, ctx, SystemLog.Entry.success(eventType, message, target(s)));
                if (to == AuthorizationServer.Status.INACTIVE) {
                    deactivated.accept(h, s.id());   // Okta: consent ends when the authorization server is deactivated
                }
            }
        });
    }

    private static RotationMode validate(AuthorizationServerRequest r) {
        List<ApiError.Cause> causes = new ArrayList<>();
        if (r.name() == null || r.name().isBlank()) {
            causes.add(new ApiError.Cause("name", Scopes.BLANK));
        } else if (r.name().strip().length() > MAX_NAME) {
            causes.add(new ApiError.Cause("name", "The field cannot be longer than " + MAX_NAME + " characters"));
        }
        if (r.description() != null && r.description().length() > MAX_TEXT) {
            causes.add(new ApiError.Cause("description", "The field cannot be longer than " + MAX_TEXT + " characters"));
        }
        if (r.audiences().isEmpty() || r.audiences().getFirst() == null || r.audiences().getFirst().isBlank()) {
            causes.add(new ApiError.Cause("audiences", "An audience is required, e.g. api://default"));
        } else if (r.audiences().size() > 1) {
            causes.add(new ApiError.Cause("audiences", "Only one audience is supported"));
        } else if (r.audiences().getFirst().strip().length() > MAX_TEXT) {
            causes.add(new ApiError.Cause("audiences", "The audience cannot be longer than " + MAX_TEXT + " characters"));
        }
        RotationMode mode = null;
        if (r.rotationMode() != null) {
            try {
                mode = RotationMode.valueOf(r.rotationMode());
            } catch (IllegalArgumentException e) {
                causes.add(new ApiError.Cause("credentials.signing.rotationMode", "Must be AUTO or MANUAL"));
            }
        }
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        return mode;
    }


    private AuthorizationServer resolved(AuthorizationServer s) {
        return s.org() ? s.withAudience(baseUrl) : s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    static Target target(AuthorizationServer s) {
        return new Target(s.id(), TYPE, s.name(), s.name());
    }
}
