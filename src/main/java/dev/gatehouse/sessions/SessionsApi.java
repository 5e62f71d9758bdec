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

    // ---- by id, with an API token (issue #20) ----

    /** {@code POST /api/v1/sessions} {@code {"sessionToken"}}: the one-time token becomes a session (200, Okta's Session). */
    public void create(Context ctx) {
        com.fasterxml.jackson.databind.JsonNode body = dev.gatehouse.api.ApiRequests.object(ctx);
        com.fasterxml.jackson.databind.JsonNode token = body.get("sessionToken");
        if (token == null || token.isNull()) {
            throw ApiError.validation("sessionToken", "The field cannot be left blank");
        }
        if (!token.isTextual()) {
            throw ApiError.validation("sessionToken", "Does not match required type: string");
        }
        // Okta documents 401 for a sessionToken that is not valid; E0000004 is its catalogue's 401 for a failed authentication.
        Sessions.Started started = sessions.redeem(dev.gatehouse.api.ApiRequests.event(ctx), token.asText())
                .orElseThrow(() -> ApiError.of(dev.gatehouse.errors.ErrorCode.E0000004));
        ctx.json(json.byId(started.session(), new Sessions.Current(started.session(), started.user())));
    }

    public void getById(Context ctx) {
        Sessions.Current current = byId(ctx);
        ctx.json(json.byId(current.session(), current));
    }

    public void refreshById(Context ctx) {
        Sessions.Current current = byId(ctx);
        ctx.json(json.byId(sessions.refresh(current), current));
    }

    public void deleteById(Context ctx) {
        Sessions.Current current = byId(ctx);
        sessions.end(dev.gatehouse.api.ApiRequests.event(ctx), current);
        ctx.status(204);
    }

    private Sessions.Current byId(Context ctx) {
        String id = ctx.pathParam("sessionId");
        return sessions.byId(id).orElseThrow(() -> ApiError.notFound(id, "Session"));
    }

    private Sessions.Current current(Context ctx) {
        return cookie.current(ctx).orElseThrow(() -> ApiError.notFound("me", "Session"));
    }
}
