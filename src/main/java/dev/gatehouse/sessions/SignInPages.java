package dev.gatehouse.sessions;

import dev.gatehouse.http.Csrf;
import dev.gatehouse.http.Edge;
import dev.gatehouse.http.Pages;
import dev.gatehouse.origins.ReturnTarget;
import dev.gatehouse.origins.ReturnTargets;
import dev.gatehouse.syslog.Actor;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/** The hosted sign-in and sign-out pages. */
public final class SignInPages {

    /** The model of {@code sessions/signin.jte}. */
    public record SignInPage(String orgName, String username, String error, String notice, String fromUri, String csrf) {
    }

    /** Where "Forgot password?" leads (Okta Identity Engine's path). */
    public static final String FORGOT_PASSWORD = "/signin/forgot-password";

    /** The model of {@code sessions/signout.jte}. */
    public record SignOutPage(String orgName, String who, String csrf, String fromUri) {
    }

    /** Shown for every failed sign-in, whatever the reason, so the page never tells whether an account exists. */
    public static final String FAILED = "Unable to sign in. Check your username and password, or ask your administrator for help.";

    private final Sessions sessions;
    private final SessionCookie cookie;
    private final Csrf csrf;
    private final Pages pages;
    private final String orgName;
    private final ReturnTargets returnTargets;

    private final java.util.function.Predicate<String> mayStartSession;

    /** Shown when the global session policy's rule denies the person (after the password was right). */
    public static final String DENIED = "Your organization's sign-in policy does not allow you to sign in. Ask your administrator for help.";

    /** @param mayStartSession whether the global session policy lets this user (by id) have a session at all */
    public SignInPages(Sessions sessions, SessionCookie cookie, Csrf csrf, Pages pages, String orgName, ReturnTargets returnTargets,
                       java.util.function.Predicate<String> mayStartSession) {
        this.mayStartSession = mayStartSession;
        this.returnTargets = returnTargets;
        this.sessions = sessions;
        this.cookie = cookie;
        this.csrf = csrf;
        this.pages = pages;
        this.orgName = orgName;
    }

    public void show(Context ctx) {
        String fromUri = ctx.queryParam("fromURI");
        ReturnTarget target = returnTargets.check(fromUri);
        boolean reauthenticate = "login".equals(ctx.queryParam("prompt"));
        if (cookie.current(ctx).isPresent() && fromUri != null && !reauthenticate) {
            follow(ctx, target, "You are signed in");
            return;
        }
        String notice = ctx.queryParam("signedOut") != null ? "You have signed out." : null;
        if (target instanceof ReturnTarget.Refused refused) {
            notice = "After you sign in you will stay on Gatehouse: the link that sent you here asks to continue to "
                    + refused.url() + ". " + refused.reason();
        }
        String hint = ctx.queryParam("login_hint");
        render(ctx, 200, hint == null ? "" : hint, null, notice, fromUri == null ? "/" : fromUri);
    }

    /** Where a sign-in step goes next: {@code fromUri} under the return-target rules (see {@link #follow}). */
    public void proceed(Context ctx, String fromUri, String heading) {
        follow(ctx, returnTargets.check(fromUri == null || fromUri.isBlank() ? "/" : fromUri), heading);
    }

    public void submit(Context ctx) {
        String target = ctx.formParam("fromURI") == null ? "/" : ctx.formParam("fromURI");
        String username = ctx.formParam("username");
        var attempt = sessions.attempt(Edge.event(ctx, Actor.anonymous()), username, ctx.formParam("password"));
        if (attempt instanceof Sessions.Attempt.PasswordExpired expired && passwordExpired != null) {
            passwordExpired.show(ctx, expired.user(), target);   // the right password, expired: choose a new one first
            return;
        }
        if (!(attempt instanceof Sessions.Attempt.SignedIn in)) {
            render(ctx, 401, username, FAILED, null, target);
            return;
        }
        signedIn(ctx, in.started(), username, target);
    }

    /** Shows the "your password has expired" form for a sign-in that gave the right, expired password. */
    @FunctionalInterface
    public interface PasswordExpiredForm {
        void show(Context ctx, dev.gatehouse.directory.User user, String fromUri);
    }

    private PasswordExpiredForm passwordExpired;

    /** Who answers a sign-in with the right password of a PASSWORD_EXPIRED user (the recovery pages; set once by Wiring). */
    public void onPasswordExpired(PasswordExpiredForm form) {
        this.passwordExpired = form;
    }

    /**
     * A session was started (a sign-in, or a reset that signs the person in): the global session policy may still deny
     * it (then it ends at once); otherwise the cookie is set and the person goes on to {@code target}.
     */
    public void signedIn(Context ctx, Sessions.Started started, String username, String target) {
        if (!mayStartSession.test(started.user().id())) {
            // The global session policy denies this person: the session just made ends at once (and is logged as ended).
            sessions.end(Edge.event(ctx, Actor.user(started.user().id(), started.user().profile().login(),
                    started.user().profile().name())), new Sessions.Current(started.session(), started.user()));
            render(ctx, 403, username, DENIED, null, target);
            return;
        }
        cookie.set(ctx, started.cookieValue());
        follow(ctx, returnTargets.check(target), "You are signed in");
    }

    /** Shown at {@code /login/sessionCookieRedirect} for a sessionToken that is not (or no longer) good. */
    public static final String TOKEN_INVALID = "That sign-in link has expired or was already used. Sign in here to continue.";

    /**
     * Okta's {@code /login/sessionCookieRedirect?token=…&redirectUrl=…} (issue #20; okta-auth-js
     * {@code session.setCookieAndRedirect}): the one-time sessionToken becomes this browser's session, then the browser
     * goes to {@code redirectUrl}, which must be a trusted REDIRECT origin (or a Gatehouse page): a refused target is
     * refused before the token is looked at, so it is not used up. A token that is not good sets nothing and shows the
     * sign-in form, which continues to the same target. Okta's {@code checkAccountSetupComplete} is accepted and ignored.
     */
    public void sessionCookieRedirect(Context ctx) {
        String redirectUrl = ctx.queryParam("redirectUrl");
        String to = redirectUrl == null || redirectUrl.isBlank() ? "/" : redirectUrl;
        ReturnTarget target = returnTargets.check(to);
        if (target instanceof ReturnTarget.Refused) {
            ctx.status(400);
            follow(ctx, target, "You were not signed in");
            return;
        }
        ctx.header("Referrer-Policy", "no-referrer");   // the token is in this address
        ctx.header("Cache-Control", "no-store");
        if (cookie.redeem(ctx, Edge.event(ctx, Actor.anonymous()), ctx.queryParam("token")).isEmpty()) {
            render(ctx, 401, "", TOKEN_INVALID, null, to);
            return;
        }
        follow(ctx, target, "You are signed in");
    }

    /** Shown when a client or a username has made too many sign-in attempts; says nothing about the account. */
    public static final String TOO_MANY = "Too many sign-in attempts. Wait a minute, then try again.";

    /**
     * The rate limiter's answer to {@code POST /signin} (status 429 already set): the same form, with a message, so the
     * person can try again once the wait is over. No password was checked and no lockout counter moved.
     */
    public void tooManyAttempts(Context ctx) {
        String target = ctx.formParam("fromURI") == null ? "/" : ctx.formParam("fromURI");
        render(ctx, 429, ctx.formParam("username"), TOO_MANY, null, target);
    }

    /** The sign-out page; {@code fromURI} (optional) is where to go afterwards, under the same policy as sign-in's. */
    public void confirmSignOut(Context ctx) {
        var current = cookie.current(ctx);
        String fromUri = ctx.queryParam("fromURI");
        if (current.isEmpty()) {
            signedOut(ctx, fromUri);
            return;
        }
        pages.render(ctx, "sessions/signout.jte", new SignOutPage(orgName, current.get().user().profile().login(), csrf.token(ctx),
                fromUri == null ? "" : fromUri));
    }

    /**
     * {@link Csrf}'s answer to a sign-in post it refused (another site's page, or a form from an earlier visit): the form
     * again, with a fresh token, and nothing checked. 403 is already set. The posted username is not shown again: the
     * form may have been filled by another site.
     */
    public void formExpired(Context ctx) {
        String target = ctx.formParam("fromURI") == null ? "/" : ctx.formParam("fromURI");
        render(ctx, 403, "", EXPIRED, null, target);
    }

    /** Shown when {@link Csrf} refused a sign-in post. */
    public static final String EXPIRED = "This sign-in form expired. Please try again.";

    /** {@link Csrf}'s answer to a sign-out post it refused: the confirmation again; the session goes on. 403 is already set. */
    public void signOutExpired(Context ctx) {
        var current = cookie.current(ctx);
        pages.render(ctx, "sessions/signout.jte", new SignOutPage(orgName,
                current.map(c -> c.user().profile().login()).orElse(""), csrf.token(ctx),
                ctx.formParam("fromURI") == null ? "" : ctx.formParam("fromURI")));
    }

    /** Signs out (the form's post; {@link Csrf} has checked it). */
    public void signOut(Context ctx) {
        var current = cookie.current(ctx);
        current.ifPresent(c -> sessions.end(Edge.event(ctx, c.actor()), c));
        cookie.clear(ctx);
        signedOut(ctx, ctx.formParam("fromURI"));
    }

    private void signedOut(Context ctx, String fromUri) {
        if (fromUri == null || fromUri.isBlank()) {
            ctx.redirect("/signin?signedOut", HttpStatus.SEE_OTHER);
        } else {
            follow(ctx, returnTargets.check(fromUri), "You have signed out");
        }
    }

    /**
     * Goes to a return target that {@link ReturnTargets} allows (303: the browser follows with a GET and never re-posts
     * credentials, RFC 9700 §4.12); a refused one leaves the person on a Gatehouse page that says why, never elsewhere.
     */
    public void follow(Context ctx, ReturnTarget target, String heading) {
        switch (target) {
            case ReturnTarget.Gatehouse g -> ctx.redirect(g.path(), HttpStatus.SEE_OTHER);
            case ReturnTarget.Trusted t -> ctx.redirect(t.url(), HttpStatus.SEE_OTHER);
            case ReturnTarget.Refused r -> {
                returnTargets.refused(r, ctx.path());
                pages.render(ctx, "origins/redirect-refused.jte", new ReturnTargets.RefusedPage(orgName, heading, r.url(), r.reason()));
            }
        }
    }

    private void render(Context ctx, int status, String username, String error, String notice, String target) {
        ctx.status(status);
        // An over-long username was refused unread; it is not echoed back into the page either.
        String shown = username == null || username.length() > Sessions.MAX_USERNAME ? "" : username;
        pages.render(ctx, "sessions/signin.jte", new SignInPage(orgName, shown, error, notice, target, csrf.token(ctx)));
    }
}
