package dev.gatehouse.oauth;

import dev.gatehouse.http.OAuthErrorJson;
import dev.gatehouse.http.Routes;
import dev.gatehouse.oauth.authorize.AuthorizeEndpoint;
import dev.gatehouse.oauth.introspect.IntrospectEndpoint;
import dev.gatehouse.oauth.logout.LogoutEndpoint;
import dev.gatehouse.oauth.revoke.RevokeEndpoint;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.AuthorizationServers;
import dev.gatehouse.oauth.token.TokenEndpoint;
import dev.gatehouse.oauth.userinfo.UserInfoEndpoint;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The protocol's route table, at Okta's paths for both kinds of authorization server: the org server at
 * {@code /oauth2/v1/*} and custom ones at {@code /oauth2/{asId}/v1/*} (clients derive these from the
 * issuer, not from discovery, so they must exist literally).
 */
public final class OAuthRoutes implements Routes {

    public static final String ORG_BASE = "/oauth2/v1";
    public static final String CUSTOM_BASE = "/oauth2/{asId}/v1";

    private final AuthorizationServers servers;
    private final AuthorizeEndpoint authorize;
    private final TokenEndpoint token;
    private final UserInfoEndpoint userInfo;
    private final IntrospectEndpoint introspect;
    private final RevokeEndpoint revoke;
    private final LogoutEndpoint logout;

    public OAuthRoutes(AuthorizationServers servers, AuthorizeEndpoint authorize, TokenEndpoint token, UserInfoEndpoint userInfo,
                       IntrospectEndpoint introspect, RevokeEndpoint revoke, LogoutEndpoint logout) {
        this.servers = servers;
        this.authorize = authorize;
        this.token = token;
        this.userInfo = userInfo;
        this.introspect = introspect;
        this.revoke = revoke;
        this.logout = logout;
    }

    @Override
    public void register(RoutesConfig r) {
        both(r, "GET", "/authorize", authorize::handle);
        both(r, "POST", "/authorize", authorize::handle);
        both(r, "POST", "/token", json(token::handle));
        both(r, "GET", "/userinfo", json(userInfo::handle));
        both(r, "POST", "/userinfo", json(userInfo::handle));
        both(r, "POST", "/introspect", json(introspect::handle));
        both(r, "POST", "/revoke", json(revoke::handle));
        both(r, "GET", "/logout", logout::handle);
        both(r, "POST", "/logout", logout::handle);
    }

    /**
     * What every JSON endpoint (token, userinfo, introspect, revoke) does first: answers are never cached, and the
     * path must name an active authorization server (else 404 in OAuth's error format).
     */
    private BiConsumer<Context, String> json(BiConsumer<Context, AuthorizationServer> endpoint) {
        return (ctx, serverId) -> {
            ctx.header("Cache-Control", "no-store");
            ctx.header("Pragma", "no-cache");
            Optional<AuthorizationServer> server = servers.find(serverId).filter(AuthorizationServer::active);
            if (server.isEmpty()) {
                OAuthErrorJson.write(ctx, 404, OAuthError.INVALID_REQUEST.code(), "The authorization server does not exist or is inactive.");
                return;
            }
            endpoint.accept(ctx, server.get());
        };
    }

    /** Registers a handler for the org server's path and the custom servers' path. */
    static void both(RoutesConfig r, String method, String path, BiConsumer<Context, String> handler) {
        io.javalin.http.Handler org = ctx -> handler.accept(ctx, AuthorizationServers.ORG);
        io.javalin.http.Handler custom = ctx -> {
            if (AuthorizationServers.ORG.equals(ctx.pathParam("asId"))) {
                throw new io.javalin.http.NotFoundResponse();   // the org server lives at /oauth2/v1 only
            }
            handler.accept(ctx, ctx.pathParam("asId"));
        };
        if ("GET".equals(method)) {
            r.get(ORG_BASE + path, org);
            r.get(CUSTOM_BASE + path, custom);
        } else {
            r.post(ORG_BASE + path, org);
            r.post(CUSTOM_BASE + path, custom);
        }
    }
}
