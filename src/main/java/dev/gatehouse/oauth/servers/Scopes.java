package dev.gatehouse.oauth.servers;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.storage.ChangeCache;
import dev.gatehouse.storage.ChangeFeed;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Scopes of an authorization server. Every server has the reserved OIDC scopes as system scopes (published in
 * discovery); they cannot be renamed or deleted (403 E0000006), but their description, consent, default and
 * metadata flags can change. Custom servers get scopes of their own; the org AS has only the system ones.
 *
 * <p>{@link #list} keeps each server's scopes in memory, sorted once; every change goes through
 * {@link ChangeFeed#write} on {@link AuthorizationServers#CHANNEL}, which drops them (see {@link ChangeCache}).
 */
public final class Scopes {

    /** The reserved scopes, in the order discovery lists them for custom servers (Okta §2.1). */
    public static final List<String> SYSTEM = List.of("openid", "profile", "email", "address", "phone", "offline_access", "groups");
    static final String ID_PREFIX = "scp";
    static final String BLANK = "The field cannot be left blank";
    static final String DUPLICATE = "An object with this field already exists in the current organization";
    static final String TYPE = "OAuth2Scope";
    private static final Map<String, String> SYSTEM_DESCRIPTIONS = Map.of(
            "openid", "Signals that a request is an OpenID request.",
            "profile", "Allows access to the end user's default profile claims.",
            "email", "Allows access to the end user's email address.",
            "address", "Allows access to the end user's address.",
            "phone", "Allows access to the end user's phone number.",
            "offline_access", "Requests a refresh token, used to obtain more access tokens without re-prompting the user.",
            "groups", "Allows access to the end user's group memberships.");
    /**
     * The display names Okta gives its built-in scopes, as its recorded responses show them (terraform-provider-okta VCR
     * fixtures, {@code GET /api/v1/authorizationServers/default/scopes}). Okta has no built-in {@code groups} scope; the
     * name for it is Gatehouse's, in the same style.
     */
    private static final Map<String, String> SYSTEM_DISPLAY_NAMES = Map.of(
            "openid", "openid",
            "profile", "View your profile information.",
            "email", "View your email address.",
            "address", "View your address.",
            "phone", "View your phone number.",
            "offline_access", "Keep you signed in to the app.",
            "groups", "View your group memberships.");
    /** Printable ASCII without space, double quote or backslash (Okta's rule). */
    private static final Pattern NAME = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
    private static final int MAX_NAME = 255;
    private static final int MAX_TEXT = 1024;

    private final Database db;
    private final ChangeFeed changes;
    private final ChangeCache<String, List<Scope>> byServer;
    private final ScopeStore store;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;

    public Scopes(Database db, ChangeFeed changes, ScopeStore store, SystemLog log, Ids ids, Clock clock) {
        this.db = db;
        this.changes = changes;
        this.byServer = new ChangeCache<>(serverId -> java.util.Optional.of(db.read(h -> store.list(h, serverId)).stream()
                .sorted(Comparator.comparing(Scope::system).thenComparing(s -> s.system() ? SYSTEM.indexOf(s.name()) : 0))
                .toList()));
        changes.onChange(AuthorizationServers.CHANNEL, byServer::invalidate);
        this.store = store;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
    }

    /** The display name of a built-in scope, or null for any other name. */
    static String systemDisplayName(String name) {
        return SYSTEM_DISPLAY_NAMES.get(name);
    }

    /** The server's scopes: its own by name, then the system ones in {@link #SYSTEM} order. */
    public List<Scope> list(String authorizationServerId) {
        return byServer.get(authorizationServerId).orElseThrow();
    }

    /** The names of the scopes published in the server's metadata ({@code metadataPublish: ALL_CLIENTS}), in list order. */
    public List<String> published(String authorizationServerId) {
        return list(authorizationServerId).stream().filter(Scope::published).map(Scope::name).toList();
    }

    /** The names of the server's own (non-system) scopes: what a client may ask for besides the reserved OIDC ones. */
    public java.util.Set<String> customNames(AuthorizationServer server) {
        return list(server.id()).stream().filter(s -> !s.system()).map(Scope::name)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    public Scope get(String authorizationServerId, String scopeId) {
        return db.read(h -> store.find(h, authorizationServerId, scopeId)).orElseThrow(() -> ApiError.notFound(scopeId, TYPE));
    }

    public Scope create(EventContext ctx, AuthorizationServer server, ScopeRequest r) {
        if (server.org()) {
            throw new ApiError(ErrorCode.E0000006, ErrorCode.E0000006.summary(null), List.of(new ApiError.Cause(null,
                    "The org authorization server has only the built-in scopes; add scopes to a custom authorization server.")));
        }
        validate(r, null);
        Instant now = clock.instant();
        Scope s = new Scope(ids.next(ID_PREFIX), server.id(), r.name(), blankToNull(r.displayName()), blankToNull(r.description()), false,
                r.isDefault() != null && r.isDefault(), r.consent() == null ? Scope.Consent.IMPLICIT : Scope.Consent.valueOf(r.consent()),
                r.metadataPublish() == null ? Scope.MetadataPublish.NO_CLIENTS : Scope.MetadataPublish.valueOf(r.metadataPublish()), now, now);
        return uniqueName(() -> changes.write(AuthorizationServers.CHANNEL, h -> {
            store.insert(h, s);
            log.record(h, ctx, SystemLog.Entry.success("oauth2.scope.created", "Create scope", target(s), AuthorizationServers.target(server)));
            return s;
        }));
    }

    /** Replaces the scope; members left out keep their value (see {@link ScopeRequest}). */
    public Scope update(EventContext ctx, AuthorizationServer server, String scopeId, ScopeRequest r) {
        Scope current = get(server.id(), scopeId);
        validate(r, current);
        Scope s = new Scope(current.id(), current.authorizationServerId(), r.name(),
                r.displayName() == null ? current.displayName() : blankToNull(r.displayName()),
                r.description() == null ? current.description() : blankToNull(r.description()), current.system(),
                r.isDefault() == null ? current.isDefault() : r.isDefault(),
                r.consent() == null ? current.consent() : Scope.Consent.valueOf(r.consent()),
                r.metadataPublish() == null ? current.metadataPublish() : Scope.MetadataPublish.valueOf(r.metadataPublish()),
                current.created(), clock.instant());
        return uniqueName(() -> changes.write(AuthorizationServers.CHANNEL, h -> {
            if (!store.update(h, s, s.lastUpdated())) {
                throw ApiError.notFound(scopeId, TYPE);
            }
            Scope updated = store.find(h, s.authorizationServerId(), s.id()).orElseThrow();
            log.record(h, ctx, SystemLog.Entry.success("oauth2.scope.updated", "Update scope", target(updated), AuthorizationServers.target(server)));
            return updated;
        }));
    }

    public void delete(EventContext ctx, AuthorizationServer server, String scopeId) {
        Scope current = get(server.id(), scopeId);
        if (current.system()) {
            throw systemScope(current, "be deleted");
        }
        changes.inTx(AuthorizationServers.CHANNEL, h -> {
            if (!store.deleteCustom(h, server.id(), scopeId)) {
                throw ApiError.notFound(scopeId, TYPE);
            }
            log.record(h, ctx, SystemLog.Entry.success("oauth2.scope.deleted", "Delete scope", target(current), AuthorizationServers.target(server)));
        });
    }

    /** Adds the reserved scopes to a new server, in its creating transaction. */
    void addSystemScopes(Handle h, String authorizationServerId, Instant now) {
        for (String name : SYSTEM) {
            store.insert(h, new Scope(ids.next(ID_PREFIX), authorizationServerId, name, null, SYSTEM_DESCRIPTIONS.get(name), true, false,
                    Scope.Consent.IMPLICIT, Scope.MetadataPublish.ALL_CLIENTS, now, now));
        }
    }

    private static void validate(ScopeRequest r, Scope current) {
        List<ApiError.Cause> causes = new ArrayList<>();
        String name = r.name();
        if (name == null || name.isBlank()) {
            causes.add(new ApiError.Cause("name", BLANK));
        } else if (current != null && current.system() && !name.equals(current.name())) {
            throw systemScope(current, "be renamed");
        } else if (name.length() > MAX_NAME) {
            causes.add(new ApiError.Cause("name", "The field cannot be longer than " + MAX_NAME + " characters"));
        } else if (!NAME.matcher(name).matches()) {
            causes.add(new ApiError.Cause("name", "A scope name may contain only printable ASCII characters, without spaces, double quotes or backslashes"));
        } else if (name.equals("okta") || name.equals("*") || name.startsWith("okta.") || name.startsWith("okta:")) {
            causes.add(new ApiError.Cause("name", "A scope name must not be 'okta' or '*', nor start with 'okta.' or 'okta:'"));
        }
        if (r.description() != null && r.description().length() > MAX_TEXT) {
            causes.add(new ApiError.Cause("description", "The field cannot be longer than " + MAX_TEXT + " characters"));
        }
        if (r.displayName() != null && r.displayName().length() > MAX_NAME) {
            causes.add(new ApiError.Cause("displayName", "The field cannot be longer than " + MAX_NAME + " characters"));
        }
        if (r.consent() != null && !valid(Scope.Consent.class, r.consent())) {
            causes.add(new ApiError.Cause("consent", "Must be IMPLICIT, REQUIRED or FLEXIBLE"));
        }
        if (r.metadataPublish() != null && !valid(Scope.MetadataPublish.class, r.metadataPublish())) {
            causes.add(new ApiError.Cause("metadataPublish", "Must be NO_CLIENTS or ALL_CLIENTS"));
        }
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
    }

    private static <E extends Enum<E>> boolean valid(Class<E> type, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static ApiError systemScope(Scope s, String what) {
        return new ApiError(ErrorCode.E0000006, ErrorCode.E0000006.summary(null), List.of(new ApiError.Cause(null,
                "The scope " + s.name() + " is a system scope: it cannot " + what + ".")));
    }

    /** A write whose unique-name constraint fails is Okta's duplicate-name 400 (scopes, servers, claims, policies, rules). */
    static <T> T uniqueName(Supplier<T> write) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw ApiError.validation("name", DUPLICATE);
            }
            throw e;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    static Target target(Scope s) {
        return new Target(s.id(), TYPE, s.name(), s.name());
    }
}
