package dev.gatehouse.oauth.servers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppSettings.GrantType;
import dev.gatehouse.apps.Apps;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import dev.gatehouse.directory.User;
import dev.gatehouse.oauth.OidcScopes;
import dev.gatehouse.oauth.issued.ClaimsSigner;
import io.javalin.http.Context;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An authorization server's Token Preview in the Admin Console (Security › API › Authorization Servers › a server ›
 * Token Preview), as at Okta: pick an app, a grant type, a person and scopes, and see which access policy and rule
 * would match (or why none does) and the payloads of the access and ID tokens that would be issued. It issues, signs and
 * records nothing, and writes no System Log event: the answer comes from the token path's own evaluation
 * ({@link AccessPolicyEvaluator#explain}) and claim building ({@link ClaimsSigner#preview}). A POST (through the one CSRF
 * mechanism like every console form) so that the person's username does not travel in a URL.
 */
public final class TokenPreviewPages {

    /**
     * The grant types a preview may ask about: those Gatehouse issues tokens for at sign-in (a refresh keeps the sign-in's
     * rule and is never evaluated again; Gatehouse has no implicit or password grant).
     */
    static final List<GrantType> GRANT_TYPES = List.of(GrantType.AUTHORIZATION_CODE, GrantType.CLIENT_CREDENTIALS);

    /** Which scopes need consent first, as /authorize and /token ask it (the consent package's Consents). */
    public interface Consent {
        /** The requested scopes the person must consent to before a code is issued (none when already granted). */
        List<String> toAsk(AuthorizationServer server, App app, String userId, List<String> scopes);

        /** The requested scopes a service may never get (consent REQUIRED: there is nobody to ask). */
        List<String> refusedToClients(AuthorizationServer server, List<String> scopes);
    }

    /** The form's fields, as typed. */
    public record Form(String clientId, String grantType, String user, String scopes) {
        static final Form EMPTY = new Form("", GrantType.AUTHORIZATION_CODE.wire(), "", "openid profile email");
    }

    /** One app in the picker. */
    public record Client(String clientId, String label) {
    }

    /** The answer: the problems with the form, or the evaluation's steps and (when it matched) the two payloads as JSON. */
    public record Result(List<String> problems, List<String> steps, boolean matched, String policy, String rule, String lifetimes,
                         String accessToken, String idToken) {
        static Result problems(List<String> problems) {
            return new Result(problems, List.of(), false, null, null, null, null, null);
        }
    }

    /** The model of {@code oauth/token-preview.jte}. */
    public record PreviewPage(ConsoleFrame frame, AuthorizationServer server, List<Client> clients, List<String> grantTypes, Form form,
                              Result result) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int MAX_SCOPES = 50;

    private final Console console;
    private final AuthorizationServers servers;
    private final Scopes scopes;
    private final Apps apps;
    private final AccessPolicyEvaluator evaluator;
    private final ClaimsSigner signer;
    private final Function<String, Optional<User>> users;
    private final Function<String, List<String>> groupNames;
    private final BiFunction<String, String, Boolean> assigned;
    private final Consent consent;
    private final Clock clock;

    /**
     * @param users      a person by login or id
     * @param groupNames a person's group names (for the {@code groups} scope), as the token path reads them
     * @param assigned   whether (app id, user id) is assigned, as /authorize checks it
     */
    public TokenPreviewPages(Console console, AuthorizationServers servers, Scopes scopes, Apps apps, AccessPolicyEvaluator evaluator,
                             ClaimsSigner signer, Function<String, Optional<User>> users, Function<String, List<String>> groupNames,
                             BiFunction<String, String, Boolean> assigned, Consent consent, Clock clock) {
        this.console = console;
        this.servers = servers;
        this.scopes = scopes;
        this.apps = apps;
        this.evaluator = evaluator;
        this.signer = signer;
        this.users = users;
        this.groupNames = groupNames;
        this.assigned = assigned;
        this.consent = consent;
        this.clock = clock;
    }

    public void show(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        render(ctx, s, Form.EMPTY, null);
    }

    public void preview(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        Form form = new Form(param(ctx, "clientId"), param(ctx, "grantType"), param(ctx, "user"), param(ctx, "scopes"));
        render(ctx, s, form, evaluate(s, form));
    }

    /** Everything /authorize and /token would check before issuing, in their order, then the payloads. */
    Result evaluate(AuthorizationServer s, Form form) {
        List<String> problems = new ArrayList<>();
        Optional<App> app = form.clientId().isBlank() ? Optional.empty() : apps.findByClientId(form.clientId().strip());
        if (app.isEmpty()) {
            problems.add("Choose the app (client) to preview tokens for.");
        }
        Optional<GrantType> grant = GRANT_TYPES.stream().filter(g -> g.wire().equals(form.grantType())).findFirst();
        if (grant.isEmpty()) {
            problems.add("Choose a grant type: " + GRANT_TYPES.stream().map(GrantType::wire).toList() + ".");
        }
        List<String> asked = Arrays.stream(form.scopes().strip().split("[\\s,]+")).filter(x -> !x.isBlank()).distinct().toList();
        if (asked.size() > MAX_SCOPES) {
            problems.add("Ask for at most " + MAX_SCOPES + " scopes.");
        }
        Set<String> known = Set.copyOf(scopes.list(s.id()).stream().map(Scope::name).toList());
        List<String> unknown = asked.stream().filter(x -> !known.contains(x)).limit(5).toList();
        if (!unknown.isEmpty()) {
            problems.add("This authorization server has no scope " + String.join(", ", unknown) + ".");
        }
        boolean withUser = grant.isPresent() && grant.get() != GrantType.CLIENT_CREDENTIALS;
        Optional<User> user = Optional.empty();
        if (withUser) {
            user = form.user().isBlank() ? Optional.empty() : users.apply(form.user().strip());
            if (user.isEmpty()) {
                problems.add(form.user().isBlank() ? "Enter the username (login) of the person to preview tokens for."
                        : "No person has the username " + form.user().strip() + ".");
            }
        }
        if (!problems.isEmpty()) {
            return Result.problems(problems);
        }
        App a = app.get();
        if (!a.settings().grantTypes().contains(grant.get())) {
            problems.add("The app " + a.label() + " does not allow the grant type " + grant.get().wire() + " (its grant types: "
                    + a.settings().grantTypes().stream().map(GrantType::wire).toList() + ").");
        }
        if (withUser && !assigned.apply(a.id(), user.get().id())) {
            problems.add("User is not assigned to the client application.");
        }
        if (withUser && user.get().status() != User.Status.ACTIVE) {
            problems.add("The person " + user.get().profile().login() + " is not active and cannot sign in.");
        }
        if (!withUser) {
            // As ClientCredentialsGrant: only this server's custom scopes, and none whose consent is REQUIRED.
            Set<String> custom = Set.copyOf(scopes.list(s.id()).stream().filter(x -> !x.system()).map(Scope::name).toList());
            List<String> notAllowed = asked.stream().filter(x -> !custom.contains(x)).toList();
            if (asked.isEmpty() || !notAllowed.isEmpty()) {
                problems.add(asked.isEmpty() ? "Client credentials need at least one custom scope."
                        : "The following scopes are not allowed: " + notAllowed + ". (Client credentials ask only for this server's custom scopes.)");
            }
            List<String> refused = consent.refusedToClients(s, asked);
            if (!refused.isEmpty()) {
                problems.add("The following scopes require user consent and cannot be granted for the client credentials grant type: "
                        + refused + ".");
            }
            if (!problems.isEmpty()) {
                return Result.problems(problems);
            }
        }
        String userId = withUser ? user.get().id() : null;
        AccessPolicyEvaluator.Explanation e = evaluator.explain(s, a.clientId(), userId, grant.get().wire(), asked);
        if (!e.matched()) {
            return new Result(List.of(), e.steps(), false, null, null, null, null, null);
        }
        List<String> steps = new ArrayList<>(e.steps());
        if (asked.contains(OidcScopes.OFFLINE_ACCESS) && (!a.settings().grantTypes().contains(GrantType.REFRESH_TOKEN)
                || (e.rule() != null && !e.rule().grantTypes().contains(GrantType.REFRESH_TOKEN.wire())))) {
            asked = asked.stream().filter(x -> !OidcScopes.OFFLINE_ACCESS.equals(x)).toList();
            steps.add("offline_access would not be granted (no refresh token): the " + (a.settings().grantTypes().contains(GrantType.REFRESH_TOKEN)
                    ? "rule" : "app") + " does not allow the refresh_token grant.");
        }
        if (withUser) {
            List<String> ask = consent.toAsk(s, a, userId, asked);
            if (!ask.isEmpty()) {
                steps.add("The person would first be asked to consent to " + String.join(", ", ask) + " (Allow Access issues the tokens below).");
            }
        }
        TokenLifetimes lifetimes = e.rule() == null ? s.lifetimes() : RuleLifetimes.of(e.rule()).on(s);
        String said = "Access token " + minutes(lifetimes.accessToken()) + "; refresh token " + (lifetimes.refreshTokensUnlimited()
                ? "without a lifetime limit" : "for at most " + minutes(lifetimes.refreshTokenMax())) + ", expiring when unused for "
                + minutes(lifetimes.refreshTokenIdle()) + ".";
        List<String> groups = withUser && asked.contains("groups") ? groupNames.apply(userId) : null;
        ClaimsSigner.Grant g = new ClaimsSigner.Grant(s, servers.issuer(s), a.clientId(), withUser ? user.get() : null, asked,
                clock.instant(), withUser ? List.of("pwd") : List.of(), null, null, groups, lifetimes);
        ClaimsSigner.Preview p;
        try {
            p = signer.preview(g);
        } catch (RuntimeException ex) {
            return new Result(List.of("The tokens cannot be built: " + ex.getMessage()), steps, true, name(e.policy()), ruleName(e.rule()),
                    said, null, null);
        }
        return new Result(List.of(), steps, true, name(e.policy()), ruleName(e.rule()), said, json(p.accessToken()),
                p.idToken() == null ? null : json(p.idToken()));
    }

    private static String minutes(java.time.Duration d) {
        long m = d.toMinutes();
        return m % 1440 == 0 ? (m / 1440) + (m == 1440 ? " day" : " days") : m % 60 == 0 ? (m / 60) + (m == 60 ? " hour" : " hours")
                : m + (m == 1 ? " minute" : " minutes");
    }

    private static String name(AccessPolicy p) {
        return p == null ? null : p.name();
    }

    private static String ruleName(AccessRule r) {
        return r == null ? null : r.name();
    }

    private static String json(JWTClaimsSet claims) {
        Map<String, Object> out = new LinkedHashMap<>();
        claims.toJSONObject().forEach(out::put);
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            return String.valueOf(out);
        }
    }

    private void render(Context ctx, AuthorizationServer s, Form form, Result result) {
        List<Client> clients = apps.list(null, null, null, 200).stream().map(a -> new Client(a.clientId(), a.label())).toList();
        console.render(ctx, "oauth/token-preview.jte", new PreviewPage(console.frame(ctx, Nav.AUTHORIZATION_SERVERS), s, clients,
                GRANT_TYPES.stream().map(GrantType::wire).toList(), form, result));
    }

    private static String param(Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null ? "" : v.length() > 2_000 ? v.substring(0, 2_000) : v;
    }
}
