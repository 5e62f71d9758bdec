package dev.gatehouse.http;

import dev.gatehouse.storage.Ids;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * CSRF protection for every HTML form (sign-in, sign-out, console): a random value in an
 * HttpOnly {@code gh_csrf} cookie (SameSite=Lax) that each form repeats in a hidden {@code csrf}
 * field. Another site can make the browser post, but cannot read or set the cookie, so it cannot
 * know the value to repeat.
 */
public final class Csrf {

    public static final String COOKIE = "gh_csrf";
    public static final String FIELD = "csrf";

    private final Ids ids;
    private final boolean publicHttps;

    public Csrf(Ids ids, boolean publicHttps) {
        this.ids = ids;
        this.publicHttps = publicHttps;
    }

    /** The token for forms on this page, setting the cookie on first use. */
    public String token(Context ctx) {
        String existing = ctx.attribute(COOKIE);
        if (existing == null) {
            existing = ctx.cookie(COOKIE);
        }
        if (existing == null || !existing.matches("[A-Za-z0-9]{32}")) {
            existing = ids.base62(32);
            Cookies.set(ctx, COOKIE, existing, Cookies.secure(ctx, publicHttps), Cookies.SameSite.LAX);
        }
        ctx.attribute(COOKIE, existing);
        return existing;
    }

    /** True when the posted form repeats the cookie's value. */
    public boolean valid(Context ctx) {
        String cookie = ctx.cookie(COOKIE);
        String field = ctx.formParam(FIELD);
        return cookie != null && field != null && cookie.length() == 32
                && MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8), field.getBytes(StandardCharsets.UTF_8));
    }
}
