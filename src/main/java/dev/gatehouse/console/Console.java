package dev.gatehouse.console;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.http.Csrf;
import dev.gatehouse.http.Edge;
import dev.gatehouse.http.ErrorMapper;
import dev.gatehouse.http.Pages;
import dev.gatehouse.http.RateLimitFamily;
import dev.gatehouse.http.RateLimitFilter;
import dev.gatehouse.syslog.EventContext;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Admin Console plumbing every page uses: the gate (signed in, super admin, CSRF on every POST),
 * the frame around each page, and rendering. Capability pages (PeoplePages, TokenPages …) call it.
 */
public final class Console {

    private static final String CURRENT = "gatehouse.console.current";

    /** The signed-in person of a request (read once per request), or empty. */
    public interface Access {
        Optional<ConsoleUser> current(Context ctx);
    }

    private final Access access;
    private final Csrf csrf;
    private final Pages pages;
    private final ErrorMapper errors;
    private final String orgName;
    private final RateLimitFilter rateLimits;

    public Console(Access access, Csrf csrf, Pages pages, ErrorMapper errors, String orgName, RateLimitFilter rateLimits) {
        this.rateLimits = rateLimits;
        this.access = access;
        this.csrf = csrf;
        this.pages = pages;
        this.errors = errors;
        this.orgName = orgName;
    }

    /**
     * Runs before every /admin request: anonymous → sign-in page and back; non-admin → 403. Every POST has already passed
     * {@link Csrf} (the one filter for every form), which answers a refused one with {@link ErrorMapper#formExpired}.
     */
    /**
     * Whether this browser is signed in to the Admin Console right now (a super admin whose sign-in is complete), without
     * answering anything: for pages outside /admin that show an admin more than anyone else (the developer error page at
     * /authorize, issue #21).
     */
    public boolean isAdmin(Context ctx) {
        return access.current(ctx).filter(u -> u.superAdmin() && u.pendingStep() == null).isPresent();
    }

    public void gate(Context ctx) {
        var current = access.current(ctx);
        if (current.isEmpty()) {
            String back = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
            if (ctx.method() != HandlerType.GET) {
                back = "/admin";
            }
            ctx.redirect("/signin?fromURI=" + URLEncoder.encode(back, StandardCharsets.UTF_8), HttpStatus.FOUND);
            ctx.skipRemainingHandlers();
            return;
        }
        String userId = current.get().id();
        if (!current.get().superAdmin()) {
            errors.writePage(ctx, 403, "Admin Console access denied",
                    "You are signed in as " + current.get().login()
                            + ", who is not an administrator. Ask a super administrator for the role, or sign out and sign in as one.");
            ctx.skipRemainingHandlers();
            return;
        }
        if (ConsoleUser.DENIED.equals(current.get().pendingStep())) {
            errors.writePage(ctx, 403, "Sign-in not allowed", "Your organization's global session policy does not allow "
                    + current.get().login() + " to use the Admin Console. Ask another administrator for help.");
            ctx.skipRemainingHandlers();
            return;
        }
        if (current.get().pendingStep() != null) {
            // The global session policy asks this session for a second factor (or an enrollment) first: the hosted step,
            // then back here. A POST goes back to the console's home: its form is not re-sent.
            String back = ctx.method() == HandlerType.GET ? ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()) : "/admin";
            ctx.redirect(current.get().pendingStep() + "?fromURI=" + URLEncoder.encode(back, StandardCharsets.UTF_8),
                    ctx.method() == HandlerType.GET ? HttpStatus.FOUND : HttpStatus.SEE_OTHER);
            ctx.skipRemainingHandlers();
            return;
        }
        // Per person and per route, as Okta's "40 requests per user per 10 seconds per endpoint" for its Admin Console.
        if (!rateLimits.admit(ctx, RateLimitFamily.CONSOLE, userId + " " + ctx.method().name() + " " + route(ctx))) {
            ctx.skipRemainingHandlers();
            return;
        }
        ctx.attribute(CURRENT, current.get());
    }

    /** The matched route's template (e.g. {@code /admin/people/{id}}), so ids in the path do not make new buckets. */
    private static String route(Context ctx) {
        try {
            var endpoint = ctx.endpoints().matchedHttpEndpoint();
            return endpoint == null ? ctx.path() : endpoint.path;
        } catch (RuntimeException e) {
            return ctx.path();
        }
    }

    public ConsoleUser current(Context ctx) {
        return ctx.attribute(CURRENT);
    }

    public EventContext event(Context ctx) {
        return Edge.event(ctx, current(ctx).actor());
    }

    public ConsoleFrame frame(Context ctx, Nav active) {
        var u = current(ctx);
        return new ConsoleFrame(orgName, u.name(), u.login(), csrf.token(ctx), active, u.secondFactor());
    }

    public void render(Context ctx, String template, Object page) {
        pages.render(ctx, template, page);
    }

    /** After a successful POST: back to a page with a GET (303), so a reload never re-submits. */
    public static void seeOther(Context ctx, String location) {
        ctx.redirect(location, HttpStatus.SEE_OTHER);
    }

    /** The messages of a validation error, for showing inline next to the form. */
    public static List<String> messages(ApiError e) {
        return e.causes().isEmpty() ? List.of(e.summary()) : e.causes().stream().map(ApiError.Cause::summary).toList();
    }
}
