package dev.gatehouse.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The headers every response carries, whoever writes it: {@link HttpServer}'s filter for everything Javalin answers,
 * and {@link JettyErrors} for what Jetty answers itself before Javalin sees the request (a bad request line or header,
 * a URI or header block too long). One list, so the two cannot drift apart.
 */
final class SecurityHeaders {

    /** HSTS is sent over HTTPS only: browsers ignore it over plain HTTP, and there it would mislead. */
    static final String HSTS = "max-age=31536000";

    private SecurityHeaders() {
    }

    /** The headers in the order they are set; {@code https} adds {@code Strict-Transport-Security}. */
    static Map<String, String> of(boolean https) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Security-Policy", HttpServer.CSP);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "no-referrer");
        h.put("Cache-Control", "no-store");
        if (https) {
            h.put("Strict-Transport-Security", HSTS);
        }
        return h;
    }

    static void apply(boolean https, BiConsumer<String, String> put) {
        of(https).forEach(put);
    }
}
