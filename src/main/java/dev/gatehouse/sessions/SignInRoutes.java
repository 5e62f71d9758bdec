package dev.gatehouse.sessions;

import dev.gatehouse.http.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpStatus;

/** The hosted sign-in surface: pages people see when an app or the console sends them to sign in. */
public final class SignInRoutes implements Routes {

    public static final String SIGN_IN = "/signin";
    public static final String SIGN_OUT = "/signout";
    /** Okta's classic sign-in address, kept so links written for Okta land on the sign-in page. */
    public static final String OKTA_SIGN_IN = "/login/login.htm";
    /**
     * Okta's classic sign-out address ({@code /login/signout?fromURI=…}). Okta signs out at once on this GET; Gatehouse
     * shows its sign-out confirmation instead (one click), because a GET that ends a session lets any site sign a person
     * out (logout CSRF). With no session it goes straight on to {@code fromURI}, under the usual return-target rules.
     */
    public static final String OKTA_SIGN_OUT = "/login/signout";

    /** Okta's session-cookie redirect for a one-time sessionToken (issue #20). */
    public static final String SESSION_COOKIE_REDIRECT = "/login/sessionCookieRedirect";

    private final SignInPages pages;

    public SignInRoutes(SignInPages pages) {
        this.pages = pages;
    }

    @Override
    public void register(RoutesConfig r) {
        r.get(SIGN_IN, pages::show);
        r.post(SIGN_IN, pages::submit);
        r.get(OKTA_SIGN_IN, ctx -> ctx.redirect(SIGN_IN + (ctx.queryString() == null ? "" : "?" + ctx.queryString()), HttpStatus.FOUND));
        r.get(SIGN_OUT, pages::confirmSignOut);
        r.get(OKTA_SIGN_OUT, ctx -> ctx.redirect(SIGN_OUT + (ctx.queryString() == null ? "" : "?" + ctx.queryString()), HttpStatus.FOUND));
        r.post(SIGN_OUT, pages::signOut);
        r.get(SESSION_COOKIE_REDIRECT, pages::sessionCookieRedirect);
    }
}
