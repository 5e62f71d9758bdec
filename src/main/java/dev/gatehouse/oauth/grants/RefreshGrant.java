package dev.gatehouse.oauth.grants;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppSettings;
import dev.gatehouse.apps.AppSettings.GrantType;
import dev.gatehouse.directory.Groups;
import dev.gatehouse.directory.User;
import dev.gatehouse.directory.UserStore;
import dev.gatehouse.oauth.GrantTypes;
import dev.gatehouse.oauth.OAuthError;
import dev.gatehouse.oauth.OAuthEvents;
import dev.gatehouse.oauth.OidcScopes;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.token.TokenRequest.RefreshRequest;
import dev.gatehouse.oauth.token.TokenResponse;
import dev.gatehouse.oauth.tokens.IssuedTokenStore;
import dev.gatehouse.oauth.tokens.TokenMinter;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The {@code refresh_token} grant, as the client's refresh-token setting says: persistent (STATIC) or
 * rotating (ROTATE, with a grace period and reuse detection). The family's absolute lifetime never moves.
 */
public final class RefreshGrant {

    public static final String INVALID = "The refresh token is invalid or expired.";

    private final dev.gatehouse.apps.Apps apps;
    private final Database db;
    private final IssuedTokenStore tokens;
    private final TokenIssuer issuer;
    private final UserStore users;
    private final Groups groups;
    private final SystemLog log;
    private final Clock clock;

    public RefreshGrant(Database db, IssuedTokenStore tokens, TokenIssuer issuer, UserStore users, Groups groups, SystemLog log, Clock clock,
                        dev.gatehouse.apps.Apps apps) {
        this.apps = apps;
        this.db = db;
        this.tokens = tokens;
        this.issuer = issuer;
        this.users = users;
        this.groups = groups;
        this.log = log;
        this.clock = clock;
    }

    public TokenResponse handle(RefreshRequest r, App client, AuthorizationServer server, String issuerUrl, EventContext ctx) {
        if (r.refreshToken() == null || r.refreshToken().isBlank()) {
            throw OAuthError.INVALID_REQUEST.because("The 'refresh_token' parameter is required.");
        }
        GrantTypes.require(client, GrantType.REFRESH_TOKEN);
        Instant now = clock.instant();
        IssuedTokenStore.RefreshToken rt = db.read(h -> tokens.findRefreshToken(h, Hashes.sha256(r.refreshToken())))
                .filter(t -> t.serverId().equals(server.id()) && t.clientId().equals(client.clientId()))
                .orElseThrow(() -> OAuthError.INVALID_GRANT.because(INVALID, "unknown refresh token"));
        if (!rt.activeAt(now)) {
            throw OAuthError.INVALID_GRANT.because(INVALID, "refresh token expired or revoked");
        }
        List<String> scopes = rt.scopes();
        if (r.scope() != null && !r.scope().isEmpty()) {
            if (!rt.scopes().containsAll(r.scope())) {
                throw OAuthError.INVALID_SCOPE.because("The requested scopes are not a subset of the scopes of the refresh token.");
            }
            scopes = r.scope();
        }
        User user = db.read(h -> users.find(h, rt.userId())).filter(u -> u.status() == User.Status.ACTIVE)
                .orElseThrow(() -> OAuthError.INVALID_GRANT.because(INVALID, "user no longer active"));
        if (!apps.isAssigned(client.id(), user.id())) {
            throw OAuthError.INVALID_GRANT.because(INVALID, "user no longer assigned to the app");
        }
        TokenMinter.Grant grant = new TokenMinter.Grant(server, issuerUrl, client.clientId(), user, scopes, rt.authTime(), null,
                scopes.contains(OidcScopes.GROUPS) ? groups.namesOf(user.id()) : null);
        TokenIssuer.Signed signed = issuer.sign(grant);
        EventContext asUser = ctx.as(Actor.user(user.id(), user.profile().login(), user.profile().name()));
        AppSettings.RefreshToken policy = client.settings().refreshToken();
        if (policy.rotationType() == AppSettings.RotationType.STATIC) {
            return persistent(r, rt, server, client, signed, asUser, now);
        }
        return rotate(rt, server, client, signed, asUser, now, Duration.ofSeconds(policy.leeway()));
    }

    /** STATIC: the same refresh token comes back; its idle window slides, the family's absolute end does not. */
    private TokenResponse persistent(RefreshRequest r, IssuedTokenStore.RefreshToken rt, AuthorizationServer server, App client,
                                     TokenIssuer.Signed signed, EventContext ctx, Instant now) {
        Instant idle = now.plus(server.lifetimes().refreshTokenIdle());
        boolean ok = db.tx(h -> {
            if (!tokens.extendIdle(h, rt.id(), now, idle)) {
                return false;
            }
            issuer.record(h, signed, rt.familyId());
            log.record(h, ctx, granted(server, client, signed));
            return true;
        });
        if (!ok) {
            throw OAuthError.INVALID_GRANT.because(INVALID, "refresh token revoked meanwhile");
        }
        return issuer.response(signed, r.refreshToken());
    }

    /**
     * ROTATE: the first use of a token claims it (one conditional UPDATE: exactly one caller wins, on any
     * number of nodes) and gets a new token of the same family. Later uses within {@code leeway} of that
     * first use succeed the same way (tabs and retries racing); any use after it is reuse: the whole family
     * is revoked and the request refused.
     */
    private TokenResponse rotate(IssuedTokenStore.RefreshToken rt, AuthorizationServer server, App client, TokenIssuer.Signed signed,
                                 EventContext ctx, Instant now, Duration leeway) {
        String next = db.tx(h -> {
            boolean first = tokens.markFirstUse(h, rt.id(), now);
            if (!first) {
                IssuedTokenStore.RefreshToken seen = tokens.findRefreshToken(h, rt.tokenHash()).orElseThrow();
                // Leeway 0 means no grace at all, whatever the timestamps' precision says.
                boolean inGrace = leeway.isPositive() && seen.firstUsed() != null && now.isBefore(seen.firstUsed().plus(leeway))
                        && seen.activeAt(now);
                if (!inGrace) {
                    return null;
                }
            }
            issuer.record(h, signed, rt.familyId());
            String value = issuer.newRefreshToken(h, signed, rt.familyId(), now);
            log.record(h, ctx, granted(server, client, signed));
            return value;
        });
        if (next == null) {
            db.tx(h -> {
                tokens.revokeFamily(h, rt.familyId(), now);
                log.record(h, ctx, SystemLog.Entry.failure(OAuthEvents.type(server, "token.detect_reuse"),
                        "OAuth2 refresh token reuse detected", "REUSE_DETECTED", CodeGrant.target(client))
                        .withDebug(Map.of("refresh_token_id", rt.id(), "family", rt.familyId())));
                return null;
            });
            throw OAuthError.INVALID_GRANT.because(INVALID, "refresh token reuse: family " + rt.familyId() + " revoked");
        }
        return issuer.response(signed, next);
    }

    private static SystemLog.Entry granted(AuthorizationServer server, App client, TokenIssuer.Signed signed) {
        return SystemLog.Entry.success(OAuthEvents.type(server, "token.grant"), "OAuth2 token granted", CodeGrant.target(client))
                .withDebug(Map.of("grant_type", "refresh_token", "scopes", OidcScopes.join(signed.grant().scopes())));
    }
}
