package dev.gatehouse.oauth.logout;

import dev.gatehouse.apps.App;
import dev.gatehouse.http.Edge;
import dev.gatehouse.http.ErrorMapper;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.AuthorizationServers;
import dev.gatehouse.sessions.SessionCookie;
import dev.gatehouse.sessions.Sessions;
import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.LogEvent;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET|POST /v1/logout} (RP-initiated logout, Okta §9) at the HTTP edge: {@link Logout} decides; a refusal is
 * a 400 error page, an acceptance ends the session and redirects (302).
 *
 * <p>Whose session ends: only the browser's session <em>of the hint's subject</em>. A session of someone else is
 * left alone (and so is its cookie): otherwise any site could sign a victim out by sending their browser here with
 * the attacker's own ID token (logout CSRF; OIDC RP-Initiated Logout §2 lets the OP decline such a request). The
 * redirect happens either way, as it does when there is no session at all. Ending the session is Okta's
 * {@code user.session.end}; a request that ends nothing is logged as the same type with outcome SKIPPED, a refused
 * one as FAILURE.
 *
 * <p>Refresh tokens the app holds stay valid, as in Okta: logging out ends the Okta session, not the app's grant;
 * okta-auth-js's {@code signOut()} revokes its tokens at /revoke before it comes here.
 */
public final class LogoutEndpoint {

    static final String EVENT = "user.session.end";
    static final String MESSAGE = "User logout from Okta";

    private final AuthorizationServers servers;
    private final Logout logout;
    private final Sessions sessions;
    private final SessionCookie cookie;
    private final ErrorMapper errors;
    private final Database db;
    private final SystemLog log;

    public LogoutEndpoint(AuthorizationServers servers, Logout logout, Sessions sessions, SessionCookie cookie, ErrorMapper errors,
                          Database db, SystemLog log) {
        this.servers = servers;
        this.logout = logout;
        this.sessions = sessions;
        this.cookie = cookie;
        this.errors = errors;
        this.db = db;
        this.log = log;
    }

    public void handle(Context ctx, String serverId) {
        ctx.header("Cache-Control", "no-store");
        Optional<AuthorizationServer> server = servers.find(serverId).filter(AuthorizationServer::active);
        if (server.isEmpty()) {
            errors.writePage(ctx, 404, "Authorization server not found", "There is no active authorization server at this address.");
            return;
        }
        AuthorizationServer as = server.get();
        boolean form = ctx.method() == HandlerType.POST;
        LogoutRequest request = new LogoutRequest(param(ctx, form, "id_token_hint"), param(ctx, form, "post_logout_redirect_uri"),
                param(ctx, form, "state"));
        EventContext event = Edge.event(ctx, Actor.anonymous());
        switch (logout.decide(request, as, servers.issuer(as))) {
            case Logout.Refused r -> {
                record(event, SystemLog.Entry.failure(EVENT, MESSAGE, r.logDetail(), clientTarget(r.client())).withProblem(r.problem()));
                errors.writePage(ctx, 400, "Sign-out request not accepted", r.message());
            }
            case Logout.Accepted a -> {
                Optional<Sessions.Current> current = cookie.current(ctx);
                if (current.isPresent() && current.get().user().id().equals(a.subject())) {
                    sessions.end(Edge.event(ctx, current.get().actor()), current.get());
                    cookie.clear(ctx);
                } else {
                    EventContext who = event.as(new Actor(a.subject(), "User", a.subject(), a.subject()));
                    String why = current.isPresent() ? "the browser's session belongs to another user: left as it is" : "no live session in this browser";
                    record(who, skipped(why, a.client().auditTarget()));
                    if (current.isEmpty() && cookie.value(ctx) != null) {
                        cookie.clear(ctx);   // a stale cookie: nothing to keep it for
                    }
                }
                ctx.redirect(a.location(), HttpStatus.FOUND);
            }
        }
    }

    private void record(EventContext ctx, SystemLog.Entry entry) {
        db.inTx(h -> {
            log.record(h, ctx, entry);
        });
    }

    private static SystemLog.Entry skipped(String reason, Target... targets) {
        return new SystemLog.Entry(EVENT, MESSAGE, LogEvent.Severity.INFO, new LogEvent.Outcome("SKIPPED", reason), List.of(targets), Map.of());
    }

    private static Target[] clientTarget(Optional<App> client) {
        return client.map(app -> new Target[]{app.auditTarget()}).orElse(new Target[0]);
    }

    private static String param(Context ctx, boolean form, String name) {
        return form ? ctx.formParam(name) : ctx.queryParam(name);
    }
}
