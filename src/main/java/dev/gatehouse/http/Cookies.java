package dev.gatehouse.http;

import io.javalin.http.Context;

/**
 * Writes cookies with exactly the attributes wanted (Javalin's helper cannot express
 * {@code SameSite=None} together with the rest). {@code secure} is true when the browser reaches
 * Gatehouse over HTTPS.
 *
 * <p>Over HTTPS every cookie Gatehouse sets is named with the {@code __Host-} prefix ({@link #name}): browsers accept
 * such a cookie only when it is {@code Secure}, has {@code Path=/} and no {@code Domain}, and only from the host itself,
 * so a page on a sibling subdomain, or any page over plain HTTP, cannot plant or overwrite it ("cookie tossing"). Over
 * plain HTTP (local development) the prefix is not allowed, and the bare name is used.
 */
public final class Cookies {

    public enum SameSite { STRICT, LAX, NONE }

    public static final String HOST_PREFIX = "__Host-";

    private Cookies() {
    }

    /** The name of the cookie {@code base} on this request: {@code __Host-base} over HTTPS, {@code base} over HTTP. */
    public static String name(Context ctx, String base, boolean publicHttps) {
        return secure(ctx, publicHttps) ? HOST_PREFIX + base : base;
    }

    /** The value of the cookie {@code base} under the name this request uses (never the other spelling). */
    public static String get(Context ctx, String base, boolean publicHttps) {
        return ctx.cookie(name(ctx, base, publicHttps));
    }

    /**
     * A browser-session cookie (no Max-Age), HttpOnly, on the whole site, named {@code base} with the prefix this
     * request needs.
     */
    public static void set(Context ctx, String base, String value, boolean publicHttps, SameSite sameSite) {
        boolean secure = secure(ctx, publicHttps);
        ctx.res().addHeader("Set-Cookie", name(ctx, base, publicHttps) + "=" + value + "; Path=/; HttpOnly" + (secure ? "; Secure" : "")
                + "; SameSite=" + switch (sameSite) {
                    case STRICT -> "Strict";
                    case LAX -> "Lax";
                    case NONE -> "None";
                });
    }

    public static void clear(Context ctx, String base, boolean publicHttps) {
        boolean secure = secure(ctx, publicHttps);
        ctx.res().addHeader("Set-Cookie", name(ctx, base, publicHttps) + "=; Path=/; Max-Age=0; HttpOnly" + (secure ? "; Secure" : "")
                + "; SameSite=Lax");
    }

    /** True when this request arrived over TLS, directly or (per the configured base URL) through a proxy. */
    public static boolean secure(Context ctx, boolean publicHttps) {
        return publicHttps || "https".equals(ctx.scheme());
    }
}
