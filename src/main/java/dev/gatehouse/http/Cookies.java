package dev.gatehouse.http;

import io.javalin.http.Context;

/**
 * Writes cookies with exactly the attributes wanted (Javalin's helper cannot express
 * {@code SameSite=None} together with the rest). {@code secure} is true when the browser reaches
 * Gatehouse over HTTPS.
 */
public final class Cookies {

    public enum SameSite { STRICT, LAX, NONE }

    private Cookies() {
    }

    /** A browser-session cookie (no Max-Age), HttpOnly, on the whole site. */
    public static void set(Context ctx, String name, String value, boolean secure, SameSite sameSite) {
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=/; HttpOnly" + (secure ? "; Secure" : "")
                + "; SameSite=" + switch (sameSite) {
                    case STRICT -> "Strict";
                    case LAX -> "Lax";
                    case NONE -> "None";
                });
    }

    public static void clear(Context ctx, String name, boolean secure) {
        ctx.res().addHeader("Set-Cookie", name + "=; Path=/; Max-Age=0; HttpOnly" + (secure ? "; Secure" : "") + "; SameSite=Lax");
    }

    /** True when this request arrived over TLS, directly or (per the configured base URL) through a proxy. */
    public static boolean secure(Context ctx, boolean publicHttps) {
        return publicHttps || "https".equals(ctx.scheme());
    }
}
