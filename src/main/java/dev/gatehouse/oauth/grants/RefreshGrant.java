package dev.gatehouse.oauth.grants;

import dev.gatehouse.oauth.OAuthFailure;
import dev.gatehouse.syslog.Cause;
import dev.gatehouse.syslog.Problem;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppSettings;
import dev.gatehouse.apps.AppSettings.GrantType;
import dev.gatehouse.apps.AssignmentStore;
import dev.gatehouse.directory.Group;
import dev.gatehouse.directory.GroupStore;
import dev.gatehouse.directory.User;
import dev.gatehouse.directory.UserStore;
import dev.gatehouse.oauth.GrantTypes;
import dev.gatehouse.oauth.OAuthError;
import dev.gatehouse.oauth.OAuthEvents;
import dev.gatehouse.oauth.OidcScopes;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.RuleLifetimes;
import dev.gatehouse.oauth.token.TokenRequest.RefreshRequest;
import dev.gatehouse.oauth.token.TokenResponse;
import dev.gatehouse.oauth.issued.IssuedTokenStore;
import dev.gatehouse.oauth.issued.ClaimsSigner;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code refresh_token} grant, as the client's refresh-token setting says: persistent (STATIC) or
 * rotating (ROTATE, with a grace period and reuse detection). The family's absolute lifetime never moves.
 */
public final class RefreshGrant {

    public static final String INVALID = "The refresh token is invalid or expired.";

    private final Database db;
    private final IssuedTokenStore tokens;
    private final ClaimsSigner signer;
    private final TokenRecorder recorder;
    private final UserStore users;
    private final GroupStore groupStore;
    private final AssignmentStore assignments;
    private final SystemLog log;
    private final Clock clock;

    public RefreshGrant(Database db, IssuedTokenStore tokens, ClaimsSigner signer, TokenRecorder recorder, UserStore users, GroupStore groupStore,
                        AssignmentStore assignments, SystemLog log, Clock clock) {
        this.db = db;
        this.tokens = tokens;
        this.signer = signer;
        this.recorder = recorder;
        this.users = users;
        this.groupStore = groupStore;
        this.assignments = assignments;
        this.log = log;
        this.clock = clock;
    }

    /**
     * What a presented refresh token is, read in one pooled handle before anything is decided: the token (when known), and
     * when it is this client's on this server, its user, whether the user is assigned to the app, and the user's group
     * names (at most 100, as {@code Groups.namesOf}) when the grant may carry the groups scope. The endpoint keys the
     * per-user rate limit on the token's family and hands this to {@link #handle}, so the token is read once.
     */
    public record Presented(Optional<IssuedTokenStore.RefreshToken> token, Optional<User> user, boolean assigned, List<String> groups) {
    }

    public Presented read(RefreshRequest r, App client, AuthorizationServer server) {
        String tokenHash = Hashes.sha256(r.refreshToken());
        return db.read(h -> {
            Optional<IssuedTokenStore.RefreshToken> token = tokens.findRefreshToken(h, tokenHash);
            Optional<IssuedTokenStore.RefreshToken> ours = token.filter(t -> t.serverId().equals(server.id()) && t.clientId().equals(client.clientId()));
            if (ours.isEmpty()) {
                return new Presented(token, Optional.empty(), false, null);
            }
            Optional<User> user = users.find(h, ours.get().userId()).filter(u -> u.status() == User.Status.ACTIVE);
            boolean assigned = user.isPresent() && client.id() != null && assignments.isAssigned(h, client.id(), user.get().id());
            boolean groups = assigned && ours.get().scopes().contains(OidcScopes.GROUPS)
                    && (r.scope() == null || r.scope().isEmpty() || r.scope().contains(OidcScopes.GROUPS));
            return new Presented(token, user, assigned, groups ? groupNames(h, user.get().id()) : null);
        });
    }

    /**
     * Decides on what {@link #read} found, signs outside any transaction (RSA is the slow part), then writes in one
     * transaction: STATIC slides the token's idle window, ROTATE claims the token with one conditional UPDATE; then the
     * access token, the new refresh token and the event. A detected reuse revokes the family in a transaction of its own.
     */
    public TokenResponse handle(RefreshRequest r, Presented presented, App client, AuthorizationServer server, String issuerUrl, EventContext ctx) {
        GrantTypes.require(client, GrantType.REFRESH_TOKEN);
        Instant now = clock.instant();
        IssuedTokenStore.RefreshToken rt = presented.token()
                .filter(t -> t.serverId().equals(server.id()) && t.clientId().equals(client.clientId()))
                .orElseThrow(() -> OAuthError.INVALID_GRANT.because(INVALID, "unknown refresh token"));
        if (!rt.activeAt(now)) {
            OAuthFailure f = OAuthError.INVALID_GRANT.because(INVALID, "refresh token expired or revoked");
            // Expired is a cause the sign-in doctor explains (the lifetimes); a revoked token was revoked on purpose.
            throw rt.revoked() != null || rt.familyRevoked() != null ? f : f.with(Problem.of(Cause.REFRESH_TOKEN_EXPIRED, "",
                    example(client, rt)).with("idleExpired", rt.idleExpires().isAfter(now) ? null : rt.idleExpires().toString())
                    .with("familyExpired", rt.familyExpires() == null || rt.familyExpires().isAfter(now) ? null : rt.familyExpires().toString()));
        }
        List<String> scopes = rt.scopes();
        if (r.scope() != null && !r.scope().isEmpty()) {
            if (!rt.scopes().containsAll(r.scope())) {
                throw OAuthError.INVALID_SCOPE.because("The requested scopes are not a subset of the scopes of the refresh token.");
            }
            scopes = r.scope();
        }
        User user = presented.user().orElseThrow(() -> OAuthError.INVALID_GRANT.because(INVALID, "user no longer active"));
        if (!presented.assigned()) {
            throw OAuthError.INVALID_GRANT.because(INVALID, "user no longer assigned to the app").with(Problem.of(Cause.USER_NOT_ASSIGNED,
                    user.id(), example(client, rt)).with("userId", user.id()).with("login", user.profile().login()));
        }
        // The family keeps the lifetimes of the rule chosen at sign-in: a refresh never evaluates the policies again.
        ClaimsSigner.Grant grant = new ClaimsSigner.Grant(server, issuerUrl, client.clientId(), user, scopes, rt.authTime(), rt.amr(), rt.acr(), null,
                scopes.contains(OidcScopes.GROUPS) ? presented.groups() : null, RuleLifetimes.effective(rt.familyRule(), server));
        ClaimsSigner.Signed signed = signer.sign(grant);
        EventContext asUser = ctx.as(Actor.user(user.id(), user.profile().login(), user.profile().name()));
        AppSettings.RefreshToken policy = client.settings().refreshToken();
        // Nothing is written before the conditional UPDATE, so no row is locked while anything else happens, and a refusal
        // thrown before it leaves nothing to roll back.
        Outcome outcome = db.tx(h -> policy.rotationType() == AppSettings.RotationType.STATIC
                ? persistent(h, r, rt, server, client, signed, asUser, now)
                : rotate(h, rt, server, client, signed, asUser, now, Duration.ofSeconds(policy.leeway())));
        if (outcome.reused() != null) {
            // Its own transaction, after the one above has ended: inside it, the revocation's locks (family, then its
            // tokens) interleaved with the other racing requests' claim of the same token and PostgreSQL found deadlocks
            // (RefreshConcurrencyTest, 50 concurrent reuses on two nodes).
            db.inTx(h -> {
                tokens.revokeFamily(h, rt.familyId(), now);
                log.record(h, outcome.actor(), SystemLog.Entry.failure(OAuthEvents.type(server, "token.detect_reuse"),
                        "OAuth2 refresh token reuse detected", "REUSE_DETECTED", client.auditTarget())
                        .withDebug(Map.of("refresh_token_id", rt.id(), "family", rt.familyId())));
            });
            Instant firstUsed = outcome.firstUsed();
            throw OAuthError.INVALID_GRANT.because(INVALID, "refresh token reuse: family " + rt.familyId() + " revoked")
                    .with(Problem.of(Cause.REFRESH_TOKEN_REUSED, "", example(client, rt)).with("family", rt.familyId())
                            .with("firstUsed", firstUsed == null ? null : firstUsed.toString()).with("reused", now.toString())
                            .with("secondsAfterFirstUse", firstUsed == null ? null : Duration.between(firstUsed, now).toMillis() / 1000.0)
                            .with("gracePeriod", policy.leeway()));
        }
        return outcome.response();
    }

    /** A grant's answer; or the reused token whose family must be revoked, and the user the event names. */
    private record Outcome(TokenResponse response, IssuedTokenStore.RefreshToken reused, EventContext actor, Instant firstUsed) {
        Outcome(TokenResponse response, IssuedTokenStore.RefreshToken reused, EventContext actor) {
            this(response, reused, actor, null);
        }
    }

    /** What the sign-in doctor shows of a refresh: the client and the token's scopes (never the token). */
    private static Map<String, Object> example(App client, IssuedTokenStore.RefreshToken rt) {
        return Map.of("grant_type", "refresh_token", "client_id", client.clientId(), "scope", String.join(" ", rt.scopes()));
    }

    /** As {@code Groups.namesOf}: the user's group names, at most 100 (the user was just read in this handle). */
    private List<String> groupNames(Handle h, String userId) {
        return groupStore.groupsOf(h, userId).stream().map(Group::name).limit(100).toList();
    }

    /** STATIC: the same refresh token comes back; its idle window slides, the family's absolute end does not. */
    private Outcome persistent(Handle h, RefreshRequest r, IssuedTokenStore.RefreshToken rt, AuthorizationServer server, App client,
                               ClaimsSigner.Signed signed, EventContext ctx, Instant now) {
        Instant idle = now.plus(signed.grant().lifetimes().refreshTokenIdle());
        if (!tokens.extendIdle(h, rt.id(), now, idle)) {
            throw OAuthError.INVALID_GRANT.because(INVALID, "refresh token revoked meanwhile");   // nothing written: the rollback is empty
        }
        recorder.record(h, signed, rt.familyId());
        log.record(h, ctx, granted(server, client, signed));
        return new Outcome(recorder.response(signed, r.refreshToken()), null, null);
    }

    /**
     * ROTATE: the first use of a token claims it (one conditional UPDATE: exactly one caller wins, on any
     * number of nodes) and gets a new token of the same family. Later uses within {@code leeway} of that
     * first use succeed the same way (tabs and retries racing); any use after it is reuse: the whole family
     * is revoked (by the caller, in a transaction of its own) and the request refused.
     */
    private Outcome rotate(Handle h, IssuedTokenStore.RefreshToken rt, AuthorizationServer server, App client, ClaimsSigner.Signed signed,
                           EventContext ctx, Instant now, Duration leeway) {
        boolean first = tokens.markFirstUse(h, rt.id(), now);
        if (!first) {
            IssuedTokenStore.RefreshToken seen = tokens.findRefreshToken(h, rt.tokenHash()).orElseThrow();
            // Leeway 0 means no grace at all, whatever the timestamps' precision says.
            boolean inGrace = leeway.isPositive() && seen.firstUsed() != null && now.isBefore(seen.firstUsed().plus(leeway))
                    && seen.activeAt(now);
            if (!inGrace) {
                return new Outcome(null, rt, ctx, seen.firstUsed());   // nothing written here; the family is revoked in a transaction of its own
            }
        }
        recorder.record(h, signed, rt.familyId());
        String next = recorder.newRefreshToken(h, signed, rt.familyId(), now);
        log.record(h, ctx, granted(server, client, signed));
        return new Outcome(recorder.response(signed, next), null, null);
    }

    private static SystemLog.Entry granted(AuthorizationServer server, App client, ClaimsSigner.Signed signed) {
        return SystemLog.Entry.success(OAuthEvents.type(server, "token.grant"), "OAuth2 token granted", client.auditTarget())
                .withDebug(Map.of("grant_type", "refresh_token", "scopes", OidcScopes.join(signed.grant().scopes())));
    }
}
