package dev.gatehouse.oauth.servers;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.oauth.claims.ClaimExpression;
import dev.gatehouse.oauth.claims.ClaimRule;
import dev.gatehouse.oauth.claims.GroupFilter;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Custom claims of a custom authorization server (Okta's OAuth2Claim, issue #17; research notes §5): the use cases
 * behind {@code /api/v1/authorizationServers/{id}/claims} and the console, their validation and System Log events, and
 * {@link #rules}: the token path's snapshot of a server's ACTIVE claims, compiled once per load (expressions parsed,
 * group filters built) and dropped by every change on {@link AuthorizationServers#CHANNEL} (see {@link ChangeCache}).
 *
 * <p>Gatehouse has no system claims: its built-in claims (sub, name, email, …) are fixed in the signer and /userinfo,
 * and a custom claim may not take their names ({@link #RESERVED}, {@link #OIDC_CLAIMS}).
 */
public final class Claims {

    static final String ID_PREFIX = "ocl";
    static final String TYPE = "OAuth2Claim";
    static final int MAX_CLAIMS = 100;
    static final int MAX_NAME = 255;
    static final int MAX_SCOPES = 50;

    /**
     * Okta's reserved claim names (support article "List of Reserved Claims", access and ID token lists and both), plus
     * the JWT times {@code exp}, {@code iat}, {@code nbf} and the claims Gatehouse's tokens carry ({@code scp},
     * {@code auth_time}, {@code idp}, {@code at_hash}). {@code groups} is allowed, as Okta's own guides use it (notes §5.4).
     */
    static final Set<String> RESERVED = Set.of("acr", "amr", "as_uri", "cid", "rpt", "rsi", "uid", "username",
            "active", "aid", "aud", "app_id", "app_type", "at_hash", "auth_time", "client_id", "client_ip", "client_req_id", "client_type",
            "client_user_agent", "cnf", "c_hash", "device_compliance", "device_id", "device_known", "device_managed", "device_name",
            "device_trust", "did", "dst", "group", "hotk", "idp", "idp_iss", "mac_key", "may_act", "nonce", "oid", "okta_emailVerified",
            "okta_lastUpdated", "orig", "permissions", "purpose", "pwd_exp_days", "pwd_exp_time", "rid", "role", "scope", "scopes", "sid",
            "sub", "term", "user_ip", "iss", "jti", "token_type", "ver", "exp", "iat", "nbf", "scp");
    /** The OIDC claims of the profile, email, phone and address scopes: Okta's system claims, so not a custom IDENTITY claim's name. */
    static final Set<String> OIDC_CLAIMS = Set.of("name", "preferred_username", "family_name", "given_name", "middle_name", "nickname",
            "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at", "email", "email_verified",
            "phone_number", "phone_number_verified", "address");
    /** Printable ASCII without spaces: plain names and URIs ("http://example.com/is_root" is a name Okta supports). */
    private static final Pattern NAME = Pattern.compile("[\\x21-\\x7E]+");

    private final Database db;
    private final ChangeFeed changes;
    private final ClaimStore store;
    private final Scopes scopes;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;
    private final ChangeCache<String, List<ClaimRule>> rules;

    public Claims(Database db, ChangeFeed changes, ClaimStore store, Scopes scopes, SystemLog log, Ids ids, Clock clock) {
        this.db = db;
        this.changes = changes;
        this.store = store;
        this.scopes = scopes;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
        this.rules = new ChangeCache<>(serverId -> Optional.of(db.read(h -> store.list(h, serverId)).stream()
                .filter(Claim::active).map(Claims::compiledOrNull).filter(java.util.Objects::nonNull).toList()));
        changes.onChange(AuthorizationServers.CHANNEL, rules::invalidate);
    }

    /** The server's ACTIVE claims, compiled: what every token request reads (from memory). */
    public List<ClaimRule> rules(String authorizationServerId) {
        return rules.get(authorizationServerId).orElseThrow();
    }

    public List<Claim> list(String authorizationServerId) {
        return db.read(h -> store.list(h, authorizationServerId));
    }

    public Claim get(String authorizationServerId, String claimId) {
        return db.read(h -> store.find(h, authorizationServerId, claimId)).orElseThrow(() -> ApiError.notFound(claimId, TYPE));
    }

    public Claim create(EventContext ctx, AuthorizationServer server, ClaimRequest r) {
        Instant now = clock.instant();
        Claim c = validate(server, r, ids.next(ID_PREFIX), now, now);
        return Scopes.uniqueName(() -> changes.write(AuthorizationServers.CHANNEL, h -> {
            if (store.count(h, server.id()) >= MAX_CLAIMS) {
                throw ApiError.validation("name", "An authorization server can have at most " + MAX_CLAIMS + " claims");
            }
            store.insert(h, c);
            log.record(h, ctx, SystemLog.Entry.success("oauth2.claim.created", "Create claim", target(c), AuthorizationServers.target(server)));
            return c;
        }));
    }

    /** Replaces the claim (Okta's PUT): members left out take their defaults. */
    public Claim update(EventContext ctx, AuthorizationServer server, String claimId, ClaimRequest r) {
        Claim current = get(server.id(), claimId);
        Claim c = validate(server, r, current.id(), current.created(), clock.instant());
        return Scopes.uniqueName(() -> changes.write(AuthorizationServers.CHANNEL, h -> {
            if (!store.update(h, c)) {
                throw ApiError.notFound(claimId, TYPE);
            }
            log.record(h, ctx, SystemLog.Entry.success("oauth2.claim.updated", "Update claim", target(c), AuthorizationServers.target(server)));
            return c;
        }));
    }

    public void delete(EventContext ctx, AuthorizationServer server, String claimId) {
        Claim current = get(server.id(), claimId);
        changes.inTx(AuthorizationServers.CHANNEL, h -> {
            if (!store.delete(h, server.id(), claimId)) {
                throw ApiError.notFound(claimId, TYPE);
            }
            log.record(h, ctx, SystemLog.Entry.success("oauth2.claim.deleted", "Delete claim", target(current), AuthorizationServers.target(server)));
        });
    }

    /**
     * The claim {@code r} describes, validated and compiled but not saved: what the console's live check evaluates.
     * Refusals are the ones a save would give.
     */
    public ClaimRule compile(AuthorizationServer server, ClaimRequest r) {
        return compiled(validate(server, r, "preview", clock.instant(), clock.instant()));
    }

    private Claim validate(AuthorizationServer server, ClaimRequest r, String id, Instant created, Instant now) {
        List<ApiError.Cause> causes = new ArrayList<>();
        Claim.Type type = enumOf(Claim.Type.class, r.claimType(), "claimType", "Must be RESOURCE or IDENTITY", true, causes);
        String name = r.name();
        if (name == null || name.isBlank()) {
            causes.add(new ApiError.Cause("name", Scopes.BLANK));
        } else if (name.length() > MAX_NAME) {
            causes.add(new ApiError.Cause("name", "The field cannot be longer than " + MAX_NAME + " characters"));
        } else if (!NAME.matcher(name).matches()) {
            causes.add(new ApiError.Cause("name", "A claim name may contain only printable ASCII characters, without spaces"));
        } else if (RESERVED.contains(name)) {
            causes.add(new ApiError.Cause("name", "The claim name '" + name + "' is reserved"));
        } else if (type == Claim.Type.IDENTITY && OIDC_CLAIMS.contains(name)) {
            causes.add(new ApiError.Cause("name", "The claim name '" + name + "' is a system claim of the ID token"));
        }
        Claim.Status status = r.status() == null ? Claim.Status.ACTIVE
                : enumOf(Claim.Status.class, r.status(), "status", "Must be ACTIVE or INACTIVE", true, causes);
        Claim.ValueType valueType = null;
        if ("SYSTEM".equals(r.valueType())) {
            causes.add(new ApiError.Cause("valueType", "SYSTEM is the value type of system claims; use EXPRESSION or GROUPS"));
        } else {
            valueType = enumOf(Claim.ValueType.class, r.valueType(), "valueType", "Must be EXPRESSION or GROUPS", true, causes);
        }
        GroupFilter.Type filter = null;
        String value = r.value();
        if (value == null || value.isBlank()) {
            causes.add(new ApiError.Cause("value", Scopes.BLANK));
        } else if (value.length() > ClaimExpression.MAX_LENGTH) {
            causes.add(new ApiError.Cause("value", "The field cannot be longer than " + ClaimExpression.MAX_LENGTH + " characters"));
        } else if (valueType == Claim.ValueType.EXPRESSION) {
            try {
                ClaimExpression.parse(value);
            } catch (ClaimExpression.Invalid e) {
                causes.add(new ApiError.Cause("value", "Invalid expression: " + e.describe()));
            }
        }
        if (valueType == Claim.ValueType.GROUPS) {
            filter = r.groupFilterType() == null ? null : enumOf(GroupFilter.Type.class, r.groupFilterType(), "group_filter_type",
                    "Must be STARTS_WITH, EQUALS, CONTAINS or REGEX", false, causes);
            if (r.groupFilterType() == null) {
                causes.add(new ApiError.Cause("group_filter_type", "A GROUPS claim needs a group_filter_type: STARTS_WITH, EQUALS, CONTAINS or REGEX"));
            } else if (filter == GroupFilter.Type.REGEX && value != null && !value.isBlank() && value.length() <= ClaimExpression.MAX_LENGTH) {
                try {
                    GroupFilter.of(filter, value);
                } catch (IllegalArgumentException e) {
                    causes.add(new ApiError.Cause("value", e.getMessage()));
                }
            }
        }
        List<String> claimScopes = r.scopes() == null ? List.of() : List.copyOf(new LinkedHashSet<>(r.scopes()));
        if (claimScopes.size() > MAX_SCOPES) {
            causes.add(new ApiError.Cause("conditions.scopes", "At most " + MAX_SCOPES + " scopes"));
        } else {
            Set<String> known = new java.util.HashSet<>();
            scopes.list(server.id()).forEach(s -> known.add(s.name()));
            for (String s : claimScopes) {
                if (!known.contains(s)) {
                    causes.add(new ApiError.Cause("conditions.scopes", "Scope " + abbreviate(s) + " does not exist on this authorization server"));
                    break;
                }
            }
        }
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        // "The value is always TRUE for access token Claims" (Okta's spec).
        boolean always = type == Claim.Type.RESOURCE || r.alwaysIncludeInToken() == null || r.alwaysIncludeInToken();
        return new Claim(id, server.id(), name, type, valueType, value, filter, claimScopes, always, status, created, now);
    }

    private static ClaimRule compiled(Claim c) {
        return new ClaimRule(c.name(), c.claimType() == Claim.Type.RESOURCE, c.alwaysIncludeInToken(), c.scopes(),
                c.valueType() == Claim.ValueType.EXPRESSION ? ClaimExpression.parse(c.value()) : null,
                c.valueType() == Claim.ValueType.GROUPS ? GroupFilter.of(c.groupFilterType(), c.value()) : null);
    }

    /** A stored claim that no longer compiles (a rule tightened since it was saved) is left out of tokens, not fatal. */
    private static ClaimRule compiledOrNull(Claim c) {
        try {
            return compiled(c);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String value, String field, String message, boolean required,
                                                List<ApiError.Cause> causes) {
        if (value == null) {
            if (required) {
                causes.add(new ApiError.Cause(field, Scopes.BLANK));
            }
            return null;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(value)) {
                return e;
            }
        }
        causes.add(new ApiError.Cause(field, message));
        return null;
    }


    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    static Target target(Claim c) {
        return new Target(c.id(), TYPE, c.name(), c.name());
    }
}
