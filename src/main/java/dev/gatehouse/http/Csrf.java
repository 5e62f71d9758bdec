package dev.gatehouse.http;

import dev.gatehouse.storage.Ids;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one CSRF mechanism of every HTML form Gatehouse serves: the Admin Console, the hosted sign-in and sign-out pages, and
 * every form added later (consent, MFA...). It is a filter on every state-changing request ({@code POST}, {@code PUT},
 * {@code PATCH}, {@code DELETE}) outside the two surfaces that authenticate each request themselves and are meant to be
 * called from other sites ({@code /api/…}: SSWS tokens, or the session cookie behind CORS for trusted origins only;
 * {@code /oauth2/…}: client authentication, codes, PKCE, {@code id_token_hint}). So a new form is protected without
 * anyone remembering to protect it. A request passes only when both hold:
 *
 * <ol>
 *   <li><b>It comes from a Gatehouse page.</b> A browser says where a request comes from: when {@code Sec-Fetch-Site} is
 *       sent it must be {@code same-origin} (or {@code none}: typed by the person); when {@code Origin} is sent it must
 *       be Gatehouse's own origin (the configured base URL's, or the one the request was addressed to). A page on
 *       another port of the same host or on a sibling subdomain is "same-site" but not same-origin, and is refused.
 *       Clients that send neither (not a browser) fall through to the token alone (see {@link #fromOwnOrigin}).</li>
 *   <li><b>It repeats a token bound to who is asking.</b> The form's hidden {@code csrf} field must be
 *       HMAC-SHA256(key, session id) when the browser has a session, or, before sign-in, HMAC-SHA256(key, pre-session)
 *       where the pre-session is a random value in a {@code gh_pre} cookie that Gatehouse itself issued. The key is
 *       derived from the key-encryption key that every node shares, so any node checks any form and nothing is stored.
 *       Unlike the plain double-submit cookie this replaces, an attacker who plants a cookie of their own cannot make a
 *       matching token for someone else's session, and a token taken from one session is worthless in another.</li>
 * </ol>
 *
 * <p>Over HTTPS the pre-session cookie is {@code __Host-gh_pre} (and the session cookie {@code __Host-sid}), so a sibling
 * subdomain cannot plant either. A refused request changes nothing: the surface's own refusal handler answers (the sign-in
 * page shows the form again; the console shows a page saying nothing was changed) with 403.
 */
public final class Csrf implements Routes {

    public static final String PRE_SESSION_COOKIE = "gh_pre";
    public static final String FIELD = "csrf";
    private static final String TOKEN_ATTRIBUTE = "gatehouse.csrf";
    private static final String PRE_ATTRIBUTE = "gatehouse.csrf.pre";
    private static final int PRE_SESSION_CHARS = 32;

    /** Why a request was refused; for the log and the tests, never shown in detail to the person. */
    public enum Refusal { CROSS_ORIGIN, MISSING_TOKEN, WRONG_TOKEN }

    private final Ids ids;
    private final boolean publicHttps;
    private final String baseOrigin;
    private final byte[] key;
    private final Function<Context, Optional<String>> sessionId;
    private final Map<String, Handler> refusals = new LinkedHashMap<>();
    private final Handler defaultRefusal;
    private String signInPath;

    /**
     * @param key         at least 32 bytes, the same on every node (derived from the key-encryption key)
     * @param sessionId   the id of this request's live session, if any
     * @param defaultRefusal answers a refused request on a path no surface claimed with {@link #onRefused}
     */
    public Csrf(Ids ids, boolean publicHttps, String baseUrl, byte[] key, Function<Context, Optional<String>> sessionId,
                Handler defaultRefusal) {
        if (key.length < 32) {
            throw new IllegalArgumentException("CSRF key too short");
        }
        this.ids = ids;
        this.publicHttps = publicHttps;
        this.baseOrigin = origin(URI.create(baseUrl));
        this.key = key.clone();
        this.sessionId = sessionId;
        this.defaultRefusal = defaultRefusal;
    }

    /** A surface's own answer to a refused form post on {@code path} (e.g. the sign-out page shows its form again). */
    public Csrf onRefused(String path, Handler handler) {
        refusals.put(path, handler);
        return this;
    }

    /**
     * The sign-in form at {@code path}, with its answer to a refused post. There a pre-session token stays good after
     * another tab signed in (a session now exists): signing in again is no more than what the form offered, and the
     * origin check still holds. Everywhere else a browser with a session must repeat the session's token.
     */
    public Csrf signInForm(String path, Handler handler) {
        signInPath = path;
        return onRefused(path, handler);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.before(ctx -> {
            if (!guarded(ctx)) {
                return;
            }
            Optional<Refusal> refusal = check(ctx);
            if (refusal.isPresent()) {
                ctx.attribute("gatehouse.csrf.refusal", refusal.get());
                ctx.status(403);
                refusals.getOrDefault(ctx.path(), defaultRefusal).handle(ctx);
                ctx.skipRemainingHandlers();
            }
        });
    }

    /** True for the requests this filter guards: every state-changing method outside /api/ and /oauth2/. */
    static boolean guarded(Context ctx) {
        HandlerType m = ctx.method();
        boolean unsafe = m == HandlerType.POST || m == HandlerType.PUT || m == HandlerType.PATCH || m == HandlerType.DELETE;
        String path = ctx.path();
        return unsafe && !path.startsWith("/api/") && !path.startsWith("/oauth2/");
    }

    /** The token for forms on this page: bound to the session, or before sign-in to a pre-session (issued here if needed). */
    public String token(Context ctx) {
        String cached = ctx.attribute(TOKEN_ATTRIBUTE);
        if (cached != null) {
            return cached;
        }
        Optional<String> session = sessionId.apply(ctx);
        String token = session.isPresent() ? mac("s:" + session.get()) : mac("p:" + preSession(ctx, true));
        ctx.attribute(TOKEN_ATTRIBUTE, token);
        return token;
    }

    /** Why this request would be refused, or empty when it passes. */
    public Optional<Refusal> check(Context ctx) {
        if (!fromOwnOrigin(ctx)) {
            return Optional.of(Refusal.CROSS_ORIGIN);
        }
        String field = ctx.formParam(FIELD);
        if (field == null || field.isEmpty()) {
            return Optional.of(Refusal.MISSING_TOKEN);
        }
        Optional<String> session = sessionId.apply(ctx);
        if (session.isPresent() && same(field, mac("s:" + session.get()))) {
            return Optional.empty();
        }
        String pre = preSession(ctx, false);
        boolean preAllowed = session.isEmpty() || ctx.path().equals(signInPath);
        if (pre != null && preAllowed && same(field, mac("p:" + pre))) {
            return Optional.empty();
        }
        return Optional.of(Refusal.WRONG_TOKEN);
    }

    /**
     * True unless the browser says the request comes from another origin. {@code Sec-Fetch-Site} (every current browser)
     * is the first word: it must be {@code same-origin}, or {@code none} (typed by the person). {@code Origin} must match
     * as well when it names an origin. It is often {@code null} on Gatehouse's own forms: every page is served with
     * {@code Referrer-Policy: no-referrer}, and under that policy browsers send {@code Origin: null} even on a
     * same-origin POST, so a {@code null} says nothing and {@code Sec-Fetch-Site} decides. With neither header (not a
     * browser, or a browser from before 2023 without {@code Sec-Fetch-Site}) the token decides alone.
     */
    boolean fromOwnOrigin(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null) {
            String s = site.strip().toLowerCase(Locale.ROOT);
            if (!s.equals("same-origin") && !s.equals("none")) {
                return false;
            }
        }
        String origin = ctx.header("Origin");
        if (origin == null || origin.equals("null")) {
            return true;
        }
        if (origin.equals(baseOrigin)) {
            return true;
        }
        String host = ctx.header("Host");
        return host != null && origin.equalsIgnoreCase(ctx.scheme() + "://" + host);
    }

    /** This request's pre-session value; a new one (and its cookie) when {@code issue} and there is none yet. */
    private String preSession(Context ctx, boolean issue) {
        String value = ctx.attribute(PRE_ATTRIBUTE);
        if (value == null) {
            value = Cookies.get(ctx, PRE_SESSION_COOKIE, publicHttps);
        }
        if (value == null || value.length() != PRE_SESSION_CHARS || !value.chars().allMatch(Csrf::base62)) {
            if (!issue) {
                return null;
            }
            value = ids.base62(PRE_SESSION_CHARS);
            // Lax: sent when a link or an app's redirect brings the person to the sign-in page, so tabs share one value.
            Cookies.set(ctx, PRE_SESSION_COOKIE, value, publicHttps, Cookies.SameSite.LAX);
        }
        ctx.attribute(PRE_ATTRIBUTE, value);
        return value;
    }

    private static boolean base62(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private String mac(String what) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(m.doFinal(what.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JDK", e);
        }
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code scheme://host[:port]} as a browser serialises an origin (default ports left out). */
    static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
