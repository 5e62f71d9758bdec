package dev.gatehouse.sessions;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.http.Edge;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/sessions/me}: the browser's own session, found by its cookie (never an API token),
 * in Okta's Session JSON. okta-auth-js reads it to tell whether the user is signed in.
 */
public final class SessionsApi {

    private final Sessions sessions;
    private final SessionCookie cookie;
    private final String baseUrl;
    private final String orgId;

    public SessionsApi(Sessions sessions, SessionCookie cookie, String baseUrl, String orgId) {
        this.sessions = sessions;
        this.cookie = cookie;
        this.baseUrl = baseUrl;
        this.orgId = orgId;
    }

    public void get(Context ctx) {
        Sessions.Current current = current(ctx);
        ctx.json(json(current.session(), current));
    }

    public void refresh(Context ctx) {
        Sessions.Current current = current(ctx);
        Session refreshed = sessions.refresh(current);
        cookie.set(ctx, cookie.value(ctx));
        ctx.json(json(refreshed, current));
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

    private Map<String, Object> json(Session s, Sessions.Current current) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("login", current.user().profile().login());
        m.put("userId", s.userId());
        m.put("status", "ACTIVE");
        m.put("createdAt", s.created());
        m.put("expiresAt", s.expiresAt(sessions.settings().idle()));
        m.put("lastPasswordVerification", s.passwordVerified());
        m.put("lastFactorVerification", null);
        m.put("amr", List.of("pwd"));
        m.put("idp", Map.of("id", orgId, "type", "OKTA"));
        m.put("mfaActive", false);
        String me = baseUrl + "/api/v1/sessions/me";
        m.put("_links", Map.of(
                "refresh", Map.of("href", me + "/lifecycle/refresh", "hints", Map.of("allow", List.of("POST"))),
                "self", Map.of("href", me, "hints", Map.of("allow", List.of("GET", "DELETE"))),
                "user", Map.of("name", current.user().profile().name(), "href", baseUrl + "/api/v1/users/me",
                        "hints", Map.of("allow", List.of("GET")))));
        return m;
    }
}
