package dev.gatehouse.oauth.consent;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppSettings.ConsentMethod;
import dev.gatehouse.apps.Apps;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.oauth.issued.IssuedTokenStore;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.Scope;
import dev.gatehouse.oauth.servers.Scopes;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Okta's user consent (research notes §7): when the hosted consent page must be shown, the consent requests it answers
 * (bound to one session and one authorization request, answered once), the grants Allow records (one per scope), and
 * their revocation, which also revokes the tokens they produced (Gatehouse's decision; Okta is silent).
 */
public final class Consents {

    /** How long a consent page may be answered. */
    public static final Duration VALIDITY = Duration.ofMinutes(10);
    public static final String ID_PREFIX = "oag";
    public static final String TYPE = "OAuth2ScopeConsentGrant";

    /** A scope as the consent page shows it. */
    public record ScopeText(String name, String displayName, String description) {
    }

    /** An open consent page: the app, the scopes, and the request's id (for the form). */
    public record Shown(App app, List<ScopeText> scopes, String requestId) {
    }

    /** The answer to a consent form. */
    public sealed interface Answer {
        /** Allowed: the grants are recorded; continue the authorization request here. */
        record Continue(String uri) implements Answer {
        }

        /** Refused by the person: send Okta's access_denied to the client. */
        record Denied(ConsentRequest request) implements Answer {
        }

        /** Not a consent this session may give (unknown, answered, expired, another session's): nothing was recorded. */
        record Invalid() implements Answer {
        }
    }

    /** The widget's texts for the built-in OIDC scopes (okta-signin-widget login.properties, notes §7.2). */
    private static final Map<String, ScopeText> BUILT_IN = Map.of(
            "openid", new ScopeText("openid", "Signs you in to the app.", "This allows the app to verify your identity."),
            "email", new ScopeText("email", "View your email address.", "This allows the app to view your email address."),
            "profile", new ScopeText("profile", "View your profile information.",
                    "The exact data varies based on what profile information you have provided, such as: name, time zone, picture, or birthday."),
            "phone", new ScopeText("phone", "View your phone number.", "This allows the app to view your phone number."),
            "address", new ScopeText("address", "View your address.", "This allows the app to view your address."),
            "offline_access", new ScopeText("offline_access", "Keep you signed in to the app.",
                    "This keeps you signed in to the app, even when you are not using it."),
            "groups", new ScopeText("groups", "View your groups.", "This allows the app to view the groups you belong to."));

    private final Database db;
    private final ConsentStore store;
    private final IssuedTokenStore tokens;
    private final Scopes scopes;
    private final Apps apps;
    private final Function<String, Optional<AuthorizationServer>> servers;
    private final Predicate<String> userExists;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;

    public Consents(Database db, ConsentStore store, IssuedTokenStore tokens, Scopes scopes, Apps apps,
                    Function<String, Optional<AuthorizationServer>> servers, Predicate<String> userExists, SystemLog log, Ids ids,
                    Clock clock) {
        this.db = db;
        this.store = store;
        this.tokens = tokens;
        this.scopes = scopes;
        this.apps = apps;
        this.servers = servers;
        this.userExists = userExists;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
    }

    // ---- when to ask (notes §7.1) ----

    /**
     * The requested scopes the person must be asked for, in request order: none on the org server (Okta: consent works
     * only with custom authorization servers); with {@code prompt=consent} every requested scope whose consent is REQUIRED
     * or FLEXIBLE, whatever the app's consent_method; otherwise, when the app's consent_method is REQUIRED, those of them
     * without an ACTIVE grant for this user and client on this server. Reads the grants only when there is something to
     * ask (scopes come from the node's cache).
     */
    public List<String> toAsk(AuthorizationServer server, App app, String userId, List<String> requested, boolean promptConsent) {
        if (server.org()) {
            return List.of();
        }
        Map<String, Scope> byName = new LinkedHashMap<>();
        for (Scope s : scopes.list(server.id())) {
            if (s.consent() != Scope.Consent.IMPLICIT) {
                byName.put(s.name(), s);
            }
        }
        List<Scope> needing = requested.stream().map(byName::get).filter(java.util.Objects::nonNull).toList();
        if (needing.isEmpty()) {
            return List.of();
        }
        if (promptConsent) {
            return needing.stream().map(Scope::name).toList();
        }
        if (app.settings().consentMethod() != ConsentMethod.REQUIRED) {
            return List.of();
        }
        Set<String> granted = new HashSet<>(db.read(h -> store.activeScopeIds(h, userId, app.clientId(), server.id())));
        return needing.stream().filter(s -> !granted.contains(s.id())).map(Scope::name).toList();
    }

    /** The scopes of {@code requested} whose consent is REQUIRED on this server (client credentials refuses them). */
    public List<String> requiredForClients(AuthorizationServer server, List<String> requested) {
        if (server.org()) {
            return List.of();
        }
        Set<String> required = new HashSet<>();
        scopes.list(server.id()).stream().filter(s -> s.consent() == Scope.Consent.REQUIRED).forEach(s -> required.add(s.name()));
        return requested.stream().filter(required::contains).toList();
    }

    // ---- the consent page ----

    /** Records a consent page for this session and request; the random id the page's form carries. */
    public String open(String sessionId, String userId, String clientId, String serverId, List<String> scopeNames, String continueUri,
                       String redirectUri, String responseMode, String state, String issuer) {
        String id = ids.base62(43);
        Instant now = clock.instant();
        db.inTx(h -> store.insertRequest(h, new ConsentRequest(Hashes.sha256(id), sessionId, userId, clientId, serverId,
                List.copyOf(scopeNames), continueUri, redirectUri, responseMode, state, issuer, now, now.plus(VALIDITY), null)));
        return id;
    }

    /** The page for an open request of this session, if it is one. */
    public Optional<Shown> show(String requestId, String sessionId) {
        if (requestId == null || requestId.length() > 64) {
            return Optional.empty();
        }
        Optional<ConsentRequest> r = db.read(h -> store.findOpen(h, Hashes.sha256(requestId), sessionId, clock.instant()));
        if (r.isEmpty()) {
            return Optional.empty();
        }
        Optional<App> app = apps.findByClientId(r.get().clientId()).filter(App::active);
        if (app.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Scope> byName = new LinkedHashMap<>();
        scopes.list(r.get().serverId()).forEach(s -> byName.put(s.name(), s));
        List<ScopeText> texts = new ArrayList<>();
        for (String name : r.get().scopes()) {
            texts.add(text(byName.get(name), name));
        }
        return Optional.of(new Shown(app.get(), texts, requestId));
    }

    /**
     * Answers a consent page once. Allow records one ACTIVE grant per asked scope not already granted (what is recorded comes
     * from the stored request, never from the form) and continues the stored authorization request; Don't Allow records
     * nothing. Anything else (unknown, already answered, expired, another session's or person's, the app or server gone
     * inactive) is {@link Answer.Invalid} and records nothing.
     */
    public Answer answer(EventContext ctx, String requestId, String sessionId, String userId, boolean allow) {
        if (requestId == null || requestId.length() > 64) {
            return new Answer.Invalid();
        }
        String hash = Hashes.sha256(requestId);
        Instant now = clock.instant();
        // Two tabs of one session answering consent pages for the same scopes at once: the slower one's grant hits the
        // one-ACTIVE-grant key of the faster one's (committed) grant, and its whole answer rolls back. Answered again, it
        // sees that grant and records only what is still missing (each further conflict means one more tab committed).
        for (int attempt = 1; ; attempt++) {
            try {
                return answerOnce(ctx, hash, sessionId, userId, allow, now);
            } catch (RuntimeException e) {
                if (attempt >= MAX_ANSWER_ATTEMPTS || !Database.isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
    }

    private static final int MAX_ANSWER_ATTEMPTS = 8;

    private Answer answerOnce(EventContext ctx, String hash, String sessionId, String userId, boolean allow, Instant now) {
        return db.tx(h -> {
            Optional<ConsentRequest> found = store.findOpen(h, hash, sessionId, now);
            if (found.isEmpty() || !found.get().userId().equals(userId) || !store.answer(h, hash, sessionId, now)) {
                return new Answer.Invalid();
            }
            ConsentRequest r = found.get();
            Optional<App> app = apps.findByClientId(r.clientId()).filter(App::active);
            Optional<AuthorizationServer> server = servers.apply(r.serverId()).filter(AuthorizationServer::active);
            if (app.isEmpty() || server.isEmpty()) {
                return new Answer.Invalid();
            }
            if (!allow) {
                return new Answer.Denied(r);
            }
            Map<String, Scope> byName = new LinkedHashMap<>();
            scopes.list(r.serverId()).forEach(s -> byName.put(s.name(), s));
            Set<String> granted = new HashSet<>(store.activeScopeIds(h, userId, r.clientId(), r.serverId()));
            for (String name : r.scopes()) {
                Scope s = byName.get(name);
                if (s == null) {
                    continue;   // deleted while the page was open: nothing to consent to
                }
                if (granted.add(s.id())) {
                    ConsentGrant g = new ConsentGrant(ids.next(ID_PREFIX), userId, r.clientId(), r.serverId(), s.id(), s.name(),
                            ConsentGrant.Status.ACTIVE, ConsentGrant.END_USER, userId, "User", now, now);
                    store.insertGrant(h, g);
                    log.record(h, ctx, SystemLog.Entry.success("app.oauth2.as.consent.grant", "User consent granted to app",
                            app.get().auditTarget(), grantTarget(g)).withDebug(Map.of("scope", s.name(), "authorizationServer", r.serverId())));
                }
            }
            return new Answer.Continue(r.continueUri());
        });
    }

    // ---- User Grants API (notes §7.3) ----

    public List<ConsentGrant> list(String userId, String clientId, String scopeId, String after, int limitPlusOne) {
        requireUser(userId);
        return db.read(h -> store.listActive(h, userId, clientId, scopeId, after, limitPlusOne));
    }

    /** A grant of this user (any status); another user's grant id is not found. */
    public ConsentGrant get(String userId, String grantId) {
        requireUser(userId);
        return db.read(h -> store.find(h, userId, grantId)).orElseThrow(() -> ApiError.notFound(grantId, TYPE));
    }

    /** The apps this user has granted something to. */
    public List<App> clients(String userId) {
        requireUser(userId);
        return db.read(h -> store.clientsOf(h, userId)).stream().map(apps::findByClientId).flatMap(Optional::stream).toList();
    }

    /** The client ({@code 0oa…}) of this user's grants, or 404 when there is no such app. */
    public App client(String clientId) {
        return apps.findByClientId(clientId).orElseThrow(() -> ApiError.notFound(clientId, "App"));
    }

    public void revoke(EventContext ctx, String userId, String grantId) {
        requireUser(userId);
        db.inTx(h -> {
            if (store.find(h, userId, grantId).isEmpty()) {
                throw ApiError.notFound(grantId, TYPE);
            }
            revoked(h, ctx, store.revoke(h, userId, null, grantId, clock.instant()));
        });
    }

    public void revokeAll(EventContext ctx, String userId, String clientId) {
        requireUser(userId);
        if (clientId != null) {
            client(clientId);
        }
        db.inTx(h -> revoked(h, ctx, store.revoke(h, userId, clientId, null, clock.instant())));
    }

    /** A deactivated user keeps no consent (Okta: grants end when the user is deactivated). */
    public int revokeUser(Handle h, String userId) {
        return store.revokeUser(h, userId, clock.instant());
    }

    /** A deactivated app keeps no consent. */
    public int revokeClient(Handle h, String clientId) {
        return store.revokeClient(h, clientId, clock.instant());
    }

    /** A deactivated authorization server keeps no consent. */
    public int revokeServer(Handle h, String serverId) {
        return store.revokeServer(h, serverId, clock.instant());
    }

    public Optional<AuthorizationServer> server(String id) {
        return servers.apply(id);
    }

    public Optional<App> app(String clientId) {
        return apps.findByClientId(clientId);
    }

    /**
     * What each revoked grant produced ends with it: the user's token families for that client and server that hold the
     * scope (their refresh tokens and the access tokens minted from them, so /introspect answers inactive), access tokens
     * outside any family, and codes not yet exchanged. One System Log event per grant.
     */
    private void revoked(Handle h, EventContext ctx, List<ConsentGrant> grants) {
        Instant now = clock.instant();
        for (ConsentGrant g : grants) {
            List<String> families = store.familiesWithScope(h, g.userId(), g.clientId(), g.serverId(), g.scopeName());
            families.forEach(f -> tokens.revokeFamily(h, f, now));
            int loose = store.revokeLooseAccessTokens(h, g.userId(), g.clientId(), g.serverId(), g.scopeName(), now);
            int codes = store.expireUnusedCodes(h, g.userId(), g.clientId(), g.serverId(), g.scopeName(), now);
            Map<String, Object> debug = new LinkedHashMap<>();
            debug.put("scope", g.scopeName());
            debug.put("authorizationServer", g.serverId());
            debug.put("families", families.size());
            debug.put("accessTokens", loose);
            debug.put("authorizationCodes", codes);
            log.record(h, ctx, SystemLog.Entry.success("app.oauth2.as.consent.revoke", "User consent revoked", grantTarget(g))
                    .withDebug(debug));
        }
    }

    private void requireUser(String userId) {
        if (userId == null || userId.length() > 100 || !userExists.test(userId)) {
            throw ApiError.notFound(userId, "User");
        }
    }

    static ScopeText text(Scope s, String name) {
        ScopeText builtIn = BUILT_IN.get(name);
        if (s == null || s.system() && builtIn != null) {
            return builtIn != null ? builtIn : new ScopeText(name, name, null);
        }
        return new ScopeText(name, s.displayName() == null || s.displayName().isBlank() ? name : s.displayName(), s.description());
    }

    private static Target grantTarget(ConsentGrant g) {
        return new Target(g.id(), TYPE, g.scopeName(), g.scopeName());
    }
}
