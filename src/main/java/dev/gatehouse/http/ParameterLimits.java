package dev.gatehouse.http;

import dev.gatehouse.errors.ApiError;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Header;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses, before any handler, the rate limiter or the database sees it, a request whose parameter is longer than any
 * legitimate client sends (outside review, finding 2: a 950 KB {@code client_id} at /token, a 950 KB
 * {@code token_type_hint} at /revoke were read, looked up and logged). Each surface refuses in its own format: OAuth's
 * {@code invalid_request} JSON on the /oauth2 JSON endpoints, the readable error page at /authorize and /logout (the
 * client and its redirect URI are not trusted yet at this point, so nothing is redirected), Okta's {@code E0000001} on
 * /api/v1. A refusal writes nothing: no System Log event, no rate-limit bucket; the access log has the request, and this
 * class's log says which parameter and how long, never its value. POST /signin's username and password are the sign-in
 * use case's to limit ({@code sessions.Sessions}), so that the refusal is the sign-in form's generic failure.
 *
 * <p>The limits sit above every length Gatehouse itself accepts or issues, so a request that a limit refuses could not
 * have succeeded; the finer rules below them keep their own, Okta-shaped answers (a 1,500-character {@code state} is
 * still sent back to the redirect URI as Okta's {@code invalid_request}). Where Okta documents a limit it is named:
 * <ul>
 *   <li>{@code client_id} 256: Gatehouse's are the app id (20) or an admin's choice of at most 100 ({@code AppRules}).</li>
 *   <li>{@code client_secret} 1,024: Gatehouse's are 64 characters.</li>
 *   <li>{@code redirect_uri}, {@code post_logout_redirect_uri} 2,048: a registered URI has at most 1,024 ({@code AppRules}).</li>
 *   <li>{@code scope} 4,096: Okta documents 1,024 in one place and 4,096 in another (OKTA-REFERENCE §3.1); /authorize
 *       applies 1,024 itself, with Okta's {@code invalid_scope}.</li>
 *   <li>{@code state} 2,048 (/authorize accepts up to 1,024 characters of Okta's alphabet), {@code nonce} 2,048
 *       (/authorize accepts 512); at /logout, where {@code state} is percent-encoded into the redirect and a response
 *       header may not pass 8 KB, {@code state} 512.</li>
 *   <li>{@code code_challenge} 256 (RFC 7636: 43 to 128), {@code code_verifier} 128 (RFC 7636 §4.1: "minimum length of 43
 *       characters and a maximum length of 128 characters").</li>
 *   <li>{@code code} 512 (Gatehouse's are 43); {@code refresh_token}, {@code token}, {@code id_token_hint},
 *       {@code access_token}, {@code client_assertion} 8,192 (the longest token Gatehouse reads at all,
 *       {@code TokenVerifier.MAX_LENGTH}).</li>
 *   <li>{@code token_type_hint} 64 (RFC 7009/7662 values are at most 13); {@code login_hint} 256 (a login has at most 100,
 *       Okta's profile limit); {@code grant_type}, {@code response_type}, {@code response_mode}, {@code prompt},
 *       {@code max_age}, {@code code_challenge_method}, {@code display}, {@code idp}, {@code client_assertion_type} 256.</li>
 *   <li>Any other parameter 8,192 (2,048 at /authorize and /logout), a parameter name 128, and at /authorize and /logout all
 *       parameters together 8,192 characters: they travel on in a redirect, whose headers Jetty caps at 8 KB.</li>
 *   <li>The client credentials of {@code Authorization: Basic}: the id 256, the secret 1,024, as in the body.</li>
 *   <li>/api/v1: a query parameter 4,096 (System Log {@code q} is checked finer: 40 characters a keyword, Okta's limit), a
 *       name 128. Bodies are capped at 1 MB for every surface (Javalin's {@code maxRequestSize}) and their fields by
 *       each resource's rules.</li>
 * </ul>
 */
public final class ParameterLimits implements Routes {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ParameterLimits.class);

    /** {@code /oauth2/v1/x} (org server) or {@code /oauth2/{id}/v1/x} (custom servers). */
    private static final Pattern OAUTH = Pattern.compile("^/oauth2/(?:[^/]+/)?v1/([^/]+)/?$");

    static final Map<String, Integer> OAUTH_LIMITS = Map.ofEntries(
            Map.entry("client_id", 256), Map.entry("client_secret", 1024), Map.entry("client_assertion_type", 256),
            Map.entry("client_assertion", 8192), Map.entry("redirect_uri", 2048), Map.entry("post_logout_redirect_uri", 2048),
            Map.entry("scope", 4096), Map.entry("state", 2048), Map.entry("nonce", 2048), Map.entry("code_challenge", 256),
            Map.entry("code_challenge_method", 256), Map.entry("code_verifier", 128), Map.entry("code", 512),
            Map.entry("refresh_token", 8192), Map.entry("token", 8192), Map.entry("id_token_hint", 8192), Map.entry("access_token", 8192),
            Map.entry("token_type_hint", 64), Map.entry("login_hint", 256), Map.entry("grant_type", 256), Map.entry("response_type", 256),
            Map.entry("response_mode", 256), Map.entry("prompt", 256), Map.entry("max_age", 256), Map.entry("display", 256),
            Map.entry("idp", 256));
    static final int LOGOUT_STATE = 512;
    static final int OTHER = 8192;
    static final int OTHER_IN_BROWSER_FLOWS = 2048;
    static final int NAME = 128;
    static final int BROWSER_FLOW_TOTAL = 8192;
    static final int API_QUERY = 4096;
    static final int BASIC_ID = 256;
    static final int BASIC_SECRET = 1024;

    private final ErrorMapper errors;

    public ParameterLimits(ErrorMapper errors) {
        this.errors = errors;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.before(this::check);
    }

    private void check(Context ctx) {
        String path = ctx.path();
        if (path.startsWith("/api/")) {
            overLimit(ctx.queryParamMap(), name -> API_QUERY, Integer.MAX_VALUE).ifPresent(why -> refuseApi(ctx, why));
            return;
        }
        Matcher oauth = OAUTH.matcher(path);
        if (!oauth.matches()) {
            return;
        }
        String endpoint = oauth.group(1);
        boolean browserFlow = endpoint.equals("authorize") || endpoint.equals("logout");
        java.util.function.ToIntFunction<String> limit = name -> name.equals("state") && endpoint.equals("logout") ? LOGOUT_STATE
                : OAUTH_LIMITS.getOrDefault(name, browserFlow ? OTHER_IN_BROWSER_FLOWS : OTHER);
        int total = browserFlow ? BROWSER_FLOW_TOTAL : Integer.MAX_VALUE;
        Optional<Refusal> refusal = overLimit(ctx.queryParamMap(), limit, total);
        if (refusal.isEmpty() && formEncoded(ctx)) {
            refusal = overLimit(ctx.formParamMap(), limit, total);
        }
        if (refusal.isEmpty()) {
            refusal = basic(ctx.header(Header.AUTHORIZATION));
        }
        refusal.ifPresent(why -> {
            if (browserFlow) {
                refusePage(ctx, endpoint, why);
            } else {
                refuseOAuth(ctx, endpoint, why);
            }
        });
    }

    /**
     * Why a request is refused: what to tell the client, and what to log (a name and a length, never the value);
     * {@code field} and {@code max} when one parameter is too long and its name is a plain one (Okta's API names the field).
     */
    record Refusal(String message, String logged, String field, int max) {
        Refusal(String message, String logged) {
            this(message, logged, null, 0);
        }
    }

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");

    private static Optional<Refusal> overLimit(Map<String, List<String>> params, java.util.function.ToIntFunction<String> limit, int total) {
        long sum = 0;
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            String name = e.getKey();
            if (name.length() > NAME) {
                return Optional.of(new Refusal("A parameter name is too long: at most " + NAME + " characters.",
                        "a parameter name of " + name.length() + " characters"));
            }
            int max = limit.applyAsInt(name);
            for (String value : e.getValue()) {
                if (value.length() > max) {
                    boolean plain = PLAIN_NAME.matcher(name).matches();
                    return Optional.of(plain
                            ? new Refusal("The '" + name + "' parameter is too long: at most " + max + " characters.",
                                    "'" + name + "' of " + value.length() + " characters", name, max)
                            : new Refusal("A parameter is too long: at most " + max + " characters.",
                                    "a parameter of " + value.length() + " characters"));
                }
                sum += name.length() + value.length();
            }
        }
        if (sum > total) {
            return Optional.of(new Refusal("The request's parameters are too long together: at most " + total + " characters.",
                    "parameters of " + sum + " characters together"));
        }
        return Optional.empty();
    }

    /** The client credentials of {@code Authorization: Basic}, held to the limits of the body's (undecodable: left to the client check). */
    private static Optional<Refusal> basic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        int id = colon < 0 ? decoded.length() : colon;
        int secret = colon < 0 ? 0 : decoded.length() - colon - 1;
        if (id > BASIC_ID) {
            return Optional.of(new Refusal("The client_id in the Authorization header is too long: at most " + BASIC_ID + " characters.",
                    "a Basic client_id of " + id + " characters"));
        }
        if (secret > BASIC_SECRET) {
            return Optional.of(new Refusal("The client secret in the Authorization header is too long: at most " + BASIC_SECRET + " characters.",
                    "a Basic secret of " + secret + " characters"));
        }
        return Optional.empty();
    }

    private static boolean formEncoded(Context ctx) {
        // Only a form body is read: asking Javalin for form fields of another body (multipart) parses it, and may throw.
        return ctx.contentType() != null && ctx.contentType().toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private void refuseOAuth(Context ctx, String endpoint, Refusal why) {
        log(ctx, why);
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
        if (endpoint.equals("userinfo")) {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_request\", error_description=\"" + why.message() + "\"");
        }
        OAuthErrorJson.write(ctx, 400, "invalid_request", why.message());
        ctx.skipRemainingHandlers();
    }

    private void refusePage(Context ctx, String endpoint, Refusal why) {
        log(ctx, why);
        errors.writePage(ctx, 400, endpoint.equals("logout") ? "Sign-out request not accepted" : "Sign-in request not accepted",
                "Error code invalid_request: " + why.message());
        ctx.skipRemainingHandlers();
    }

    private void refuseApi(Context ctx, Refusal why) {
        log(ctx, why);
        errors.writeApi(ctx, why.field() == null ? ApiError.validation(List.of(new ApiError.Cause(null, why.message())))
                : ApiError.validation(why.field(), "The field cannot be longer than " + why.max() + " characters"));
        ctx.skipRemainingHandlers();
    }

    private static void log(Context ctx, Refusal why) {
        LOG.info("Refused {} {} (request {}): {} is over its limit", HttpServer.methodTag(ctx.method().name()),
                shortPath(HttpServer.loggedPath(ctx.path())), Edge.requestId(ctx), why.logged());
    }

    private static String shortPath(String path) {
        return path.length() > 200 ? path.substring(0, 200) + "…" : path;
    }
}
