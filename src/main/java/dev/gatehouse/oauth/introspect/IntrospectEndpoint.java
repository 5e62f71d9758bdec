package dev.gatehouse.oauth.introspect;

import dev.gatehouse.apps.App;
import dev.gatehouse.http.Edge;
import dev.gatehouse.http.OAuthErrorJson;
import dev.gatehouse.oauth.ClientAuthentication;
import dev.gatehouse.oauth.OAuthEvents;
import dev.gatehouse.oauth.OAuthFailure;
import dev.gatehouse.oauth.OAuthRefusals;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.AuthorizationServers;
import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/introspect} (RFC 7662, Okta §7) at the HTTP edge: reads the {@link TokenForm} (its
 * {@code token_type_hint} is accepted and not needed, see {@link Introspection}) and lets {@link Introspection} decide.
 * Answers carry {@code Cache-Control: no-store}. Each answer is logged as {@code app.oauth2[.as].token.introspect}
 * (a Gatehouse event type: Okta logs none for introspection).
 */
public final class IntrospectEndpoint {

    static final String EVENT = "token.introspect";

    private final AuthorizationServers servers;
    private final ClientAuthentication clients;
    private final Introspection introspection;
    private final Database db;
    private final SystemLog log;
    private final OAuthRefusals refusals;

    public IntrospectEndpoint(AuthorizationServers servers, ClientAuthentication clients, Introspection introspection, Database db,
                              SystemLog log, OAuthRefusals refusals) {
        this.servers = servers;
        this.clients = clients;
        this.introspection = introspection;
        this.db = db;
        this.log = log;
        this.refusals = refusals;
    }

    /** Called by {@link dev.gatehouse.oauth.OAuthRoutes} with the path's active server; the no-store headers are set. */
    public void handle(Context ctx, AuthorizationServer as) {
        EventContext event = Edge.event(ctx, Actor.anonymous());
        App client = null;
        try {
            client = TokenForm.client(ctx, clients);
            Introspection.Result result = introspection.inspect(TokenForm.token(ctx), client, as, servers.issuer(as));
            App asker = client;
            db.inTx(h -> {
                Map<String, Object> debug = new LinkedHashMap<>();
                debug.put("active", result.active());
                debug.put("token_type", result.active() ? result.tokenType() : "");
                debug.put("token_type_hint", TokenForm.hint(ctx));
                debug.put("detail", result.detail() == null ? "" : result.detail());
                log.record(h, event.as(TokenForm.actor(asker)), SystemLog.Entry.success(OAuthEvents.type(as, EVENT), "OAuth2 token introspected",
                        TokenForm.target(asker)).withDebug(debug));
            });
            ctx.json(result.json());
        } catch (OAuthFailure f) {
            refusals.record(client == null ? event : event.as(TokenForm.actor(client)), as, EVENT, "OAuth2 token introspected", f, Map.of(),
                    TokenForm.target(client));
            OAuthErrorJson.write(ctx, f.error().status(), f.error().code(), f.description());
        }
    }
}
