package dev.gatehouse.sessions;

import dev.gatehouse.http.Csrf;
import dev.gatehouse.http.Edge;
import dev.gatehouse.http.Pages;
import dev.gatehouse.syslog.Actor;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/** The hosted sign-in and sign-out pages. */
public final class SignInPages {

    /** The model of {@code sessions/signin.jte}. */
    public record SignInPage(String orgName, String username, String error, String notice, String fromUri, String csrf) {
    }

    /** The model of {@code sessions/signout.jte}. */
    public record SignOutPage(String orgName, String who, String csrf) {
    }

    /** Shown for every failed sign-in, whatever the reason, so the page never tells whether an account exists. */
    public static final String FAILED = "Unable to sign in. Check your username and password, or ask your administrator for help.";

    private final Sessions sessions;
    private final SessionCookie cookie;
    private final Csrf csrf;
    private final Pages pages;
    private final String orgName;

    public SignInPages(Sessions sessions, SessionCookie cookie, Csrf csrf, Pages pages, String orgName) {
        this.sessions = sessions;
        this.cookie = cookie;
        this.csrf = csrf;
        this.pages = pages;
        this.orgName = orgName;
    }

    public void show(Context ctx) {
        String target = safeTarget(ctx.queryParam("fromURI"));
        boolean reauthenticate = "login".equals(ctx.queryParam("prompt"));
        if (cookie.current(ctx).isPresent() && ctx.queryParam("fromURI") != null && !reauthenticate) {
            ctx.redirect(target, HttpStatus.SEE_OTHER);
            return;
        }
        String notice = ctx.queryParam("signedOut") != null ? "You have signed out." : null;
        String hint = ctx.queryParam("login_hint");
        render(ctx, 200, hint == null ? "" : hint, null, notice, target);
    }

    public void submit(Context ctx) {
        String target = safeTarget(ctx.formParam("fromURI"));
        String username = ctx.formParam("username");
        if (!csrf.valid(ctx)) {
            render(ctx, 403, username, "This sign-in form expired. Please try again.", null, target);
            return;
        }
        var started = sessions.signIn(Edge.event(ctx, Actor.anonymous()), username, ctx.formParam("password"));
        if (started.isEmpty()) {
            render(ctx, 401, username, FAILED, null, target);
            return;
        }
        cookie.set(ctx, started.get().cookieValue());
        // 303: the browser follows with a GET and never re-posts the credentials (RFC 9700 §4.12).
        ctx.redirect(target, HttpStatus.SEE_OTHER);
    }

    public void confirmSignOut(Context ctx) {
        var current = cookie.current(ctx);
        if (current.isEmpty()) {
            ctx.redirect("/signin?signedOut", HttpStatus.SEE_OTHER);
            return;
        }
        pages.render(ctx, "sessions/signout.jte", new SignOutPage(orgName, current.get().user().profile().login(), csrf.token(ctx)));
    }

    public void signOut(Context ctx) {
        var current = cookie.current(ctx);
        if (!csrf.valid(ctx)) {
            ctx.status(403);
            pages.render(ctx, "sessions/signout.jte", new SignOutPage(orgName,
                    current.map(c -> c.user().profile().login()).orElse(""), csrf.token(ctx)));
            return;
        }
        current.ifPresent(c -> sessions.end(Edge.event(ctx, c.actor()), c));
        cookie.clear(ctx);
        ctx.redirect("/signin?signedOut", HttpStatus.SEE_OTHER);
    }

    private void render(Context ctx, int status, String username, String error, String notice, String target) {
        ctx.status(status);
        pages.render(ctx, "sessions/signin.jte", new SignInPage(orgName, username == null ? "" : username, error, notice, target, csrf.token(ctx)));
    }

    /**
     * Where to go after signing in: only a path on Gatehouse itself. Absolute URLs, protocol-relative
     * ({@code //evil}) and backslash tricks fall back to the start page, so the page is no open redirector.
     */
    static String safeTarget(String fromUri) {
        if (fromUri == null || fromUri.isBlank() || !fromUri.startsWith("/") || fromUri.startsWith("//")
                || fromUri.startsWith("/\\") || fromUri.chars().anyMatch(c -> c < 0x20 || c == '\\')) {
            return "/";
        }
        return fromUri;
    }
}
