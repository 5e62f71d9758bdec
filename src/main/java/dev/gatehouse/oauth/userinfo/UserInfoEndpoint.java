package dev.gatehouse.oauth.userinfo;

import dev.gatehouse.directory.Groups;
import dev.gatehouse.directory.User;
import dev.gatehouse.http.Edge;
import dev.gatehouse.http.OAuthErrorJson;
import dev.gatehouse.oauth.OAuthError;
import dev.gatehouse.oauth.OAuthEvents;
import dev.gatehouse.oauth.OAuthFailure;
import dev.gatehouse.oauth.OAuthRefusals;
import dev.gatehouse.oauth.OidcScopes;
import dev.gatehouse.oauth.claims.CustomClaims;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.AuthorizationServers;
import dev.gatehouse.oauth.issued.TokenVerifier;
import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;

/**
 * {@code GET|POST /v1/userinfo} (§6): the claims of the user an access token was issued to, for the scopes it was
 * granted. The token comes only in {@code Authorization: Bearer …} (RFC 6750 §2.1; the form-body and query
 * variants are optional there and Okta documents only the header). A missing or unusable token is 401
 * {@code invalid_token}; a usable token without a user (client credentials) or without {@code openid} is 403
 * {@code insufficient_scope}; both carry Okta's {@code WWW-Authenticate} and the same {@code {"error",
 * "error_description"}} body. Every answer is logged as {@code app.oauth2[.as].userinfo.read} (Okta logs no
 * event for it; Gatehouse's rule is one event per security-relevant act).
 */
public final class UserInfoEndpoint {

    static final String INSUFFICIENT_SCOPE =
            "The access token must provide access to at least one of these scopes - profile, email, address or phone";
    static final String EVENT = "userinfo.read";

    private final AuthorizationServers servers;
    private final TokenVerifier verifier;
    private final Groups groups;
    private final Database db;
    private final SystemLog log;
    private final OAuthRefusals refusals;
    private final CustomClaims custom;

    public UserInfoEndpoint(AuthorizationServers servers, TokenVerifier verifier, Groups groups, Database db, SystemLog log,
                            OAuthRefusals refusals) {
        this(servers, verifier, groups, db, log, refusals, CustomClaims.NONE);
    }

    /** @param custom the server's custom claims: its IDENTITY claims for the token's scopes are added (issue #17) */
    public UserInfoEndpoint(AuthorizationServers servers, TokenVerifier verifier, Groups groups, Database db, SystemLog log,
                            OAuthRefusals refusals, CustomClaims custom) {
        this.custom = custom;
        this.servers = servers;
        this.verifier = verifier;
        this.groups = groups;
        this.db = db;
        this.log = log;
        this.refusals = refusals;
    }

    /** Called by {@link dev.gatehouse.oauth.OAuthRoutes} with the path's active server; the no-store headers are set. */
    public void handle(Context ctx, AuthorizationServer as) {
        EventContext event = Edge.event(ctx, Actor.anonymous());
        try {
            TokenVerifier.ActiveAccessToken token = verifier.accessToken(bearer(ctx.header("Authorization")), as, servers.issuer(as));
            List<String> scopes = token.recorded().scopes();
            User user = token.user();
            if (user == null) {
                throw OAuthError.INSUFFICIENT_SCOPE.because(INSUFFICIENT_SCOPE, "client-credentials token: no user");
            }
            if (!scopes.contains(OidcScopes.OPENID)) {
                throw OAuthError.INSUFFICIENT_SCOPE.because(INSUFFICIENT_SCOPE, "no openid scope: " + scopes);
            }
            List<String> groupNames = scopes.contains(OidcScopes.GROUPS) && !custom.replacesIdentityClaim(as.id(), OidcScopes.GROUPS, scopes)
                    ? groups.namesOf(user.id()) : null;
            Map<String, Object> claims = UserInfoClaims.withCustom(UserInfoClaims.of(user, scopes, groupNames),
                    present -> custom.userInfo(as.id(), custom.subject(user, token.client().clientId(), scopes, List.of()), present));
            db.inTx(h -> log.record(h, event.as(Actor.user(user.id(), user.profile().login(), user.profile().name())),
                    SystemLog.Entry.success(OAuthEvents.type(as, EVENT), "OAuth2 userinfo read", token.client().auditTarget())
                            .withDebug(Map.of("jti", token.recorded().jti(), "scopes", OidcScopes.join(scopes)))));
            ctx.json(claims);
        } catch (OAuthFailure f) {
            refusals.record(event, as, EVENT, "OAuth2 userinfo read", f, Map.of());
            ctx.header("WWW-Authenticate", "Bearer error=\"" + f.error().code() + "\", error_description=\"" + f.description() + "\"");
            OAuthErrorJson.write(ctx, f.error().status(), f.error().code(), f.description());
        }
    }

    /** The token of {@code Authorization: Bearer <token>} (scheme case-insensitive, RFC 9110 §11.1). */
    static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw OAuthError.INVALID_TOKEN.because(TokenVerifier.INVALID_ACCESS_TOKEN, "no Bearer authorization");
        }
        String token = authorization.substring(7).trim();
        if (token.isEmpty()) {
            throw OAuthError.INVALID_TOKEN.because(TokenVerifier.INVALID_ACCESS_TOKEN, "empty Bearer token");
        }
        return token;
    }
}
