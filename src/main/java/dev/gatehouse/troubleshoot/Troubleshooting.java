package dev.gatehouse.troubleshoot;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppRequest;
import dev.gatehouse.apps.AppRules;
import dev.gatehouse.apps.AppSettings;
import dev.gatehouse.apps.AppSettings.GrantType;
import dev.gatehouse.apps.Apps;
import dev.gatehouse.directory.Lifecycle;
import dev.gatehouse.directory.User;
import dev.gatehouse.directory.Users;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.features.Feature;
import dev.gatehouse.features.Features;
import dev.gatehouse.origins.Origin;
import dev.gatehouse.origins.OriginRefusals;
import dev.gatehouse.origins.TrustedOrigin;
import dev.gatehouse.origins.TrustedOrigins;
import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.Cause;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SignInProblemStore;
import dev.gatehouse.syslog.SignInProblemStore.Row;
import dev.gatehouse.syslog.SystemLog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sign-in doctor's use cases (issue #21): an app's (or the org's) counted refusals, each explained with its fix
 * ({@link Diagnosis}); the apps with recent problems; and the one-click fixes, each through the use case the console's
 * own form calls (so its rules, its System Log event and its change notice are the same), after which the group is
 * forgotten (it comes back if the refusal does). The counts are written where each refusal is decided ({@link SystemLog},
 * {@link SignInProblemStore}); nothing here decides a refusal.
 */
public final class Troubleshooting {

    /** The apps with problems seen within this long are on the dashboard. */
    public static final Duration RECENT = Duration.ofDays(7);

    private final Database db;
    private final SystemLog log;
    private final Apps apps;
    private final TrustedOrigins origins;
    private final Features features;
    private final Users users;
    private final OriginRefusals originRefusals;
    private final Clock clock;

    public Troubleshooting(Database db, SystemLog log, Apps apps, TrustedOrigins origins, Features features, Users users,
                           OriginRefusals originRefusals, Clock clock) {
        this.db = db;
        this.log = log;
        this.apps = apps;
        this.origins = origins;
        this.features = features;
        this.users = users;
        this.originRefusals = originRefusals;
        this.clock = clock;
    }

    /** An app's problems, the most recent first (404 E0000007 for no such app). */
    public List<Diagnosis> forApp(String appId) {
        return forApp(apps.get(appId));
    }

    /** The same for an app already read (the Troubleshoot tab has it). */
    public List<Diagnosis> forApp(App app) {
        originRefusals.flush();   // this node's counted origins first, so what was just refused is there
        return db.read(h -> log.problems().list(h, app.id())).stream().map(r -> diagnose(r, app)).toList();
    }

    /** The problems no app can be named for (unknown client ids, locked-out people, origins no app uses). */
    public List<Diagnosis> forOrg() {
        originRefusals.flush();
        return db.read(h -> log.problems().list(h, SignInProblemStore.ORG)).stream().map(r -> diagnose(r, null)).toList();
    }

    /** A line of the dashboard: an app (null: the org) with refusals in the last {@link #RECENT}. */
    public record Recent(App app, long occurrences, Instant lastSeen) {
    }

    public List<Recent> recent() {
        originRefusals.flush();
        List<Recent> out = new ArrayList<>();
        for (SignInProblemStore.AppCount c : db.read(h -> log.problems().appsSince(h, clock.instant().minus(RECENT), 20))) {
            if (SignInProblemStore.ORG.equals(c.appId())) {
                out.add(new Recent(null, c.occurrences(), c.lastSeen()));
            } else {
                apps.find(c.appId()).ifPresent(a -> out.add(new Recent(a, c.occurrences(), c.lastSeen())));
            }
        }
        return out;
    }

    /** What the fix did, in a sentence for the page. */
    public record Fixed(String message) {
    }

    /**
     * Applies the fix of an app's problem ({@code appId} {@link SignInProblemStore#ORG}: the org's) and forgets the group.
     * 404 E0000007 when there is no such problem (already fixed, or never); 400 E0000001 when it has no one-click fix or the
     * change breaks a rule (then nothing changed).
     */
    public Fixed fix(EventContext ctx, String appId, String problemId) {
        App app = SignInProblemStore.ORG.equals(appId) ? null : apps.get(appId);
        Row row = row(app, problemId);
        Diagnosis d = diagnose(row, app);
        Diagnosis.Fix fix = d.fix();
        if (fix.action() == null) {
            throw ApiError.validation("fix", "This problem has no one-click fix: " + fix.description());
        }
        String message = switch (fix.action()) {
            case ADD_REDIRECT_URI -> {
                apps.update(ctx, app.id(), current -> edit(current).redirectUris(plus(current.settings().redirectUris(), fix.value())).build());
                yield "Added " + fix.value() + " to the Sign-in redirect URIs.";
            }
            case ADD_POST_LOGOUT_REDIRECT_URI -> {
                apps.update(ctx, app.id(), current -> edit(current).postLogoutRedirectUris(plus(current.settings().postLogoutRedirectUris(),
                        fix.value())).build());
                yield "Added " + fix.value() + " to the Sign-out redirect URIs.";
            }
            case ADD_CORS_ORIGIN, ADD_REDIRECT_ORIGIN -> {
                Origin o = Origin.parse(fix.value()).orElseThrow(() -> ApiError.validation("origin", "Not an origin: " + fix.value()));
                TrustedOrigin.Scope scope = fix.action() == Diagnosis.Action.ADD_CORS_ORIGIN ? TrustedOrigin.Scope.CORS : TrustedOrigin.Scope.REDIRECT;
                origins.allow(ctx, o, scope);
                yield o + " is now a trusted origin for " + (scope == TrustedOrigin.Scope.CORS ? "CORS." : "redirects.");
            }
            case ASSIGN_USER -> {
                apps.assignUser(ctx, app.id(), fix.value());
                yield "Assigned the person to " + app.label() + ".";
            }
            case ALLOW_GRANT -> {
                GrantType grant = GrantType.valueOf(fix.value());
                boolean spaRefresh = grant == GrantType.REFRESH_TOKEN && app.settings().applicationType() == AppSettings.ApplicationType.BROWSER;
                String enabled = "";
                java.util.function.Function<App, AppRequest> allow = current -> edit(current).grantTypes(plus(current.settings()
                        .grantTypes().stream().map(GrantType::wire).toList(), grant.wire())).responseTypes(null).build();
                // The app's own rules first, so a change they refuse does not leave the feature enabled for nothing; and if the
                // update is refused anyway (the app changed meanwhile), the feature this fix enabled is disabled again.
                AppRules.check(allow.apply(app), app);
                boolean enabledHere = false;
                if (spaRefresh && !features.isEnabled(Feature.REFRESH_TOKEN_ROTATION_FOR_SPA)) {
                    features.enable(ctx, featureId(Feature.REFRESH_TOKEN_ROTATION_FOR_SPA), false);
                    enabledHere = true;
                    enabled = "Enabled the Early Access feature " + Feature.REFRESH_TOKEN_ROTATION_FOR_SPA.title() + ", and allowed ";
                }
                try {
                    apps.update(ctx, app.id(), allow);
                } catch (RuntimeException e) {
                    if (enabledHere) {
                        features.disable(ctx, featureId(Feature.REFRESH_TOKEN_ROTATION_FOR_SPA), false);
                    }
                    throw e;
                }
                yield (enabled.isEmpty() ? "Allowed " : enabled) + "the " + grant.label() + " grant.";
            }
            case SET_GRACE_PERIOD -> {
                apps.update(ctx, app.id(), current -> edit(current).refreshTokenLeeway(Integer.parseInt(fix.value())).build());
                yield "The refresh token grace period is now " + fix.value() + " seconds.";
            }
            case ACTIVATE_APP -> {
                apps.activate(ctx, app.id());
                yield app.label() + " is active.";
            }
            case UNLOCK_USER -> {
                User u = users.find(fix.value()).orElseThrow(() -> ApiError.notFound(fix.value(), "User"));
                users.lifecycle(ctx, u.id(), Lifecycle.UNLOCK);
                yield u.profile().login() + " is unlocked.";
            }
        };
        db.inTx(h -> log.problems().delete(h, row.appId(), row.cause(), row.subjectHash()));
        return new Fixed(message);
    }

    /** Forgets a group without changing anything (the admin read it and will fix it elsewhere, or it was expected). */
    public void dismiss(String appId, String problemId) {
        Row row = row(SignInProblemStore.ORG.equals(appId) ? null : apps.get(appId), problemId);
        db.inTx(h -> log.problems().delete(h, row.appId(), row.cause(), row.subjectHash()));
    }

    /** The app's (null: the org's) group named {@code problemId}, or 404 E0000007. */
    private Row row(App app, String problemId) {
        return db.read(h -> log.problems().find(h, app == null ? SignInProblemStore.ORG : app.id(), problemId))
                .orElseThrow(() -> ApiError.notFound(problemId, "Problem"));
    }

    /** {@code list} with {@code value} at the end, unless it is there already. */
    private static List<String> plus(List<String> list, String value) {
        List<String> out = new ArrayList<>(list);
        if (!out.contains(value)) {
            out.add(value);
        }
        return out;
    }

    /**
     * The app's settings as they are, to change one field (assignments left alone). The fixes call it on the app as
     * {@link Apps#update(EventContext, String, java.util.function.Function)} reads it at each attempt, never on the app as
     * read before: two fixes at once (or a fix and a console save) then both land instead of the later undoing the earlier.
     */
    private static AppRequest.Builder edit(App app) {
        return AppRequest.of(app).toBuilder().implicitAssignment(null);
    }

    private String featureId(Feature f) {
        return features.list().stream().filter(s -> s.feature() == f).findFirst().orElseThrow().id();
    }

    /** The explanation and fix of a group; {@code app} null for the org's. */
    Diagnosis diagnose(Row r, App app) {
        Map<String, Object> x = r.example();
        boolean others = SignInProblemStore.OTHERS.equals(r.subject());
        String appName = app == null ? "the app" : app.label();
        return switch (r.cause()) {
            case REDIRECT_URI_NOT_REGISTERED -> {
                String sent = s(x, "redirect_uri");
                String closest = s(x, "closest");
                String summary = "A sign-in request for " + appName + " asked to return to " + q(sent) + ", which is not one of its Sign-in redirect URIs"
                        + (closest.isEmpty() ? " (it has none)." : ". The closest registered one is " + q(closest) + "; they differ in "
                        + s(x, "difference") + ".")
                        + " Gatehouse matches redirect URIs exactly and shows an error page instead of redirecting.";
                String advice = closest.isEmpty() ? "Add the app's callback address as a Sign-in redirect URI."
                        : "If the app is really at " + q(sent) + ", add it as a Sign-in redirect URI; otherwise correct redirect_uri in the "
                        + "app's configuration to " + q(closest) + ".";
                yield new Diagnosis(r, summary, others || described(sent) ? Diagnosis.Fix.advice(advice)
                        : new Diagnosis.Fix(advice, Diagnosis.Action.ADD_REDIRECT_URI, sent, "Add this redirect URI",
                        "Add " + sent + " to " + appName + "'s Sign-in redirect URIs? Anyone can send a sign-in request naming any "
                                + "address: add it only if it is the app's own callback" + (closest.isEmpty() ? "" : " (the registered one is "
                                + closest + ")") + ", or Gatehouse will send " + appName + "'s sign-in codes there."));
            }
            case POST_LOGOUT_REDIRECT_URI_NOT_REGISTERED -> {
                String sent = s(x, "post_logout_redirect_uri");
                String closest = s(x, "closest");
                String summary = "A sign-out request asked to return to " + q(sent) + ", which is not one of " + appName + "'s Sign-out redirect URIs"
                        + (closest.isEmpty() ? " (it has none)." : ". The closest registered one is " + q(closest) + "; they differ in "
                        + s(x, "difference") + ".");
                String advice = "If the app is really at " + q(sent) + ", add it as a Sign-out redirect URI; otherwise correct "
                        + "post_logout_redirect_uri (okta-auth-js: postLogoutRedirectUri) in the app's configuration.";
                yield new Diagnosis(r, summary, others || described(sent) ? Diagnosis.Fix.advice(advice)
                        : new Diagnosis.Fix(advice, Diagnosis.Action.ADD_POST_LOGOUT_REDIRECT_URI, sent, "Add this sign-out redirect URI",
                        "Add " + sent + " to " + appName + "'s Sign-out redirect URIs? Anyone can send a sign-out request naming any "
                                + "address: add it only if it is the app's own page, or Gatehouse will send people there when they sign out."));
            }
            case CLIENT_NOT_FOUND -> new Diagnosis(r, "A request named the client ID " + q(others ? "(many different ones)" : r.subject())
                    + ", which no app integration in this org has.", Diagnosis.Fix.advice("Copy the Client ID from the app's General tab "
                    + "into the app's configuration, and check that its issuer is this org (a client ID from another org or "
                    + "authorization server is the usual cause)."));
            case APP_INACTIVE -> new Diagnosis(r, appName + " is deactivated, so Gatehouse refuses every sign-in and token request for it.",
                    app == null || app.active() ? Diagnosis.Fix.advice("The app is active again.")
                            : new Diagnosis.Fix("Activate the app if people should sign in to it again.", Diagnosis.Action.ACTIVATE_APP,
                            app.id(), "Activate the app", "Activate " + appName + "? People assigned to it can sign in again."));
            case USER_NOT_ASSIGNED -> {
                String login = s(x, "login");
                yield new Diagnosis(r, login + " signed in, but is not assigned to " + appName + ", so Gatehouse refused to issue tokens "
                        + "(access_denied).", others ? Diagnosis.Fix.advice("Assign the people, or a group they are in, on the Assignments tab.")
                        : new Diagnosis.Fix("If " + login + " should use the app, assign them (or a group they are in on the Assignments tab).", Diagnosis.Action.ASSIGN_USER, s(x, "userId"), "Assign " + login,
                        "Assign " + login + " to " + appName + "? Only if they should use it: people who are not assigned are refused on purpose."));
            }
            case PKCE_MISSING -> new Diagnosis(r, "token".equals(r.subject())
                    ? "A token request had no code_verifier, though its authorization request had a code_challenge."
                    : "An authorization request had no code_challenge, and " + appName + " requires PKCE"
                    + (app != null && app.settings().applicationType().publicClient() ? " (a public client must use it)." : "."),
                    Diagnosis.Fix.advice("Use PKCE for every sign-in: okta-auth-js and oidc-client-ts do it by default (okta-auth-js: pkce: true); "
                            + "send the code_verifier with the code at /token."));
            case PKCE_MISMATCH -> new Diagnosis(r, "A code_verifier did not match the code_challenge of its authorization request ("
                    + s(x, "code_verifier") + ").", Diagnosis.Fix.advice("Send the code_verifier made for this very sign-in: a verifier "
                    + "stored per tab, or overwritten by a second sign-in started meanwhile, is the usual cause."));
            case PUBLIC_CLIENT_SENT_SECRET -> new Diagnosis(r, appName + " is a public client (no client secret), but a token request "
                    + "sent one (" + s(x, "authentication") + ").", Diagnosis.Fix.advice("Remove the client secret from the app's "
                    + "configuration. If the app runs on a server and can keep a secret, create a Web app integration for it instead."));
            case CLIENT_AUTHENTICATION_FAILED -> new Diagnosis(r, "A token request for " + appName + " failed client authentication: "
                    + (others ? "several reasons" : r.subject()) + " (the app expects " + s(x, "expected") + ").",
                    Diagnosis.Fix.advice("no secret from a browser".equals(r.subject())
                            ? "JavaScript in a browser cannot keep a client secret: create a Single-Page App integration and use its client ID."
                            : "Copy the current client secret from the General tab into the app's configuration (a rotated secret stops "
                            + "working), and send it the way the app is set to: " + s(x, "expected") + "."));
            case GRANT_TYPE_NOT_ALLOWED -> grant(r, app, appName, x);
            case SCOPE_NOT_ALLOWED -> new Diagnosis(r, appName + " asked for " + q(s(x, "notAllowed")) + ", which authorization server "
                    + s(x, "authorizationServer") + " does not offer" + ("client_credentials".equals(s(x, "grant_type")) ? " to services." : "."),
                    Diagnosis.Fix.advice("Add the scope to the authorization server (Security › API › " + s(x, "authorizationServer")
                            + " › Scopes), or remove it from the app's scopes."));
            case REFRESH_TOKEN_REUSED -> reused(r, app, appName, x);
            case REFRESH_TOKEN_EXPIRED -> new Diagnosis(r, "A refresh token of " + appName + " was used after it expired ("
                    + (x.containsKey("familyExpired") ? "the sign-in's maximum lifetime ended " + s(x, "familyExpired")
                    : "it was unused longer than its idle lifetime, until " + s(x, "idleExpired")) + ").",
                    Diagnosis.Fix.advice("Sign the person in again when a refresh fails (okta-auth-js: catch the error and call "
                            + "signInWithRedirect), or lengthen the refresh token lifetimes in the authorization server's access policy rule."));
            case CODE_REUSED -> new Diagnosis(r, "An authorization code of " + appName + " was presented again after it was used; as a "
                    + "precaution Gatehouse revoked the tokens the code had issued.", Diagnosis.Fix.advice("Exchange each code once: a "
                    + "callback page that runs twice (a reload, a framework effect run twice) is the usual cause."));
            case CODE_EXPIRED -> new Diagnosis(r, "An authorization code of " + appName + " was presented after its "
                    + dev.gatehouse.oauth.codes.AuthorizationCode.LIFETIME.toMinutes() + "-minute lifetime (expired " + s(x, "expired") + ").",
                    Diagnosis.Fix.advice("Exchange the code right after the redirect back, and check the app server's clock."));
            case CORS_ORIGIN_NOT_TRUSTED -> {
                String origin = r.subject();
                yield new Diagnosis(r, "JavaScript at " + q(origin) + " sent " + s(x, "endpoint") + ", and the browser blocked the answer: "
                        + origin + " is not a trusted CORS origin" + (r.occurrences() > 1 ? " (" + r.occurrences() + " requests)." : "."),
                        others || Origin.parse(origin).isEmpty() ? Diagnosis.Fix.advice("Add the app's origin under Security › API › Trusted Origins with the CORS type.")
                                : new Diagnosis.Fix("If " + origin + " is the app's own address, trust it for CORS (Security › API › Trusted Origins).",
                                Diagnosis.Action.ADD_CORS_ORIGIN, origin, "Trust " + origin + " for CORS",
                                "Let JavaScript at " + origin + " call Gatehouse's token, keys, userinfo and session endpoints (trusted origin, CORS)? "
                                        + "Any web page can send these requests: trust it only if it is the app's own address, or a page there "
                                        + "can read and end the Gatehouse session of anyone who visits it."));
            }
            case REDIRECT_ORIGIN_NOT_TRUSTED -> {
                String origin = r.subject();
                yield new Diagnosis(r, "A hosted page (" + s(x, "target") + ") was asked to send the browser to " + q(origin)
                        + ", which is not a trusted redirect origin, so it stayed on Gatehouse.",
                        others || Origin.parse(origin).isEmpty() ? Diagnosis.Fix.advice("Add the app's origin under Security › API › Trusted Origins with the Redirect type.")
                                : new Diagnosis.Fix("If " + origin + " is the app's own address, trust it for redirects.",
                                Diagnosis.Action.ADD_REDIRECT_ORIGIN, origin, "Trust " + origin + " for redirects",
                                "Let Gatehouse's sign-in and sign-out pages send browsers to " + origin + " (trusted origin, Redirect)? "
                                        + "Any link can name any address: trust it only if it is the app's own address."));
            }
            case USER_LOCKED_OUT -> {
                String login = s(x, "login");
                yield new Diagnosis(r, login + " is locked out after too many failed sign-ins, so even the right password is refused.",
                        others || login.isEmpty() ? Diagnosis.Fix.advice("Unlock the people in Directory › People.")
                                : new Diagnosis.Fix("Unlock " + login + " once you know the failed attempts were theirs (Directory › People).",
                                Diagnosis.Action.UNLOCK_USER, login, "Unlock " + login, "Unlock " + login + "? They can sign in again with their password."));
            }
            case NO_MATCHING_POLICY -> new Diagnosis(r, "No access policy rule of authorization server " + s(x, "authorizationServer")
                    + " admits " + appName + "'s request (grant " + s(x, "grant_type") + ", scopes " + q(s(x, "scope"))
                    + (x.containsKey("login") ? ", user " + s(x, "login") : "") + "), so no token was issued.",
                    Diagnosis.Fix.advice("On the authorization server's Access Policies tab, give a policy that applies to this app a "
                            + "rule for this grant type, these scopes and this person (or everyone)."));
            case CONSENT_DENIED -> new Diagnosis(r, s(x, "login") + " chose not to allow " + q(s(x, "scope")) + " for " + appName + ".",
                    Diagnosis.Fix.advice("Nothing is broken: the person refused. Ask for fewer scopes, or, for an app you trust, set its "
                            + "consent to not required."));
            case MFA_FAILED -> new Diagnosis(r, s(x, "login") + " failed a second-factor check (" + s(x, "step") + ": " + s(x, "reason") + ").",
                    Diagnosis.Fix.advice("If " + s(x, "login") + " lost or replaced the authenticator, reset their authenticators in "
                            + "Directory › People; repeated failures from one person may also be someone else trying."));
        };
    }

    private Diagnosis grant(Row r, App app, String appName, Map<String, Object> x) {
        String grantWire = s(x, "grant_type");
        Optional<GrantType> grant = java.util.Arrays.stream(GrantType.values()).filter(g -> g.wire().equals(grantWire)).findFirst();
        String summary = appName + " used the " + grantWire + " grant, which it is not allowed (allowed: " + s(x, "configured") + ").";
        if (app == null || grant.isEmpty() || app.settings().allows(grant.get())
                || grant.get() == GrantType.IMPLICIT || grant.get() == GrantType.PASSWORD) {
            return new Diagnosis(r, summary, Diagnosis.Fix.advice(app != null && grant.isPresent() && app.settings().allows(grant.get())
                    ? "The app allows the grant now." : "Allow the grant on the app's General tab, or change the app to use one it allows."));
        }
        boolean spa = grant.get() == GrantType.REFRESH_TOKEN && app.settings().applicationType() == AppSettings.ApplicationType.BROWSER;
        boolean feature = spa && !features.isEnabled(Feature.REFRESH_TOKEN_ROTATION_FOR_SPA);
        String name = grant.get().label();
        String advice = feature ? "Enable the Early Access feature " + Feature.REFRESH_TOKEN_ROTATION_FOR_SPA.title()
                + " (Settings › Features), then allow the Refresh Token grant on the app's General tab."
                : "Allow the " + name + " grant on the app's General tab.";
        return new Diagnosis(r, summary, new Diagnosis.Fix(advice, Diagnosis.Action.ALLOW_GRANT, grant.get().name(),
                feature ? "Enable the feature and allow " + name : "Allow " + name,
                (feature ? "Enable the Early Access feature " + Feature.REFRESH_TOKEN_ROTATION_FOR_SPA.title() + " and allow " : "Allow ")
                        + "the " + name + " grant for " + appName + "?"));
    }

    private Diagnosis reused(Row r, App app, String appName, Map<String, Object> x) {
        double after = x.get("secondsAfterFirstUse") instanceof Number n ? n.doubleValue() : -1;
        int grace = x.get("gracePeriod") instanceof Number n ? n.intValue() : -1;
        String summary = "A refresh token of " + appName + " was used again " + (after < 0 ? "" : String.format(java.util.Locale.ROOT, "%.1f s ", after))
                + "after its first use, outside the grace period of " + grace + " s. Gatehouse treats that as a stolen token and revoked "
                + "every token of that sign-in. Two tabs, or a retry, refreshing with the same token is the usual cause.";
        int current = app == null ? -1 : app.settings().refreshToken().leeway();
        // The grace period that would have let that use through: at least Okta's default 30 s, at most the 60 s it allows.
        int proposed = after < 0 ? -1 : Math.max(30, (int) Math.ceil(after) + 5);
        if (app == null || proposed < 0 || proposed > 60 || current >= proposed
                || app.settings().refreshToken().rotationType() != AppSettings.RotationType.ROTATE) {
            return new Diagnosis(r, summary, Diagnosis.Fix.advice("Share one token storage between the app's tabs (okta-auth-js's "
                    + "TokenManager with localStorage does), so each refresh uses the newest token"
                    + (current >= 0 && current < 60 ? "; or raise the grace period (0–60 s) on the General tab." : ".")));
        }
        return new Diagnosis(r, summary, new Diagnosis.Fix("Share one token storage between the app's tabs (okta-auth-js's TokenManager "
                + "with localStorage does), or set the grace period to " + proposed + " seconds so a second use that close to the first "
                + "succeeds.", Diagnosis.Action.SET_GRACE_PERIOD, Integer.toString(proposed), "Set the grace period to " + proposed + " s",
                "Set " + appName + "'s refresh token grace period to " + proposed + " seconds?"));
    }

    /** A value recorded only described ({@code LogText.refused}: it had control characters or was too long): nothing to add. */
    private static boolean described(String value) {
        return value.isEmpty() || value.startsWith("[refused:");
    }

    private static String s(Map<String, Object> x, String key) {
        Object v = x.get(key);
        return v == null ? "" : String.valueOf(v);
    }

    private static String q(String s) {
        return "“" + s + "”";
    }
}
