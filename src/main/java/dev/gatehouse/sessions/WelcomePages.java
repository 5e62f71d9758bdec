package dev.gatehouse.sessions;

import dev.gatehouse.directory.Activations;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.http.Csrf;
import dev.gatehouse.http.Edge;
import dev.gatehouse.http.Pages;
import dev.gatehouse.http.Routes;
import dev.gatehouse.syslog.Actor;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The activation link's page (issue #19): {@code /welcome/{token}}, Okta's Classic path, and {@code /tokens/{token}/verify},
 * Okta's Identity Engine path, for links written for either. GET only shows the form (a mail scanner that fetches the
 * link uses nothing up); the POST sets the password, which uses the link and makes the user ACTIVE, then signs the person
 * in and goes on to the enrollment the policy requires, else home. The token is in the path, so the access log and the
 * System Log write {@code /welcome/{token}} instead (HttpServer.loggedPath, Edge.event); and every page is served with
 * {@code Referrer-Policy: no-referrer} (SecurityHeaders), set here again so the page keeps it whatever the default becomes.
 */
public final class WelcomePages implements Routes {

    public static final String WELCOME = "/welcome/{token}";
    public static final String OKTA_IE_WELCOME = "/tokens/{token}/verify";

    /** The model of {@code sessions/welcome.jte}. */
    public record WelcomePage(String orgName, String login, List<String> rules, List<String> errors, String action, String csrf) {
    }

    /** The model of {@code sessions/welcome-invalid.jte}. */
    public record InvalidPage(String orgName) {
    }

    private final Activations activations;
    private final Sessions sessions;
    private final SessionCookie cookie;
    private final Csrf csrf;
    private final Pages pages;
    private final String orgName;
    private final Predicate<String> mayStartSession;
    private final Function<String, String> next;

    /**
     * @param mayStartSession whether the global session policy lets this user (by id) have a session
     * @param next            where a newly activated user (by id) goes once signed in: the enrollment the policy requires, or home
     */
    public WelcomePages(Activations activations, Sessions sessions, SessionCookie cookie, Csrf csrf, Pages pages, String orgName,
                        Predicate<String> mayStartSession, Function<String, String> next) {
        this.activations = activations;
        this.sessions = sessions;
        this.cookie = cookie;
        this.csrf = csrf;
        this.pages = pages;
        this.orgName = orgName;
        this.mayStartSession = mayStartSession;
        this.next = next;
    }

    @Override
    public void register(RoutesConfig r) {
        r.get(WELCOME, this::show);
        r.post(WELCOME, this::submit);
        r.get(OKTA_IE_WELCOME, this::show);
        r.post(OKTA_IE_WELCOME, this::submit);
    }

    void show(Context ctx) {
        ctx.header("Referrer-Policy", "no-referrer");
        var who = activations.peek(ctx.pathParam("token"));
        if (who.isEmpty()) {
            invalid(ctx);
            return;
        }
        form(ctx, 200, who.get().login(), List.of());
    }

    void submit(Context ctx) {
        ctx.header("Referrer-Policy", "no-referrer");
        String token = ctx.pathParam("token");
        String password = ctx.formParam("password");
        String confirm = ctx.formParam("confirm");
        var who = activations.peek(token);
        if (who.isEmpty()) {
            invalid(ctx);
            return;
        }
        if (password == null || password.isEmpty() || password.length() > Sessions.MAX_PASSWORD) {
            form(ctx, 400, who.get().login(), List.of("Enter a password that meets the requirements."));
            return;
        }
        if (!password.equals(confirm)) {
            form(ctx, 400, who.get().login(), List.of("The two passwords do not match."));
            return;
        }
        var event = Edge.event(ctx, Actor.user(who.get().userId(), who.get().login(), who.get().name()));
        dev.gatehouse.directory.User user;
        try {
            user = activations.complete(event, token, password);
        } catch (Activations.InvalidLink gone) {
            invalid(ctx);
            return;
        } catch (ApiError broken) {
            form(ctx, 400, who.get().login(), broken.causes().stream().map(ApiError.Cause::message).distinct().toList());
            return;
        }
        // Signs in with the password just set, through the one sign-in path (its checks, its user.session.start event).
        var started = sessions.signIn(event, user.profile().login(), password);
        if (started.isEmpty() || !mayStartSession.test(user.id())) {
            started.ifPresent(s -> sessions.end(event, new Sessions.Current(s.session(), s.user())));
            ctx.redirect(SignInRoutes.SIGN_IN, HttpStatus.SEE_OTHER);
            return;
        }
        cookie.set(ctx, started.get().cookieValue());
        ctx.redirect(next.apply(user.id()), HttpStatus.SEE_OTHER);
    }

    private void form(Context ctx, int status, String login, List<String> errors) {
        ctx.status(status);
        pages.render(ctx, "sessions/welcome.jte", new WelcomePage(orgName, login, activations.passwordRules(), errors,
                ctx.path(), csrf.token(ctx)));
    }

    /** Expired, used, replaced, tampered or unknown: one page, 410, nothing changed, what to do next. */
    private void invalid(Context ctx) {
        ctx.status(HttpStatus.GONE);
        pages.render(ctx, "sessions/welcome-invalid.jte", new InvalidPage(orgName));
    }
}
