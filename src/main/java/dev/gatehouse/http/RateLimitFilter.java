package dev.gatehouse.http;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies {@link RateLimits} before any handler runs, so a refused request changes nothing: no password is checked,
 * no lockout counter moves, no token is issued. Every response of a limited family carries {@code X-Rate-Limit-Limit},
 * {@code -Remaining} and {@code -Reset} (UTC epoch seconds), as Okta sends them; a refused one is a 429 in its surface's
 * format: Okta's {@code E0000047} error JSON on {@code /api/v1} and the OAuth JSON endpoints (Okta uses its error object
 * for 429 even on OAuth paths, OKTA-REFERENCE §11), a readable page on {@code /authorize} (a person's browser is there)
 * and the sign-in form again, with a message, on {@code POST /signin}. It also carries {@code Retry-After}.
 *
 * <p>The client is the remote address of the connection: Gatehouse trusts no proxy headers (SECURITY.md item 27).
 */
public final class RateLimitFilter implements Routes {

    public static final String LIMIT = "X-Rate-Limit-Limit";
    public static final String REMAINING = "X-Rate-Limit-Remaining";
    public static final String RESET = "X-Rate-Limit-Reset";

    /** {@code /oauth2/v1/x} (org server) or {@code /oauth2/{id}/v1/x} (custom servers). */
    private static final Pattern OAUTH = Pattern.compile("^/oauth2/(?:([^/]+)/)?v1/([^/]+)$");
    private static final Pattern APP_BY_ID = Pattern.compile("^/api/v1/apps/[^/]+$");

    private final RateLimits limits;
    private final ErrorMapper errors;
    private final Consumer<Context> signInRefused;

    private final Function<String, Optional<String>> loginKey;

    /**
     * @param signInRefused writes the 429 sign-in page (the sign-in surface owns its form)
     * @param loginKey      the key sign-in looks a login up by (the directory's), so variants of one login share a bucket
     */
    public RateLimitFilter(RateLimits limits, ErrorMapper errors, Consumer<Context> signInRefused,
                           Function<String, Optional<String>> loginKey) {
        this.loginKey = loginKey;
        this.limits = limits;
        this.errors = errors;
        this.signInRefused = signInRefused;
    }

    /** A family and the key of the bucket this request uses in it. */
    record Charge(RateLimitFamily family, String key) {
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.before(this::check);
    }

    private void check(Context ctx) {
        List<Charge> charges = charges(ctx);
        RateLimits.Decision shown = null;
        for (Charge charge : charges) {
            Optional<RateLimits.Decision> decision = limits.take(charge.family(), charge.key());
            if (decision.isEmpty()) {
                continue;
            }
            if (shown == null || !decision.get().allowed()) {
                shown = decision.get();
            }
            if (!decision.get().allowed()) {
                break;   // later buckets keep their tokens
            }
        }
        if (shown == null) {
            return;
        }
        ctx.header(LIMIT, Long.toString(shown.limit()));
        ctx.header(REMAINING, Long.toString(shown.remaining()));
        ctx.header(RESET, Long.toString(shown.resetEpochSeconds()));
        if (!shown.allowed()) {
            ctx.header("Retry-After", Long.toString(shown.retryAfterSeconds()));
            refuse(ctx, charges.getFirst().family());
            ctx.skipRemainingHandlers();
        }
    }

    /**
     * For a limit only a handler can key, because the key is in the store (the per-user {@code /token} limit) or needs the
     * session (the console's per-person limit): takes one token; when the bucket is empty, writes the family's 429 (with
     * this bucket's headers) and returns false.
     */
    public boolean admit(Context ctx, RateLimitFamily family, String key) {
        Optional<RateLimits.Decision> decision = limits.take(family, key);
        if (decision.isEmpty() || decision.get().allowed()) {
            return true;
        }
        RateLimits.Decision d = decision.get();
        ctx.header(LIMIT, Long.toString(d.limit()));
        ctx.header(REMAINING, Long.toString(d.remaining()));
        ctx.header(RESET, Long.toString(d.resetEpochSeconds()));
        ctx.header("Retry-After", Long.toString(d.retryAfterSeconds()));
        refuse(ctx, family);
        return false;
    }

    private Consumer<Context> recoveryRefused;

    /** Writes the 429 page of the forgot-password form (the recovery pages own it; set once by Wiring). */
    public void onRecoveryRefused(Consumer<Context> page) {
        this.recoveryRefused = page;
    }

    /** Whether a family is limited at all (so a handler can skip the store read its key needs). */
    public boolean limits(RateLimitFamily family) {
        return limits.limit(family).isPresent();
    }

    private void refuse(Context ctx, RateLimitFamily family) {
        if (ctx.path().startsWith("/api/v1/")) {
            errors.writeApi(ctx, ApiError.of(ErrorCode.E0000047));   // the Authentication API counts in the sign-in buckets: JSON
            return;
        }
        switch (family) {
            case SIGNIN, SIGNIN_PER_USER -> {
                ctx.status(429);
                signInRefused.accept(ctx);
            }
            case RECOVERY, RECOVERY_PER_USER -> {
                ctx.status(429);
                if (recoveryRefused != null) {
                    recoveryRefused.accept(ctx);
                } else {
                    errors.writePage(ctx, 429, "Too many requests",
                            "Too many password reset requests. Nothing was sent. Wait a few minutes, then try again.");
                }
            }
            case AUTHORIZE -> errors.writePage(ctx, 429, "Too many requests",
                    "This sign-in service is receiving more requests than it accepts right now. Wait a minute, then go back to the app and try again.");
            case CONSOLE -> errors.writePage(ctx, 429, "Too many requests",
                    "You sent this page or form more often in the last few seconds than the Admin Console accepts from one person. "
                            + "Nothing was changed by the refused request. Wait a few seconds, then reload the page.");
            default -> errors.writeApi(ctx, ApiError.of(ErrorCode.E0000047));
        }
    }

    /** Which buckets this request draws from (none for unlimited paths and CORS preflights). */
    private List<Charge> charges(Context ctx) {
        // Only a form body is read: asking Javalin for form fields of another body (multipart) parses it, and may throw.
        return charges(ctx.method(), ctx.path(), ctx.ip(), () -> formEncoded(ctx) ? loginKey.apply(ctx.formParam("username")).orElse("") : null);
    }

    private static boolean formEncoded(Context ctx) {
        return ctx.contentType() != null && ctx.contentType().toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /** @param loginKey the username's key ({@code ""} for input no login can have) */
    static List<Charge> charges(HandlerType method, String path, String ip, java.util.function.Supplier<String> loginKey) {
        if (HandlerType.OPTIONS.equals(method)) {
            return List.of();
        }
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (p.equals("/signin/forgot-password")) {
            if (!HandlerType.POST.equals(method)) {
                return List.of();
            }
            String login = loginKey.get() == null ? "" : loginKey.get();
            return List.of(new Charge(RateLimitFamily.RECOVERY, ip), new Charge(RateLimitFamily.RECOVERY_PER_USER, login));
        }
        if (p.equals("/signin")) {
            if (!HandlerType.POST.equals(method)) {
                return List.of();
            }
            // Keyed like the lookup that sign-in makes (the directory's login key: NFKC, trimmed of Unicode white space, case
            // folded), so variants of one login share one bucket; input no login can have (blank, over-long) shares "".
            String login = loginKey.get() == null ? "" : loginKey.get();
            return List.of(new Charge(RateLimitFamily.SIGNIN, ip), new Charge(RateLimitFamily.SIGNIN_PER_USER, login));
        }
        if (p.equals("/api/v1/authn") || p.startsWith("/api/v1/authn/")) {
            // Okta's Authentication API (issue #20) counts as the hosted sign-in form does: per client IP here (every step: a
            // password, a factor code, a stateToken guess), per username in AuthnApi once the JSON body is read.
            if (!HandlerType.POST.equals(method)) {
                return List.of();
            }
            return List.of(new Charge(p.equals("/api/v1/authn/recovery/password") ? RateLimitFamily.RECOVERY : RateLimitFamily.SIGNIN, ip));
        }
        Matcher oauth = OAUTH.matcher(p);
        if (oauth.matches()) {
            // Okta: the org authorization server has its own buckets; all custom servers share theirs.
            String server = oauth.group(1) == null ? "org" : "custom";
            return switch (oauth.group(2)) {
                case "authorize" -> List.of(new Charge(RateLimitFamily.AUTHORIZE, server));
                case "token" -> List.of(new Charge(RateLimitFamily.TOKEN, server));
                case "userinfo", "introspect", "revoke", "logout" -> List.of(new Charge(RateLimitFamily.OAUTH2, server));
                default -> List.of();   // keys and other public metadata are not limited, as at Okta
            };
        }
        if (!p.startsWith("/api/v1/") && !p.equals("/api/v1")) {
            return List.of();
        }
        RateLimitFamily family;
        if (p.equals("/api/v1/users") || p.startsWith("/api/v1/users/")) {
            family = RateLimitFamily.USERS;
        } else if (APP_BY_ID.matcher(p).matches()) {
            family = RateLimitFamily.APP;
        } else if (p.equals("/api/v1/apps") || p.startsWith("/api/v1/apps/")) {
            family = RateLimitFamily.APPS;
        } else if (p.equals("/api/v1/logs")) {
            family = RateLimitFamily.LOGS;
        } else if (p.startsWith("/api/v1/sessions")) {
            family = RateLimitFamily.SESSIONS;
        } else {
            family = RateLimitFamily.API;
        }
        return List.of(new Charge(family, "org"));
    }
}
