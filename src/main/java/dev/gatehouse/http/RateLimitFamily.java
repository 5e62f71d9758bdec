package dev.gatehouse.http;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The rate-limit families: which requests count against one limit, how many per period, and whose bucket they use.
 *
 * <p>Defaults are Okta's published per-minute limits, Enterprise column (developer.okta.com/docs/reference/
 * rl-global-enduser and rl-global-mgmt, read 2026-11), and the per-username limit of "4 per second" from
 * rl-additional-limits ("Per-user limits"). Where Okta limits per org, so does Gatehouse (one bucket per family; like
 * Okta, the org authorization server and the custom ones have separate OAuth buckets). Sign-in is the exception, and
 * on purpose: an org-wide sign-in bucket would let one credential-stuffing client lock every person out of signing in,
 * so it is counted per client IP and per username instead.
 *
 * <p>Not limited, as at Okta ("endpoints without rate limiting"): the public metadata ({@code /.well-known/*},
 * {@code /v1/keys}), the sign-in page itself (GET), health and metrics, static assets, the Admin Console pages.
 */
public enum RateLimitFamily {
    /** {@code /oauth2/{server}/v1/authorize}: Okta 1,200 per minute. */
    AUTHORIZE("authorize", 1200, Duration.ofMinutes(1), Scope.ORG),
    /** {@code /oauth2/{server}/v1/token}: Okta 1,200 per minute. */
    TOKEN("token", 1200, Duration.ofMinutes(1), Scope.ORG),
    /** The other protocol endpoints (userinfo, introspect, revoke, logout): Okta 1,200 per minute. */
    OAUTH2("oauth2", 1200, Duration.ofMinutes(1), Scope.ORG),
    /**
     * {@code /token} per user: Okta's "Generate or refresh an OAuth 2.0 token: 4 per second" per user. Gatehouse keys it by
     * client and refresh-token family (one sign-in of one person in one app), checked by the token endpoint once it
     * knows the family; a refused refresh rotates nothing.
     */
    TOKEN_PER_USER("token-user", 4, Duration.ofSeconds(1), Scope.USER),
    /** {@code POST /signin} per client IP: Okta's {@code /login/do-login} figure, 200 per minute. */
    SIGNIN("signin", 200, Duration.ofMinutes(1), Scope.CLIENT_IP),
    /** {@code POST /signin} per username, whether or not it exists: Okta's per-username 4 per second. */
    SIGNIN_PER_USER("signin-user", 4, Duration.ofSeconds(1), Scope.USER),
    /**
     * {@code POST /signin/forgot-password} per client IP (issue #19). Okta publishes no figure for its recovery endpoint in
     * Identity Engine; Gatehouse takes 60 per minute (a tenth of the sign-in page's): a person asks for a reset a few
     * times at most, and each request may queue an email.
     */
    RECOVERY("recovery", 60, Duration.ofMinutes(1), Scope.CLIENT_IP),
    /**
     * {@code POST /signin/forgot-password} per username, whether or not it exists: 5 per 15 minutes (Gatehouse's decision;
     * Okta limits the emails one recipient gets, without a published per-user figure for recovery): enough for a person
     * who mistyped, too few to flood a mailbox. Counted for unknown usernames too, so the limit tells nothing.
     */
    RECOVERY_PER_USER("recovery-user", 5, Duration.ofMinutes(15), Scope.USER),
    /**
     * Factor codes per user: Okta's "five activation attempts within five minutes" for a factor (Factors API), applied to
     * every activate and verify of a user's factors, checked by mfa/Factors before the code is looked at; a refused
     * attempt is 429 E0000047 and changes nothing. Wrong codes also count toward the user's lockout, as wrong passwords.
     */
    FACTOR_PER_USER("factor-user", 5, Duration.ofMinutes(5), Scope.USER),
    /** {@code /api/v1/users} and below: Okta 600 per minute. */
    USERS("users", 600, Duration.ofMinutes(1), Scope.ORG),
    /** {@code /api/v1/apps}, {@code /api/v1/apps/{id}/*}: Okta "create, list, or other app actions" 100 per minute. */
    APPS("apps", 100, Duration.ofMinutes(1), Scope.ORG),
    /** {@code /api/v1/apps/{id}} exactly: Okta "get, update, or delete an app by ID" 600 per minute. */
    APP("app", 600, Duration.ofMinutes(1), Scope.ORG),
    /** {@code /api/v1/logs}: Okta 50 per minute. */
    LOGS("logs", 50, Duration.ofMinutes(1), Scope.ORG),
    /** {@code /api/v1/sessions/*}: Okta "get session information" 600 per minute. */
    SESSIONS("sessions", 600, Duration.ofMinutes(1), Scope.ORG),
    /** Every other {@code /api/v1} call: Okta "most other API actions" 600 per minute. */
    API("api", 600, Duration.ofMinutes(1), Scope.ORG),
    /**
     * The Admin Console, per signed-in person and per page or form (route): Okta limits "the Admin Console and the
     * End-User Dashboard to 40 requests per user per 10 seconds per endpoint" (rl-additional-limits, "End user rate
     * limit"); one person cannot slow the console for the others. Checked by the console's gate once it knows who asks.
     */
    CONSOLE("console", 40, Duration.ofSeconds(10), Scope.USER);

    /** Whose bucket a request uses. */
    public enum Scope { ORG, CLIENT_IP, USER }

    private final String configName;
    private final int defaultLimit;
    private final Duration period;
    private final Scope scope;

    RateLimitFamily(String configName, int defaultLimit, Duration period, Scope scope) {
        this.configName = configName;
        this.defaultLimit = defaultLimit;
        this.period = period;
        this.scope = scope;
    }

    /** The name in {@code GATEHOUSE_RATE_LIMITS}. */
    public String configName() {
        return configName;
    }

    public int defaultLimit() {
        return defaultLimit;
    }

    public Duration period() {
        return period;
    }

    public Scope scope() {
        return scope;
    }

    public static Optional<RateLimitFamily> byConfigName(String name) {
        return Arrays.stream(values()).filter(f -> f.configName.equals(name.toLowerCase(Locale.ROOT))).findFirst();
    }
}
