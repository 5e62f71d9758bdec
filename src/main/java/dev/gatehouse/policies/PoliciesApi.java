package dev.gatehouse.policies;

import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.errors.ApiError;
import io.javalin.http.Context;

/**
 * {@code /api/v1/policies} (ACCESS_POLICY, MFA_ENROLL, OKTA_SIGN_ON), their rules, and
 * {@code PUT /api/v1/apps/{appId}/policies/{policyId}}, for super admins: reads the request, leaves every rule to
 * {@link Policies}. Lifecycle calls and DELETE answer 204 with no body, as Okta's.
 */
public final class PoliciesApi {

    private final Policies policies;
    private final PolicyJson json;

    public PoliciesApi(Policies policies, PolicyJson json) {
        this.policies = policies;
        this.json = json;
    }

    public void list(Context ctx) {
        ctx.json(json.policies(policies.list(ctx.queryParam("type"), ctx.queryParam("status"), ctx.queryParam("q"))));
    }

    public void create(Context ctx) {
        ctx.json(json.policy(policies.create(ApiRequests.event(ctx), ApiRequests.object(ctx), activate(ctx))));
    }

    public void get(Context ctx) {
        ctx.json(json.policy(policies.get(ctx.pathParam("id"))));
    }

    public void replace(Context ctx) {
        ctx.json(json.policy(policies.replace(ApiRequests.event(ctx), ctx.pathParam("id"), ApiRequests.object(ctx))));
    }

    public void delete(Context ctx) {
        policies.delete(ApiRequests.event(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }

    public void lifecycle(Context ctx) {
        policies.lifecycle(ApiRequests.event(ctx), ctx.pathParam("id"), operation(ctx));
        ctx.status(204);
    }

    public void rules(Context ctx) {
        ctx.json(json.rules(policies.rules(ctx.pathParam("id"))));
    }

    public void createRule(Context ctx) {
        ctx.json(json.rule(policies.createRule(ApiRequests.event(ctx), ctx.pathParam("id"), ApiRequests.object(ctx), activate(ctx))));
    }

    public void rule(Context ctx) {
        ctx.json(json.rule(policies.rule(ctx.pathParam("id"), ctx.pathParam("ruleId"))));
    }

    public void replaceRule(Context ctx) {
        ctx.json(json.rule(policies.replaceRule(ApiRequests.event(ctx), ctx.pathParam("id"), ctx.pathParam("ruleId"),
                ApiRequests.object(ctx))));
    }

    public void deleteRule(Context ctx) {
        policies.deleteRule(ApiRequests.event(ctx), ctx.pathParam("id"), ctx.pathParam("ruleId"));
        ctx.status(204);
    }

    public void ruleLifecycle(Context ctx) {
        policies.ruleLifecycle(ApiRequests.event(ctx), ctx.pathParam("id"), ctx.pathParam("ruleId"), operation(ctx));
        ctx.status(204);
    }

    /** {@code PUT /api/v1/apps/{id}/policies/{policyId}}: 204, no body. */
    public void assign(Context ctx) {
        policies.assign(ApiRequests.event(ctx), ctx.pathParam("id"), ctx.pathParam("policyId"));
        ctx.status(204);
    }

    private static boolean operation(Context ctx) {
        return switch (ctx.pathParam("operation")) {
            case "activate" -> true;
            case "deactivate" -> false;
            default -> throw ApiError.notFound(ctx.path(), "Path");
        };
    }

    /** {@code ?activate=} defaults to true, as Okta's. */
    private static boolean activate(Context ctx) {
        String a = ctx.queryParam("activate");
        if (a == null || a.equals("true")) {
            return true;
        }
        if (a.equals("false")) {
            return false;
        }
        throw ApiError.validation("activate", "Must be true or false");
    }
}
