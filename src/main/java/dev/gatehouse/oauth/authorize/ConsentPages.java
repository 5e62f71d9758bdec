package dev.gatehouse.oauth.authorize;

import dev.gatehouse.http.Csrf;
import dev.gatehouse.http.Edge;
import dev.gatehouse.http.ErrorMapper;
import dev.gatehouse.http.Pages;
import dev.gatehouse.http.Routes;
import dev.gatehouse.oauth.OAuthError;
import dev.gatehouse.oauth.OAuthRefusals;
import dev.gatehouse.oauth.consent.Consents;
import dev.gatehouse.sessions.SessionCookie;
import dev.gatehouse.sessions.Sessions;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.Target;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The hosted consent page ({@code /signin/consent}, research notes §7.2): "<b>{app}</b> would like to access:", each scope's
 * display name and description, Allow Access / Don't Allow. How a consent is bound (docs/SECURITY.md): /authorize stores a
 * consent request (the session, person, client, server, scopes and the request to resume) under a random id; the form
 * carries only that id and the session-bound CSRF token ({@link Csrf}); the answer is accepted once, from the same session,
 * within ten minutes, and what is granted comes from the stored request, never from the form. Allow continues the
 * stored /authorize request (which now finds the grants); Don't Allow sends Okta's {@code access_denied} to the redirect URI.
 */
public final class ConsentPages implements Routes {

    public static final String PATH = "/signin/consent";
    /** Okta's generic access_denied text (errjson access_denied), used for Don't Allow (research notes §10.8). */
    public static final String DENIED = "The resource owner or authorization server denied the request.";

    /** The model of {@code oauth/consent.jte}. */
    public record ConsentPage(String appLabel, List<Consents.ScopeText> scopes, String requestId, String csrf, String login,
                              String orgName) {
    }

    private final Consents consents;
    private final SessionCookie sessions;
    private final Csrf csrf;
    private final Pages pages;
    private final ErrorMapper errors;
    private final Ids ids;
    private final OAuthRefusals refusals;
    private final String orgName;

    public ConsentPages(Consents consents, SessionCookie sessions, Csrf csrf, Pages pages, ErrorMapper errors, Ids ids,
                        OAuthRefusals refusals, String orgName) {
        this.consents = consents;
        this.sessions = sessions;
        this.csrf = csrf;
        this.pages = pages;
        this.errors = errors;
        this.ids = ids;
        this.refusals = refusals;
        this.orgName = orgName;
    }

    @Override
    public void register(RoutesConfig r) {
        r.get(PATH, this::show);
        r.post(PATH, this::answer);
    }

    /** Records the consent request of an authorization request that needs one; where to send the browser. */
    String open(AuthorizeOutcome.Consent c, String continueUri) {
        String id = consents.open(c.sessionId(), c.userId(), c.clientId(), c.serverId(), c.scopes(), continueUri, c.redirectUri(),
                c.mode().name(), c.state(), c.issuer());
        return PATH + "?request=" + id;
    }

    void show(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        Optional<Sessions.Current> current = sessions.current(ctx);
        Optional<Consents.Shown> shown = current.flatMap(c -> consents.show(ctx.queryParam("request"), c.session().id()));
        if (shown.isEmpty()) {
            invalid(ctx);
            return;
        }
        pages.render(ctx, "oauth/consent.jte", new ConsentPage(shown.get().app().label(), shown.get().scopes(), shown.get().requestId(),
                csrf.token(ctx), current.get().user().profile().login(), orgName));
    }

    void answer(Context ctx) {
        Optional<Sessions.Current> current = sessions.current(ctx);
        String decision = ctx.formParam("consent");
        if (current.isEmpty() || !("allow".equals(decision) || "deny".equals(decision))) {
            invalid(ctx);
            return;
        }
        Sessions.Current c = current.get();
        Consents.Answer answer = consents.answer(Edge.event(ctx, c.actor()), ctx.formParam("request"), c.session().id(), c.user().id(),
                "allow".equals(decision));
        switch (answer) {
            case Consents.Answer.Continue go -> ctx.redirect(go.uri(), HttpStatus.SEE_OTHER);
            case Consents.Answer.Denied denied -> {
                var r = denied.request();
                consents.server(r.serverId()).ifPresent(server -> refusals.record(Edge.event(ctx, c.actor()), server, "authorize",
                        "OAuth2 authorization request", OAuthError.ACCESS_DENIED.because(DENIED, "the user did not allow " + r.scopes())
                                .with(dev.gatehouse.syslog.Problem.of(dev.gatehouse.syslog.Cause.CONSENT_DENIED, String.join(" ", r.scopes()),
                                        Map.of("client_id", r.clientId(), "scope", String.join(" ", r.scopes()), "userId", c.user().id(),
                                                "login", c.user().profile().login()))),
                        Map.of(), consents.app(r.clientId()).map(a -> new Target[]{a.auditTarget()}).orElse(new Target[0])));
                Map<String, String> params = new LinkedHashMap<>();
                params.put("error", OAuthError.ACCESS_DENIED.code());
                params.put("error_description", DENIED);
                if (r.state() != null) {
                    params.put("state", r.state());
                }
                params.put("iss", r.issuer());
                AuthorizeEndpoint.respond(ctx, new AuthorizeOutcome.Respond(r.redirectUri(), ResponseMode.valueOf(r.responseMode()), params),
                        pages, ids);
            }
            case Consents.Answer.Invalid ignored -> invalid(ctx);
        }
    }

    private void invalid(Context ctx) {
        errors.writePage(ctx, 400, "Consent request not valid",
                "This consent request has expired, was already answered, or belongs to another sign-in. Nothing was granted. "
                        + "Go back to the app and sign in again.");
    }
}
