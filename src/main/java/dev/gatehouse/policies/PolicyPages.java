package dev.gatehouse.policies;

import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import dev.gatehouse.errors.ApiError;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Security › Authentication Policies (the app sign-in policies, a policy with its rules, the one-click "Any two
 * factors"), Security › Authenticator Enrollment (the default MFA_ENROLL policy: each authenticator Required, Optional
 * or Disabled), Security › Global Session Policy (with "Require a second factor for administrators"), and the app page's
 * Sign On tab's policy choice. Every change goes through {@link Policies}, the API's use cases; every form posts
 * through the one CSRF filter; a refusal is shown on the page with nothing changed.
 */
public final class PolicyPages {

    /** One app sign-in policy in the list, with its rules. */
    public record PolicyRow(Policy policy, List<PolicyRule> rules) {
    }

    /** The model of {@code policies/list.jte}. */
    public record ListPage(ConsoleFrame frame, List<PolicyRow> policies, String notice, List<String> errors) {
    }

    /** The model of {@code policies/policy.jte}. */
    public record PolicyPage(ConsoleFrame frame, Policy policy, List<PolicyRule> rules) {
    }

    /** One authenticator's line on the enrollment page: its key, name, whether ACTIVE, and its level. */
    public record EnrollmentRow(String key, String name, boolean active, String level) {
    }

    /** The model of {@code policies/enrollment.jte}. */
    public record EnrollmentPage(ConsoleFrame frame, Policy policy, List<EnrollmentRow> rows, String notice, List<String> errors) {
    }

    /** The model of {@code policies/sessions.jte}. */
    public record SessionPage(ConsoleFrame frame, List<PolicyRow> policies, int administrators, String notice, List<String> errors) {
    }

    /** An authenticator as the enrollment page lists it. */
    public record Authenticator(String key, String name, boolean active) {
    }

    private final Console console;
    private final Policies policies;
    private final PolicyPresets presets;
    private final Supplier<List<Authenticator>> authenticators;
    private final Supplier<List<String>> administrators;

    /** {@code administrators}: the ids of the people who hold the super admin role (the console's administrators). */
    /**
     * @param canMeetSecondFactor whether a person has a second factor or could set one up now: "Require a second factor
     *                            for administrators" is refused while an administrator could not, so nobody is shut out
     */
    public PolicyPages(Console console, Policies policies, Supplier<List<Authenticator>> authenticators, Supplier<List<String>> administrators,
                       java.util.function.Predicate<String> canMeetSecondFactor) {
        this.canMeetSecondFactor = canMeetSecondFactor;
        this.console = console;
        this.policies = policies;
        this.presets = new PolicyPresets(policies);
        this.authenticators = authenticators;
        this.administrators = administrators;
    }

    // ── Authentication Policies ─────────────────────────────────────────────────────────────────────────────────
    private final java.util.function.Predicate<String> canMeetSecondFactor;

    public void list(Context ctx) {
        String notice = "created".equals(ctx.queryParam("notice")) ? "Policy created." : null;
        renderList(ctx, notice, List.of());
    }

    public void show(Context ctx) {
        Policy p = policies.get(ctx.pathParam("id"));
        if (p.type() != PolicyType.ACCESS_POLICY) {
            throw ApiError.notFound(p.id(), "Policy");
        }
        console.render(ctx, "policies/policy.jte", new PolicyPage(console.frame(ctx, Nav.AUTHENTICATION_POLICIES), p, policies.rules(p.id())));
    }

    /** The one-click preset: Okta's "Any two factors" (the existing one when it is there). */
    public void anyTwoFactors(Context ctx) {
        try {
            Policy p = presets.anyTwoFactors(console.event(ctx));
            Console.seeOther(ctx, Nav.AUTHENTICATION_POLICIES.path() + "/" + p.id());
        } catch (ApiError e) {
            ctx.status(400);
            renderList(ctx, null, Console.messages(e));
        }
    }

    private void renderList(Context ctx, String notice, List<String> errors) {
        List<PolicyRow> rows = policies.list("ACCESS_POLICY", null, null).stream().map(p -> new PolicyRow(p, policies.rules(p.id()))).toList();
        console.render(ctx, "policies/list.jte", new ListPage(console.frame(ctx, Nav.AUTHENTICATION_POLICIES), rows, notice, errors));
    }

    // ── the app's Sign On tab ───────────────────────────────────────────────────────────────────────────────────
    /** {@code POST /admin/apps/{id}/sign-on-policy} with {@code policyId}: back to the Sign On tab. */
    public void assignToApp(Context ctx) {
        String appId = ctx.pathParam("id");
        String policyId = ctx.formParam("policyId");
        policies.assign(console.event(ctx), appId, policyId == null ? "" : policyId);
        Console.seeOther(ctx, Nav.APPLICATIONS.path() + "/" + appId + "?tab=sign-on&notice=sign-on-policy");
    }

    // ── Authenticator Enrollment ────────────────────────────────────────────────────────────────────────────────
    public void enrollment(Context ctx) {
        renderEnrollment(ctx, "saved".equals(ctx.queryParam("notice")) ? "Enrollment policy saved." : null, List.of());
    }

    /** {@code POST}: one field per authenticator key ({@code REQUIRED}, {@code OPTIONAL} or {@code NOT_ALLOWED}). */
    public void saveEnrollment(Context ctx) {
        Map<String, String> levels = new LinkedHashMap<>();
        for (Authenticator a : authenticators.get()) {
            String level = ctx.formParam(a.key());
            levels.put(a.key(), level == null ? "NOT_ALLOWED" : level);
        }
        try {
            presets.setDefaultEnrollment(console.event(ctx), levels);
            Console.seeOther(ctx, Nav.AUTHENTICATOR_ENROLLMENT.path() + "?notice=saved");
        } catch (ApiError e) {
            ctx.status(400);
            renderEnrollment(ctx, null, Console.messages(e));
        }
    }

    private void renderEnrollment(Context ctx, String notice, List<String> errors) {
        Policy d = policies.defaultPolicy(PolicyType.MFA_ENROLL);
        List<EnrollmentRow> rows = authenticators.get().stream()
                .map(a -> new EnrollmentRow(a.key(), a.name(), a.active(), PolicyInput.enrollment(d.settings(), a.key()).orElse("NOT_ALLOWED")))
                .toList();
        console.render(ctx, "policies/enrollment.jte", new EnrollmentPage(console.frame(ctx, Nav.AUTHENTICATOR_ENROLLMENT), d, rows, notice, errors));
    }

    // ── Global Session Policy ───────────────────────────────────────────────────────────────────────────────────
    public void sessions(Context ctx) {
        renderSessions(ctx, "admins".equals(ctx.queryParam("notice"))
                ? "Administrators now sign in with a second factor: the console asks each of them for it, or to set one up, before it goes on." : null, List.of());
    }

    public void requireFactorForAdministrators(Context ctx) {
        long stuck = administrators.get().stream().filter(id -> !canMeetSecondFactor.test(id)).count();
        if (stuck > 0) {
            // An administrator with no second factor who could not set one up would be shut out of the console.
            ctx.status(400);
            renderSessions(ctx, null, List.of("Activate Google Authenticator or Security Key or Biometric first (Security › "
                    + "Authenticators), and let the enrollment policy offer it (Security › Authenticator Enrollment): "
                    + (stuck == 1 ? "an administrator" : stuck + " administrators")
                    + " could not set up a second factor and would be shut out of the console. Nothing was changed."));
            return;
        }
        try {
            presets.requireSecondFactorFor(console.event(ctx), administrators.get());
            Console.seeOther(ctx, Nav.GLOBAL_SESSION_POLICY.path() + "?notice=admins");
        } catch (ApiError e) {
            ctx.status(400);
            renderSessions(ctx, null, Console.messages(e));
        }
    }

    private void renderSessions(Context ctx, String notice, List<String> errors) {
        List<PolicyRow> rows = policies.list("OKTA_SIGN_ON", null, null).stream().map(p -> new PolicyRow(p, policies.rules(p.id()))).toList();
        console.render(ctx, "policies/sessions.jte", new SessionPage(console.frame(ctx, Nav.GLOBAL_SESSION_POLICY), rows,
                administrators.get().size(), notice, errors));
    }
}
