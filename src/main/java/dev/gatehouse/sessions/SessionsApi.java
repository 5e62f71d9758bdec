package dev.gatehouse.sessions;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.http.Edge;
import io.javalin.http.Context;

/**
 * {@code /api/v1/sessions/me}: the browser's own session, found by its cookie (never an API token),
 * in Okta's Session JSON. okta-auth-js reads it to tell whether the user is signed in.
 */
public final class SessionsApi {

    private final Sessions sessions;
    private final SessionCookie cookie;
    private final SessionJson json;

    public SessionsApi(Sessions sessions, SessionCookie cookie, SessionJson json) {
        this.sessions = sessions;
        this.cookie = cookie;
        this.json = json;
    }

    public void get(Context ctx) {
        Sessions.Current current = current(ctx);
        ctx.json(json.session(current.session(), current));
    }

    public void refresh(Context ctx) {
        Sessions.Current current = current(ctx);
        Session refreshed = sessions.refresh(current);
        cookie.set(ctx, cookie.value(ctx));
        ctx.json(json.session(refreshed, current));
    }

    public void delete(Context ctx) {
        Sessions.Current current = current(ctx);
        sessions.end(Edge.event(ctx, current.actor()), current);
        cookie.clear(ctx);
        ctx.status(204);
    }

    private Sessions.Current current(Context ctx) {
        return cookie.current(ctx).orElseThrow(() -> ApiError.notFound("me", "Session"));
    }
}
