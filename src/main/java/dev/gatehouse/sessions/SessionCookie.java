package dev.gatehouse.sessions;

import dev.gatehouse.http.Cookies;
import io.javalin.http.Context;

import java.util.Optional;

/**
 * The session cookie: {@code sid} over plain HTTP, {@code __Host-sid} over HTTPS (see {@link Cookies}: no sibling site can
 * plant one). HttpOnly always; over HTTPS it is {@code Secure; SameSite=None} so a hidden-iframe token renewal from the
 * app's own site still carries it; over plain HTTP (local development) browsers refuse {@code SameSite=None} without
 * {@code Secure}, so it is {@code Lax}. A state-changing form is never trusted on the strength of this cookie alone:
 * {@link dev.gatehouse.http.Csrf} checks every one.
 */
public final class SessionCookie {

    public static final String NAME = "sid";

    private final Sessions sessions;
    private final boolean publicHttps;

    public SessionCookie(Sessions sessions, boolean publicHttps) {
        this.sessions = sessions;
        this.publicHttps = publicHttps;
    }

    public void set(Context ctx, String value) {
        Cookies.set(ctx, NAME, value, publicHttps, Cookies.secure(ctx, publicHttps) ? Cookies.SameSite.NONE : Cookies.SameSite.LAX);
    }

    public void clear(Context ctx) {
        Cookies.clear(ctx, NAME, publicHttps);
    }

    /** The cookie's value as sent on this request (under this request's name for it), or null. */
    public String value(Context ctx) {
        return Cookies.get(ctx, NAME, publicHttps);
    }

    /**
     * Trades a one-time sessionToken for a session in this browser (issue #20: {@code /authorize?sessionToken=},
     * {@code /login/sessionCookieRedirect}): the new session's cookie is set and it is this request's session from now on;
     * a session the browser had before ends (the token says who signs in now). Empty, with the request's session empty too,
     * for a token that is not good: it never falls back on the cookie the browser had.
     */
    public Optional<Sessions.Current> redeem(Context ctx, dev.gatehouse.syslog.EventContext event, String sessionToken) {
        Optional<Sessions.Current> before = current(ctx);
        Optional<Sessions.Current> now = sessions.redeem(event, sessionToken).map(started -> {
            before.ifPresent(b -> sessions.end(event.as(b.actor()), b));
            set(ctx, started.cookieValue());
            return new Sessions.Current(started.session(), started.user());
        });
        ctx.attribute("gatehouse.session", now);
        return now;
    }

    /** The live session of this request, read once and remembered on the request. */
    public Optional<Sessions.Current> current(Context ctx) {
        Optional<Sessions.Current> cached = ctx.attribute("gatehouse.session");
        if (cached == null) {
            cached = sessions.current(value(ctx));
            ctx.attribute("gatehouse.session", cached);
        }
        return cached;
    }
}
