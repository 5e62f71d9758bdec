package dev.gatehouse.sessions;

import dev.gatehouse.http.Cookies;
import io.javalin.http.Context;

import java.util.Optional;

/**
 * The {@code sid} session cookie. HttpOnly always; over HTTPS it is {@code Secure; SameSite=None}
 * so a hidden-iframe token renewal from the app's own site still carries it; over plain HTTP
 * (local development) browsers refuse {@code SameSite=None} without {@code Secure}, so it is {@code Lax}.
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
        boolean secure = Cookies.secure(ctx, publicHttps);
        Cookies.set(ctx, NAME, value, secure, secure ? Cookies.SameSite.NONE : Cookies.SameSite.LAX);
    }

    public void clear(Context ctx) {
        Cookies.clear(ctx, NAME, Cookies.secure(ctx, publicHttps));
    }

    /** The live session of this request, read once and remembered on the request. */
    public Optional<Sessions.Current> current(Context ctx) {
        Optional<Sessions.Current> cached = ctx.attribute("gatehouse.session");
        if (cached == null) {
            cached = sessions.current(ctx.cookie(NAME));
            ctx.attribute("gatehouse.session", cached);
        }
        return cached;
    }
}
