package dev.gatehouse.oauth.authorize;

import dev.gatehouse.http.Edge;
import dev.gatehouse.http.ErrorMapper;
import dev.gatehouse.http.Pages;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.AuthorizationServers;
import dev.gatehouse.sessions.SessionCookie;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.Actor;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code /v1/authorize} (GET and POST) at the HTTP edge: reads the request, lets {@link Authorization}
 * decide, and delivers the outcome: an error page, the sign-in page, or the response at the redirect
 * URI in the requested response mode. Never sends CORS headers (RFC 9700 §2.6).
 */
public final class AuthorizeEndpoint {

    /** The model of {@code oauth/form-post.jte} and {@code oauth/post-message.jte}. */
    public record ResponsePage(String redirectUri, String targetOrigin, Map<String, String> params, String nonce) {
        public String json() {
            return dev.gatehouse.http.Json.write(params);
        }
    }

    /** The hosted pages where a signed-in person verifies a second factor, or enrolls one, and comes back. */
    public static final String VERIFY = "/signin/verify";
    /** The parameter that carries when an authorization request began through the hosted pages (see {@link RequestStart}). */
    public static final String STARTED = "gh_started";
    public static final String ENROLL = "/signin/enroll";

    /**
     * The /authorize parameters carried through the hosted sign-in and step-up pages; anything else is dropped, so the
     * way back stays within the 8 KB a header may take (an outside review found a request of junk parameters, doubled by
     * encoding, made the redirect too large for Jetty: 500).
     */
    static final java.util.Set<String> CARRIED = java.util.Set.of("client_id", "redirect_uri", "response_type", "response_mode", "scope",
            "state", "nonce", "code_challenge", "code_challenge_method", "prompt", "max_age", "login_hint", "acr_values", "idp",
            STARTED);   // never sessionToken: it is used up on arrival, and the way back goes on the session it made
    /** The longest redirect to the hosted pages Gatehouse sends; a longer one is an error page instead. */
    static final int MAX_LOCATION = 7_500;

    private final AuthorizationServers servers;
    private final Authorization authorization;
    private final SessionCookie sessions;
    private final Pages pages;
    private final ErrorMapper errors;
    private final Ids ids;
    private final RequestStart started;
    private final boolean publicHttps;
    private final ConsentPages consent;
    private final java.util.function.Predicate<Context> admin;

    /** The cookie that binds a request's start mark to this browser (see {@link RequestStart}). */
    public static final String BROWSER_COOKIE = "gh_authz";

    public AuthorizeEndpoint(AuthorizationServers servers, Authorization authorization, SessionCookie sessions, Pages pages,
                             ErrorMapper errors, Ids ids, RequestStart started, boolean publicHttps, ConsentPages consent,
                             java.util.function.Predicate<Context> admin) {
        this.admin = admin;
        this.consent = consent;
        this.started = started;
        this.publicHttps = publicHttps;
        this.servers = servers;
        this.authorization = authorization;
        this.sessions = sessions;
        this.pages = pages;
        this.errors = errors;
        this.ids = ids;
    }

    public void handle(Context ctx, String serverId) {
        Optional<AuthorizationServer> server = servers.find(serverId).filter(AuthorizationServer::active);
        if (server.isEmpty()) {
            errors.writePage(ctx, 404, "Authorization server not found", "There is no active authorization server at this address.");
            return;
        }
        Map<String, List<String>> all = ctx.method() == HandlerType.POST ? ctx.formParamMap() : ctx.queryParamMap();
        Map<String, String> params = params(all);
        AuthorizeRequest request = AuthorizeRequest.ofAll(all);
        // Okta's sessionToken (issue #20): a finished Authentication API transaction signs the browser in here, once. A token
        // that is not good means no session for this request (prompt=none: login_required), never the browser's old one.
        String sessionToken = params.get("sessionToken");
        // A request that cannot answer any app (Authorization.untrustedTarget) leaves the token unused and the browser as it was.
        var session = sessionToken == null ? sessions.current(ctx)
                : authorization.untrustedTarget(request).isPresent() ? Optional.<dev.gatehouse.sessions.Sessions.Current>empty()
                : sessions.redeem(ctx, Edge.event(ctx, Actor.anonymous()), sessionToken);
        java.time.Instant began = started.read(params.get(STARTED), dev.gatehouse.http.Cookies.get(ctx, BROWSER_COOKIE, publicHttps));
        AuthorizeOutcome outcome = authorization.decide(server.get(), servers.issuer(server.get()), request, session,
                Edge.event(ctx, session.map(s -> s.actor()).orElse(Actor.anonymous())), began);
        switch (outcome) {
            case AuthorizeOutcome.ErrorPage e -> errors.writePage(ctx, e.status(), "Sign-in request not accepted",
                    "Error code " + e.error() + ": " + e.description(), developerDetail(ctx, e));
            case AuthorizeOutcome.SignIn s -> signIn(ctx, params, s, began);
            case AuthorizeOutcome.StepUp s -> away(ctx, (s.enroll() ? ENROLL : VERIFY) + "?fromURI="
                    + enc(ctx.path() + "?" + query(carried(ctx, params, began))));
            case AuthorizeOutcome.Consent c -> {
                String back = ctx.path() + "?" + query(afterConsent(carried(ctx, params, began)));
                away(ctx, back.length() > MAX_LOCATION ? back : consent.open(c, back));   // too long: the page that says so
            }
            case AuthorizeOutcome.Respond r -> respond(ctx, r);
        }
    }

    /**
     * What the developer of the app learns (issue #21): an admin of this org, signed in to the console in this browser, the
     * exact difference from the closest registered URI; anyone else only where an admin sees it, so the page tells an
     * attacker nothing about the app's registered URIs.
     */
    private String developerDetail(Context ctx, AuthorizeOutcome.ErrorPage e) {
        if (e.adminDetail() == null) {
            return null;
        }
        return admin.test(ctx) ? e.adminDetail()
                : "An administrator of this org sees what differs, and can fix it, on the app's Troubleshoot tab in the Admin Console.";
    }

    /** The consent page was answered with Allow: the request continues without asking again (prompt=consent is spent). */
    private static Map<String, String> afterConsent(Map<String, String> carried) {
        if (carried.containsKey("prompt") && carried.get("prompt").contains("consent")) {
            carried.remove("prompt");
        }
        return carried;
    }

    /** Sends the person to the hosted sign-in page, which returns to this same request (without prompt/max_age once satisfied). */
    private void signIn(Context ctx, Map<String, String> params, AuthorizeOutcome.SignIn s, java.time.Instant began) {
        Map<String, String> again = carried(ctx, params, began);
        if (s.reauthenticate()) {
            String prompt = again.remove("prompt");
            if (prompt != null && prompt.contains("consent")) {
                again.put("prompt", "consent");   // "login consent": the sign-in is done, the consent is still to ask
            }
            again.remove("max_age");
        }
        String back = ctx.path() + "?" + query(again);
        String target = "/signin?fromURI=" + enc(back) + (s.reauthenticate() ? "&prompt=login" : "")
                + (s.loginHint() == null ? "" : "&login_hint=" + enc(s.loginHint()));
        away(ctx, target);
    }

    /** The known parameters, and when this authorization request began (signed), for the way back. */
    private Map<String, String> carried(Context ctx, Map<String, String> params, java.time.Instant began) {
        Map<String, String> out = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (CARRIED.contains(k) && !k.equals(STARTED)) {
                out.put(k, v);
            }
        });
        String browser = dev.gatehouse.http.Cookies.get(ctx, BROWSER_COOKIE, publicHttps);
        if (browser == null || browser.length() > 64) {
            browser = ids.base62(32);
            dev.gatehouse.http.Cookies.set(ctx, BROWSER_COOKIE, browser, publicHttps, dev.gatehouse.http.Cookies.SameSite.LAX);
        }
        out.put(STARTED, started.mark(began, browser));
        return out;
    }

    /** A redirect to a hosted page, unless it would be too long for a header: then a page that says so. */
    private void away(Context ctx, String location) {
        if (location.length() > MAX_LOCATION) {
            errors.writePage(ctx, 400, "Sign-in request not accepted",
                    "Error code invalid_request: The authorization request is too long to continue through the sign-in page.");
            return;
        }
        ctx.redirect(location, HttpStatus.FOUND);
    }

    private void respond(Context ctx, AuthorizeOutcome.Respond r) {
        respond(ctx, r, pages, ids);
    }

    /** Delivers an answer at the client's redirect URI in its response mode (the consent page's refusal too). */
    static void respond(Context ctx, AuthorizeOutcome.Respond r, Pages pages, Ids ids) {
        switch (r.mode()) {
            case QUERY -> ctx.redirect(r.redirectUri() + (r.redirectUri().contains("?") ? "&" : "?") + query(r.params()), HttpStatus.FOUND);
            case FRAGMENT -> ctx.redirect(r.redirectUri() + "#" + query(r.params()), HttpStatus.FOUND);
            case FORM_POST -> {
                String nonce = ids.base62(22);
                ctx.header("Content-Security-Policy", "default-src 'none'; script-src 'nonce-" + nonce + "'; form-action "
                        + origin(r.redirectUri()) + "; frame-ancestors 'none'; base-uri 'none'");
                pages.render(ctx, "oauth/form-post.jte", new ResponsePage(r.redirectUri(), origin(r.redirectUri()), r.params(), nonce));
            }
            case OKTA_POST_MESSAGE -> {
                // Served from the issuer's origin, framed only by the client's own origin, posting only to it.
                String nonce = ids.base62(22);
                String origin = origin(r.redirectUri());
                ctx.removeHeader("X-Frame-Options");
                ctx.header("Content-Security-Policy", "default-src 'none'; script-src 'nonce-" + nonce + "'; frame-ancestors " + origin
                        + "; base-uri 'none'");
                pages.render(ctx, "oauth/post-message.jte", new ResponsePage(r.redirectUri(), origin, r.params(), nonce));
            }
        }
    }

    private static Map<String, String> params(Map<String, List<String>> raw) {
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.put(k, v.getFirst());
            }
        });
        return out;
    }

    static String origin(String uri) {
        URI u = URI.create(uri);
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    private static String query(Map<String, String> params) {
        return params.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
