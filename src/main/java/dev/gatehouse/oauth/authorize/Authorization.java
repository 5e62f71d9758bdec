package dev.gatehouse.oauth.authorize;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppSettings.GrantType;
import dev.gatehouse.apps.Apps;
import dev.gatehouse.oauth.GrantTypes;
import dev.gatehouse.oauth.OAuthError;
import dev.gatehouse.oauth.OAuthEvents;
import dev.gatehouse.oauth.OAuthFailure;
import dev.gatehouse.oauth.OAuthRefusals;
import dev.gatehouse.oauth.OidcScopes;
import dev.gatehouse.oauth.RepeatedParameters;
import dev.gatehouse.oauth.codes.AuthorizationCode;
import dev.gatehouse.oauth.codes.CodeStore;
import dev.gatehouse.oauth.servers.AccessPolicyEvaluator;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.RuleLifetimes;
import dev.gatehouse.sessions.Sessions;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.Cause;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.Problem;
import dev.gatehouse.syslog.Target;
import dev.gatehouse.syslog.LogText;
import dev.gatehouse.syslog.SystemLog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Decides an authorization request, in Okta's order: the client and its exact redirect URI first
 * (failures there get an error page, never a redirect), then everything else as an error sent back
 * to the redirect URI with {@code state} and {@code iss}; then the session, the assignment, and the
 * code. No Javalin here: {@link AuthorizeEndpoint} reads the request and writes the outcome.
 */
public final class Authorization {

    private static final Pattern STATE = Pattern.compile("[A-Za-z0-9,._\\-~]{1,1024}");
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_\\-]{43,128}");
    private static final Set<String> PROMPTS = Set.of("none", "login", "consent", "login consent", "consent login");
    /** The description of a request whose PKCE challenge this client used for a code that still lives. */
    public static final String CHALLENGE_REUSED = "The PKCE code challenge was already used. Each authorization request needs a new code_verifier.";
    /** Okta's wording for a max_age that is not a whole number from 0 to 2^31-1. */
    public static final String MAX_AGE_INVALID = "Invalid value for 'max_age' parameter. It should be within range 0 - 2^31-1.";
    /** The description of a request whose nonce this client used for a code that still lives. */
    public static final String NONCE_REUSED = "The 'nonce' parameter was already used. Each authorization request needs a new nonce.";

    private final Apps apps;
    private final Function<AuthorizationServer, Set<String>> customScopes;
    private final ConsentRules consent;
    private final Database db;
    private final CodeStore codes;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;
    private final String baseUrl;
    private final OAuthRefusals refusals;
    private final SignOnRules rules;
    private final AccessPolicyEvaluator accessPolicies;

    /** Okta's answer to prompt=none when the session exists but lacks a factor or is too old for the app's policy. */
    public static final String APP_SIGN_ON_REQUIRED = "The client specified not to prompt, but the client app requires re-authentication or MFA.";
    /** Okta's answer when acr_values asks for more than the person can do (OpenID Connect Unmet Authentication Requirements). */
    public static final String UNMET = "Unable to meet the authentication requirements imposed by 'acr_values' parameter.";
    /** Okta's answer when a policy asks for a second factor nobody can use or enroll. */
    public static final String NO_FACTORS = "The authorize request required an MFA prompt but the org has no factors configured.";
    /** Okta's consent_required text for prompt=none (research notes §7.1, errjson consent_required); {0}: the scopes. */
    public static final String CONSENT_REQUIRED = "The following scopes require user consent: [%s].";
    /** Okta's E0000057 wording, for an app sign-in policy rule that denies access. */
    public static final String DENIED_BY_POLICY = "Access to this application is denied due to a policy.";

    /**
     * @param customScopes  the names of a server's custom (non-system) scopes
     * @param consent       which requested scopes the person must consent to first
     */
    public Authorization(Apps apps, Function<AuthorizationServer, Set<String>> customScopes,
                         ConsentRules consent, Database db, CodeStore codes,
                         SystemLog log, Ids ids, Clock clock, String baseUrl, SignOnRules rules, AccessPolicyEvaluator accessPolicies) {
        this.rules = rules;
        this.accessPolicies = accessPolicies;
        this.apps = apps;
        this.customScopes = customScopes;
        this.consent = consent;
        this.db = db;
        this.codes = codes;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
        this.baseUrl = baseUrl;
        this.refusals = new OAuthRefusals(db, log);
    }

    /**
     * The refusals that end on Gatehouse's error page because neither the client nor where to answer can be trusted (a
     * repeated client_id or redirect_uri, an unknown or inactive client, an unregistered redirect URI); empty when the
     * request names a client and one of its redirect URIs. AuthorizeEndpoint asks this before it uses up a sessionToken,
     * so a request that can never answer an app does not sign the browser in (attack review of issue #20).
     */
    public Optional<AuthorizeOutcome.ErrorPage> untrustedTarget(AuthorizeRequest r) {
        return untrusted(r).map(Untrusted::page);
    }

    /** An error-page refusal with what the System Log and the sign-in doctor record of it. */
    private record Untrusted(AuthorizeOutcome.ErrorPage page, OAuthFailure failure, Target target) {
    }

    private Optional<Untrusted> untrusted(AuthorizeRequest r) {
        if (r.repeated().contains("client_id") || r.repeated().contains("redirect_uri")) {
            // Which client, or where to send the answer, is not known for sure: a page, never a redirect.
            return Optional.of(new Untrusted(new AuthorizeOutcome.ErrorPage(400, "invalid_request", RepeatedParameters.DESCRIPTION),
                    OAuthError.INVALID_REQUEST.because(RepeatedParameters.DESCRIPTION), null));
        }
        Optional<App> found = r.clientId() == null ? Optional.empty() : apps.findByClientId(r.clientId());
        if (found.isEmpty() || !found.get().active()) {
            String description = "The specified client ID is invalid.";
            AuthorizeOutcome.ErrorPage page = new AuthorizeOutcome.ErrorPage(400, "invalid_client", description);
            Map<String, Object> example = example(r);
            if (found.isPresent()) {
                return Optional.of(new Untrusted(page, OAuthError.INVALID_CLIENT.because(description, "inactive client")
                        .with(Problem.of(Cause.APP_INACTIVE, "", example)), found.get().auditTarget()));
            }
            String clientId = r.clientId() == null ? "" : LogText.ifPlausible(r.clientId(), 100);
            return Optional.of(new Untrusted(page, OAuthError.INVALID_CLIENT.because(description, "unknown client " + clientId)
                    .with(Problem.of(Cause.CLIENT_NOT_FOUND, clientId, example)), null));
        }
        App app = found.get();
        if (!app.hasRedirectUri(r.redirectUri())) {
            String where = baseUrl + "/admin/apps/" + app.id();
            String description = "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings: " + where;
            String sent = r.redirectUri() == null ? "" : LogText.ifPlausible(r.redirectUri(), 500);
            Optional<UriDifference.Closest> closest = UriDifference.closest(r.redirectUri(), app.settings().redirectUris());
            Problem problem = Problem.of(Cause.REDIRECT_URI_NOT_REGISTERED, sent, example(r))
                    .with("closest", closest.map(UriDifference.Closest::registered).orElse(null))
                    .with("difference", closest.map(UriDifference.Closest::describe).orElse(null));
            // The developer's answer (issue #21): what differs, in full only to an admin of this org (AuthorizeEndpoint
            // decides); anyone else learns no registered URI from the page.
            String adminDetail = r.redirectUri() == null ? "The request has no redirect_uri."
                    : closest.map(c -> "The closest registered Sign-in redirect URI is " + c.registered() + "; the request's differs in "
                            + c.describe() + ".").orElse("The app has no Sign-in redirect URIs yet.");
            return Optional.of(new Untrusted(new AuthorizeOutcome.ErrorPage(400, "invalid_request", description,
                    adminDetail + " Fix it in the app's configuration, or add the URI on " + where + "/troubleshoot."),
                    OAuthError.INVALID_REQUEST.because(description, "redirect_uri not registered").with(problem), app.auditTarget()));
        }
        return Optional.empty();
    }

    /** What the sign-in doctor shows of an authorization request: its parameters that are no secret (never a state or nonce). */
    private static Map<String, Object> example(AuthorizeRequest r) {
        Map<String, Object> out = new LinkedHashMap<>();
        put(out, "client_id", r.clientId());
        put(out, "redirect_uri", r.redirectUri());
        put(out, "response_type", r.responseType());
        put(out, "scope", r.scope());
        put(out, "response_mode", r.responseMode());
        put(out, "code_challenge_method", r.codeChallengeMethod());
        put(out, "prompt", r.prompt());
        return out;
    }

    private static void put(Map<String, Object> out, String key, String value) {
        if (value != null) {
            out.put(key, LogText.ifPlausible(value, 500));
        }
    }

    public AuthorizeOutcome decide(AuthorizationServer server, String issuer, AuthorizeRequest r, Optional<Sessions.Current> session,
                                   EventContext ctx, Instant began) {
        Optional<Untrusted> refused = untrusted(r);
        if (refused.isPresent()) {
            Untrusted u = refused.get();
            refusals.record(ctx, server, "authorize", "OAuth2 authorization request", u.failure(), Map.of(),
                    u.target() == null ? new Target[0] : new Target[] {u.target()});
            return u.page();
        }
        App app = apps.findByClientId(r.clientId()).filter(App::active).orElseThrow();
        ResponseMode mode = ResponseMode.QUERY;
        try {
            if (r.repeated().contains("response_mode")) {
                RepeatedParameters.refuse(r.repeated());   // before the mode is read: the error goes back by query
            }
            if (r.responseMode() != null) {
                mode = ResponseMode.of(r.responseMode()).orElseThrow(() -> OAuthError.UNSUPPORTED_RESPONSE_MODE.because(
                        "The response mode isn't supported by the authorization server. Valid response modes: [query, fragment, form_post, okta_post_message]."));
            }
            RepeatedParameters.refuse(r.repeated());
            Accepted accepted = validate(server, app, r);
            if (session.isEmpty()) {
                if ("none".equals(r.prompt())) {
                    throw OAuthError.LOGIN_REQUIRED.because("The client specified not to prompt, but the user is not logged in.");
                }
                return new AuthorizeOutcome.SignIn(false, r.loginHint());
            }
            Sessions.Current current = session.get();
            Instant now = clock.instant();
            Instant start = began == null ? now : began;
            // Freshness (max_age here, the policy's re-authentication below) is measured from when this request began, not
            // from now: a person who signs in or verifies while the request waits has met it, however long that took, so
            // "every time" (zero) or max_age=0 cannot loop back to the sign-in page (outside review of the step-up slice).
            boolean tooOld = accepted.maxAge() != null
                    && current.session().passwordVerified().plusSeconds(accepted.maxAge()).isBefore(start.minusSeconds(1));
            if (r.prompt() != null && r.prompt().contains("login") || tooOld) {
                if ("none".equals(r.prompt())) {
                    throw OAuthError.LOGIN_REQUIRED.because(tooOld ? APP_SIGN_ON_REQUIRED : "The client specified not to prompt, but the user is not logged in.");
                }
                return new AuthorizeOutcome.SignIn(true, r.loginHint());
            }
            if (!apps.isAssigned(app.id(), current.user().id())) {
                throw OAuthError.ACCESS_DENIED.because("User is not assigned to the client application.")
                        .with(Problem.of(Cause.USER_NOT_ASSIGNED, current.user().id(), example(r))
                                .with("userId", current.user().id()).with("login", current.user().profile().login()));
            }
            Optional<AuthorizeOutcome> stepUp = assurance(app, current, accepted.acr(), r.prompt(), start);
            if (stepUp.isPresent()) {
                return stepUp.get();
            }
            // The authorization server's access policies, once the person is known and strong enough (Okta evaluates them at
            // the end of authentication): the matched rule's lifetimes travel with the code; no match issues nothing.
            RuleLifetimes rule = accessPolicies.evaluate(server, app.clientId(), current.user().id(), GrantType.AUTHORIZATION_CODE.wire(),
                    accepted.scopes()).orElseThrow(() -> OAuthError.NO_MATCHING_POLICY.because(AccessPolicyEvaluator.NO_MATCH,
                    "no access policy rule matched").with(Problem.of(Cause.NO_MATCHING_POLICY, server.id() + " authorization_code", example(r))
                            .with("authorizationServer", server.name()).with("grant_type", "authorization_code")
                            .with("userId", current.user().id()).with("login", current.user().profile().login())));
            // Okta issues refresh tokens only when the matched rule lists the refresh_token grant: offline_access is then
            // silently not granted, as when the app itself may not refresh.
            List<String> scopes = rule.ruleId() != null && !accessPolicies.allowsRefresh(rule.ruleId())
                    ? accepted.scopes().stream().filter(x -> !OidcScopes.OFFLINE_ACCESS.equals(x)).toList() : accepted.scopes();
            // Then consent (after the policy: nobody is asked to consent to a request the policy refuses), for the scopes the
            // code will carry: not for an offline_access the rule just dropped.
            Optional<AuthorizeOutcome> ask = consent(server, issuer, app, r, current, scopes, mode);
            if (ask.isPresent()) {
                return ask.get();
            }
            CodeStore.Reuse reuse = r.codeChallenge() == null && r.nonce() == null ? new CodeStore.Reuse(false, false)
                    : db.read(h -> codes.inUse(h, app.clientId(), r.codeChallenge(), r.nonce(), now));
            if (reuse.challenge()) {
                // RFC 9700 §2.1.1 encourages detecting constant challenges: a verifier must be fresh per request, and one
                // reused while its earlier code still lives is either a broken client or a replayed request. Refused before
                // a second code exists; a race of two identical requests may slip through (this is a detector, not a lock).
                throw OAuthError.INVALID_REQUEST.because(CHALLENGE_REUSED, "code_challenge reused within the code lifetime");
            }
            if (reuse.nonce()) {
                // The same for the nonce (issue #14): OpenID Connect Core §3.1.2.1 makes it a per-request value that binds
                // the ID token to one authentication request; a nonce this client already used for a code that still lives
                // is a replayed request or a client with a constant nonce, which defeats the client's replay check. Okta
                // documents no such check (its reference only says the nonce is returned in the ID token); Gatehouse
                // refuses like the constant challenge above: per client, within the code lifetime, before any code exists.
                throw OAuthError.INVALID_REQUEST.because(NONCE_REUSED, "nonce reused within the code lifetime");
            }
            String code = ids.base62(43);
            AuthorizationCode stored = new AuthorizationCode(Hashes.sha256(code), server.id(), app.clientId(), current.user().id(),
                    current.session().id(), r.redirectUri(), scopes, r.codeChallenge(), r.nonce(),
                    current.session().passwordVerified(), current.session().amr(), accepted.acr() == null ? null : accepted.acr().value,
                    now, now.plus(AuthorizationCode.LIFETIME), null, server.org() ? null : rule);
            db.inTx(h -> {
                codes.insert(h, stored);
                log.record(h, ctx.as(current.actor()), SystemLog.Entry.success(OAuthEvents.type(server, "authorize.code"),
                        "OAuth2 authorization code request", app.auditTarget()).withDebug(Map.of("scopes", OidcScopes.join(scopes))));
            });
            Map<String, String> params = new LinkedHashMap<>();
            params.put("code", code);
            params.put("state", r.state());
            params.put("iss", issuer);
            return new AuthorizeOutcome.Respond(r.redirectUri(), mode, params);
        } catch (OAuthFailure f) {
            refusals.record(ctx, server, "authorize", "OAuth2 authorization request", f, Map.of(), app.auditTarget());
            Map<String, String> params = new LinkedHashMap<>();
            params.put("error", f.error().code());
            params.put("error_description", f.description());
            if (r.state() != null && STATE.matcher(r.state()).matches() && !r.repeated().contains("state")) {
                params.put("state", r.state());
            }
            params.put("iss", issuer);
            return new AuthorizeOutcome.Respond(r.redirectUri(), mode, params);
        }
    }

    /**
     * Okta's consent table (research notes §7.1, {@link ConsentRules}): empty when nothing must be asked; the hosted consent
     * page when something must; with {@code prompt=none}, Okta's {@code consent_required}.
     */
    private Optional<AuthorizeOutcome> consent(AuthorizationServer server, String issuer, App app, AuthorizeRequest r,
                                               Sessions.Current current, List<String> scopes, ResponseMode mode) {
        // The scopes the code will carry (offline_access already dropped when the rule does not grant refresh tokens):
        // nobody is asked to consent to a scope that is not issued.
        List<String> ask = consent.toAsk(server, app, current.user().id(), scopes,
                r.prompt() != null && r.prompt().contains("consent"));
        if (ask.isEmpty()) {
            return Optional.empty();
        }
        if ("none".equals(r.prompt())) {
            throw OAuthError.CONSENT_REQUIRED.because(CONSENT_REQUIRED.formatted(String.join(", ", ask)), "consent required for " + ask);
        }
        return Optional.of(new AuthorizeOutcome.Consent(current.session().id(), current.user().id(), server.id(), app.clientId(), ask,
                r.redirectUri(), mode, r.state(), issuer));
    }

    /** What passed validation: the scopes to grant, max_age, and the chosen acr_values value (or null). */
    record Accepted(List<String> scopes, Integer maxAge, AcrValues acr) {
    }

    /**
     * Whether the session is strong enough for this app and this request, in Okta's order (the app sign-in policy, then
     * acr_values): empty when it is; else where the person goes (sign in again, verify a factor, enroll one), or a refusal
     * sent back to the client. The policy's re-authentication frequency applies to the password and to the second factor.
     */
    private Optional<AuthorizeOutcome> assurance(App app, Sessions.Current current, AcrValues acr, String prompt, Instant start) {
        String userId = current.user().id();
        SignOnRules.Requirement req = rules.forApp(app.id(), userId);
        if (!req.allowed()) {
            throw OAuthError.ACCESS_DENIED.because(DENIED_BY_POLICY, "denied by app sign-in policy " + req.policy());
        }
        boolean none = "none".equals(prompt);
        Duration window = req.reauthenticateAfter();
        if (window != null && current.session().passwordVerified().plus(window).isBefore(start.minusSeconds(1))) {
            if (none) {
                throw OAuthError.LOGIN_REQUIRED.because(APP_SIGN_ON_REQUIRED, "password older than the policy allows");
            }
            return Optional.of(new AuthorizeOutcome.SignIn(true, null));
        }
        // Whether the person has a second factor is read only when the answer matters (a query per /authorize otherwise).
        boolean asksTwo = req.factors() >= 2 || acr != null && acr.factors(true) >= 2;
        boolean hasFactor = asksTwo && rules.hasSecondFactor(userId);
        int needed = Math.max(req.factors(), acr == null ? 1 : acr.factors(hasFactor));
        if (needed >= 2) {
            Instant verified = current.session().factorVerified();
            boolean met = current.session().multifactor() && verified != null
                    && (window == null || !verified.plus(window).isBefore(start.minusSeconds(1)));
            if (!met) {
                if (none) {
                    throw OAuthError.LOGIN_REQUIRED.because(APP_SIGN_ON_REQUIRED, "a second factor is required");
                }
                if (hasFactor) {
                    return Optional.of(new AuthorizeOutcome.StepUp(false));
                }
                if (rules.canEnrollSecondFactor(userId)) {
                    return Optional.of(new AuthorizeOutcome.StepUp(true));
                }
                if (req.factors() < 2) {
                    throw OAuthError.UNMET_AUTHENTICATION_REQUIREMENTS.because(UNMET, "no second factor to verify or enroll");
                }
                throw OAuthError.ACCESS_DENIED.because(NO_FACTORS, "policy " + req.policy() + " requires two factors; none can be enrolled");
            }
        }
        if (rules.mustEnroll(userId)) {
            if (none) {
                throw OAuthError.LOGIN_REQUIRED.because(APP_SIGN_ON_REQUIRED, "the enrollment policy requires an authenticator");
            }
            return Optional.of(new AuthorizeOutcome.StepUp(true));
        }
        return Optional.empty();
    }

    private Accepted validate(AuthorizationServer server, App app, AuthorizeRequest r) {
        if (r.state() == null || !STATE.matcher(r.state()).matches()) {
            throw OAuthError.INVALID_REQUEST.because("The authentication request has an invalid 'state' parameter.");
        }
        if (r.responseType() == null || r.responseType().isBlank()) {
            throw OAuthError.INVALID_REQUEST.because("The 'response_type' parameter is missing.");
        }
        if (!"code".equals(r.responseType())) {
            throw OAuthError.UNSUPPORTED_RESPONSE_TYPE.because(
                    "The response type is not supported by the authorization server. Configured response types: [code].");
        }
        GrantTypes.require(app, GrantType.AUTHORIZATION_CODE, () -> example(r));
        List<String> requested = OidcScopes.parse(r.scope());
        if (requested.isEmpty()) {
            throw OAuthError.INVALID_SCOPE.because("The authorization server resource does not have any configured default scopes, 'scope' must be provided.");
        }
        if (r.scope().length() > OidcScopes.MAX_LENGTH) {
            throw OAuthError.INVALID_SCOPE.because("The 'scope' parameter is too long.");
        }
        Set<String> custom = server.org() ? Set.of() : customScopes.apply(server);
        List<String> unknown = requested.stream().filter(s -> !OidcScopes.OIDC.contains(s) && !custom.contains(s)).toList();
        if (!unknown.isEmpty()) {
            List<String> named = unknown.stream().map(s -> LogText.ifPlausible(s, 128)).sorted().toList();
            throw OAuthError.INVALID_SCOPE.because("One or more scopes are not configured for the authorization server resource.",
                    "unknown scopes " + named).with(Problem.of(Cause.SCOPE_NOT_ALLOWED, String.join(" ", named), example(r))
                    .with("notAllowed", String.join(" ", named)).with("authorizationServer", server.name()));
        }
        if (requested.stream().anyMatch(s -> OidcScopes.OIDC.contains(s) && !OidcScopes.OFFLINE_ACCESS.equals(s)) && !requested.contains(OidcScopes.OPENID)) {
            throw OAuthError.ACCESS_DENIED.because("Requests for ID tokens or access tokens with OpenID scopes require the 'openid' scope.");
        }
        List<String> granted = new ArrayList<>(requested);
        if (!app.settings().allows(GrantType.REFRESH_TOKEN)) {
            granted.remove(OidcScopes.OFFLINE_ACCESS);   // as Okta: silently not granted when the app may not refresh
        }
        boolean pkceRequired = app.settings().pkceRequired() || app.settings().applicationType().publicClient();
        if (r.codeChallenge() == null) {
            if (pkceRequired) {
                throw OAuthError.INVALID_REQUEST.because("PKCE code challenge is required when the token endpoint authentication method is 'NONE'.")
                        .with(Problem.of(Cause.PKCE_MISSING, "authorize", example(r)));
            }
            if (r.codeChallengeMethod() != null) {
                throw OAuthError.INVALID_REQUEST.because("The PKCE code challenge method was given without a code challenge.");
            }
        } else {
            if (!"S256".equals(r.codeChallengeMethod())) {
                throw OAuthError.INVALID_REQUEST.because("PKCE code challenge method is not supported. Supported methods: [S256].");
            }
            if (!CHALLENGE.matcher(r.codeChallenge()).matches()) {
                throw OAuthError.INVALID_REQUEST.because("PKCE code challenge is invalid: it must be 43 to 128 base64url characters.");
            }
        }
        if (r.prompt() != null && !PROMPTS.contains(r.prompt())) {
            throw OAuthError.INVALID_REQUEST.because("The 'prompt' parameter is invalid. Valid values: [none, login, consent].");
        }
        Integer maxAge = null;
        if (r.maxAge() != null) {
            try {
                if (!r.maxAge().matches("[0-9]{1,10}")) {   // parseInt alone takes "+5", "-0" and non-ASCII digits
                    throw new NumberFormatException();
                }
                maxAge = Integer.parseInt(r.maxAge());
            } catch (NumberFormatException e) {
                throw OAuthError.INVALID_REQUEST.because(MAX_AGE_INVALID);
            }
            if (maxAge == 0 && "none".equals(r.prompt())) {
                throw OAuthError.INVALID_REQUEST.because("'prompt' parameter must not have the value 'none' for request with 'zero' as max_age.");
            }
        }
        if (r.acrValues() != null && r.acrValues().length() > 512) {
            throw OAuthError.INVALID_REQUEST.because("The 'acr_values' parameter is too long.");
        }
        if (r.nonce() != null && r.nonce().length() > 512) {
            throw OAuthError.INVALID_REQUEST.because("The 'nonce' parameter is too long.");
        }
        return new Accepted(List.copyOf(granted), maxAge, AcrValues.choose(r.acrValues()));
    }
}
