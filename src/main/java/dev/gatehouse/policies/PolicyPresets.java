package dev.gatehouse.policies;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.syslog.EventContext;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The console's one-click changes, each made of {@link Policies}' use cases (so every rule and event of the API applies):
 * Okta's "Any two factors" app sign-in policy, the default enrollment policy's levels, and "Require a second factor for
 * administrators".
 */
public final class PolicyPresets {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Policies policies;

    public PolicyPresets(Policies policies) {
        this.policies = policies;
    }

    /**
     * The console's one-click preset: Okta's "Any two factors" app sign-in policy (not system: Gatehouse's default stays
     * Password only), its Catch-all 2FA; the existing one when it is already there.
     */
    public Policy anyTwoFactors(EventContext ctx) {
        Optional<Policy> existing = policies.list("ACCESS_POLICY", null, null).stream().filter(p -> p.name().equals("Any two factors")).findFirst();
        if (existing.isPresent()) {
            return existing.get();
        }
        ObjectNode body = F.objectNode().put("type", "ACCESS_POLICY").put("name", "Any two factors")
                .put("description", "Require two factors to access.");
        return policies.create(ctx, body, true);
    }

    /**
     * The console's Authenticator Enrollment: the default MFA_ENROLL policy with each authenticator at the level given
     * (REQUIRED, OPTIONAL or NOT_ALLOWED), through {@link #replace} and its checks.
     */
    public Policy setDefaultEnrollment(EventContext ctx, Map<String, String> levels) {
        Policy d = policies.defaultPolicy(PolicyType.MFA_ENROLL);
        ObjectNode body = F.objectNode().put("type", "MFA_ENROLL").put("name", d.name());
        if (d.description() != null) {
            body.put("description", d.description());
        }
        ObjectNode settings = body.putObject("settings").put("type", "AUTHENTICATORS");
        var list = settings.putArray("authenticators");
        levels.forEach((key, level) -> list.addObject().put("key", key).putObject("enroll").put("self", level));
        return policies.replace(ctx, d.id(), body);
    }

    static final String ADMINS_POLICY = "Administrators";
    static final String ADMINS_RULE = "Second factor for administrators";

    /**
     * The console's one click "Require a second factor for administrators": an OKTA_SIGN_ON policy "Administrators"
     * (first, for Everyone) whose rule requires a second factor at every sign-in of the people listed, the super admins
     * of the moment. Super admin is a role, not a group, in Gatehouse: the rule names the people, and clicking again
     * brings the list up to date.
     */
    public Policy requireSecondFactorFor(EventContext ctx, List<String> adminIds) {
        if (adminIds.isEmpty()) {
            throw ApiError.validation("people", "There is no administrator to require it of");
        }
        Policy p = policies.list("OKTA_SIGN_ON", null, null).stream().filter(x -> x.name().equals(ADMINS_POLICY)).findFirst()
                .orElseGet(() -> policies.create(ctx, F.objectNode().put("type", "OKTA_SIGN_ON").put("name", ADMINS_POLICY).put("priority", 1)
                        .put("description", "Administrators sign in with a second factor."), true));
        if (!p.active()) {
            policies.lifecycle(ctx, p.id(), true);
        }
        ObjectNode rule = F.objectNode().put("name", ADMINS_RULE).put("type", "SIGN_ON");
        var include = rule.putObject("conditions").putObject("people").putObject("users").putArray("include");
        adminIds.stream().limit(100).forEach(include::add);
        rule.putObject("actions").putObject("signon").put("access", "ALLOW").put("requireFactor", true).put("factorPromptMode", "ALWAYS");
        Optional<PolicyRule> existing = policies.rules(p.id()).stream().filter(r -> r.name().equals(ADMINS_RULE)).findFirst();
        if (existing.isPresent()) {
            policies.replaceRule(ctx, p.id(), existing.get().id(), rule);
            if (!existing.get().active()) {
                policies.ruleLifecycle(ctx, p.id(), existing.get().id(), true);
            }
        } else {
            policies.createRule(ctx, p.id(), rule, true);
        }
        return policies.get(p.id());
    }
}
