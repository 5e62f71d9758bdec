package dev.gatehouse.origins;

import dev.gatehouse.http.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * CORS for the whole server, in one filter that runs before every request. Only the endpoints Okta marks
 * CORS-enabled take part, each with its methods ({@link Endpoint}); everything else (the authorization and
 * logout endpoints, the sign-in pages, the console, the rest of {@code /api/v1}) never carries an
 * {@code Access-Control-Allow-*} header (RFC 9700 §2.6: no CORS at the authorization endpoint).
 *
 * <p>On a CORS-enabled endpoint, a request whose {@code Origin} is an ACTIVE trusted origin with the CORS scope, spelled
 * exactly as a browser serialises it ({@link TrustedOriginCache#allowsCors}), gets
 * {@code Access-Control-Allow-Origin: <that origin>} (never {@code *}; the value echoed is the canonical one) and, where the endpoint uses the session cookie,
 * {@code Access-Control-Allow-Credentials: true}. Any other origin gets no such header, so the browser blocks the
 * response. Every response of these endpoints says {@code Vary: Origin}. Preflights ({@code OPTIONS}) are answered here
 * with 204; the headers are set before the endpoint runs, so its error answers (a 400 from /token) carry them too.
 * The decision reads only {@link TrustedOriginCache}: no database query.
 *
 * <p>Endpoints are recognised by path, so endpoints added later at these paths take part without a change here.
 */
public final class Cors implements Routes {

    /** The request headers okta-auth-js sends (every call of it is preflighted). */
    static final String ALLOWED_HEADERS = "content-type, accept, authorization, x-okta-user-agent-extended, dpop, x-requested-with, "
            + "x-device-fingerprint";
    /** Response headers a page may read beyond the CORS-safelisted ones (auth-js parses WWW-Authenticate on 4xx). */
    static final String EXPOSED_HEADERS = "WWW-Authenticate, X-Okta-Request-Id";
    static final String MAX_AGE = "3600";

    /** A CORS-enabled endpoint class: its paths, its methods, and whether it authenticates with the session cookie. */
    enum Endpoint {
        TOKEN("/oauth2(/[^/]+)?/v1/token", "/v1/token", "POST", false),
        KEYS("/oauth2(/[^/]+)?/v1/keys", "/v1/keys", "GET", false),
        USERINFO("/oauth2(/[^/]+)?/v1/userinfo", "/v1/userinfo", "GET, POST", false),
        INTROSPECT("/oauth2(/[^/]+)?/v1/introspect", "/v1/introspect", "POST", false),
        REVOKE("/oauth2(/[^/]+)?/v1/revoke", "/v1/revoke", "POST", false),
        DISCOVERY("(/oauth2/[^/]+)?/\\.well-known/openid-configuration|/oauth2/[^/]+/\\.well-known/oauth-authorization-server",
                "/.well-known/", "GET", false),
        SESSION("/api/v1/sessions/me", "/api/v1/sessions/me", "GET, DELETE", true),
        SESSION_REFRESH("/api/v1/sessions/me/lifecycle/refresh", "/api/v1/sessions/me/lifecycle/refresh", "POST", true),
        /** Okta's Authentication API (issue #20): okta-auth-js posts with credentials (withCredentials) from the app's page. */
        AUTHN("/api/v1/authn(/[A-Za-z0-9_/]+)?", "/api/v1/authn", "POST", true),
        /** A TOTP enrollment's QR image, shown by an embedded sign-in page. */
        QR("/api/v1/users/[^/]+/factors/[^/]+/qr/[^/]+", "/qr/", "GET", false);

        private final Pattern path;
        /** Text every matching path contains: a cheap test that spares the regex for nearly every other path. */
        private final String literal;
        private final String methods;
        private final boolean credentials;

        Endpoint(String path, String literal, String methods, boolean credentials) {
            this.path = Pattern.compile("(?:" + path + ")/?");
            this.literal = literal;
            this.methods = methods;
            this.credentials = credentials;
        }

        private static final Endpoint[] ALL = values();

        static Optional<Endpoint> of(String path) {
            // Every CORS-enabled path starts with one of these: pages, the console and the rest of the API stop here.
            if (!path.startsWith("/oauth2/") && !path.startsWith("/.well-known/") && !path.startsWith("/api/v1/sessions/me")
                    && !path.startsWith("/api/v1/authn") && !path.startsWith("/api/v1/users/")) {
                return Optional.empty();
            }
            for (Endpoint e : ALL) {
                if (path.contains(e.literal) && e.path.matcher(path).matches()) {
                    return Optional.of(e);
                }
            }
            return Optional.empty();
        }
    }

    private final TrustedOriginCache origins;
    private final OriginRefusals refusals;

    /** {@code refusals}: where a request from an origin that is not trusted is counted for the sign-in doctor (issue #21). */
    public Cors(TrustedOriginCache origins, OriginRefusals refusals) {
        this.origins = origins;
        this.refusals = refusals;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.before(this::handle);
    }

    /**
     * (A request without {@code Origin} still goes through: these endpoints' responses must say {@code Vary: Origin}
     * so no cache serves one to a cross-origin page, and a preflight-shaped OPTIONS still gets its 204.)
     */
    void handle(Context ctx) {
        Optional<Endpoint> endpoint = Endpoint.of(ctx.path());
        if (endpoint.isEmpty()) {
            return;
        }
        Endpoint e = endpoint.get();
        ctx.header("Vary", "Origin");
        String origin = ctx.header("Origin");
        boolean trusted = origin != null && origins.allowsCors(origin);
        if (!trusted && origin != null) {
            refusals.count(dev.gatehouse.syslog.Cause.CORS_ORIGIN_NOT_TRUSTED, origin, (ctx.method() == HandlerType.OPTIONS
                    ? "a preflight for " + ctx.header("Access-Control-Request-Method") + " " : ctx.method().name() + " ") + ctx.path());
        }
        if (trusted) {
            ctx.header("Access-Control-Allow-Origin", origin);
            if (e.credentials) {
                ctx.header("Access-Control-Allow-Credentials", "true");
            }
        }
        if (ctx.method() == HandlerType.OPTIONS) {
            if (trusted) {
                ctx.header("Access-Control-Allow-Methods", e.methods);
                ctx.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
                ctx.header("Access-Control-Max-Age", MAX_AGE);
            }
            ctx.header("Allow", e.methods + ", OPTIONS");
            ctx.status(204);
            ctx.skipRemainingHandlers();
        } else if (trusted) {
            ctx.header("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        }
    }
}
