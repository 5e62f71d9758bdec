package dev.gatehouse.oauth.revoke;

import dev.gatehouse.apps.App;
import dev.gatehouse.http.Edge;
import dev.gatehouse.http.OAuthErrorJson;
import dev.gatehouse.oauth.ClientAuthentication;
import dev.gatehouse.oauth.OAuthFailure;
import dev.gatehouse.oauth.OAuthRefusals;
import dev.gatehouse.oauth.introspect.TokenForm;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.AuthorizationServers;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import io.javalin.http.Context;

import java.util.Map;

/**
 * {@code POST /v1/revoke} (RFC 7009, Okta §8) at the HTTP edge: reads the {@link TokenForm} (okta-auth-js's
 * {@code signOut()} sends {@code Basic base64(client_id)} here for every SPA), lets {@link Revocation} act, and
 * answers 200 with an empty body whatever the token was. A refused request (no token, bad client) is Okta's
 * {@code {"error","error_description"}} and an {@code app.oauth2[.as].token.revoke} FAILURE event.
 */
public final class RevokeEndpoint {

    private final AuthorizationServers servers;
    private final ClientAuthentication clients;
    private final Revocation revocation;
    private final OAuthRefusals refusals;

    public RevokeEndpoint(AuthorizationServers servers, ClientAuthentication clients, Revocation revocation, OAuthRefusals refusals) {
        this.servers = servers;
        this.clients = clients;
        this.revocation = revocation;
        this.refusals = refusals;
    }

    /** Called by {@link dev.gatehouse.oauth.OAuthRoutes} with the path's active server; the no-store headers are set. */
    public void handle(Context ctx, AuthorizationServer as) {
        EventContext event = Edge.event(ctx, Actor.anonymous());
        App client = null;
        try {
            client = TokenForm.client(ctx, clients);
            revocation.revoke(TokenForm.token(ctx), TokenForm.hint(ctx), client, as, servers.issuer(as), event.as(TokenForm.actor(client)));
            ctx.status(200);
        } catch (OAuthFailure f) {
            refusals.record(client == null ? event : event.as(TokenForm.actor(client)), as, Revocation.EVENT, Revocation.MESSAGE, f, Map.of(),
                    TokenForm.target(client));
            OAuthErrorJson.write(ctx, f.error().status(), f.error().code(), f.description());
        }
    }
}
