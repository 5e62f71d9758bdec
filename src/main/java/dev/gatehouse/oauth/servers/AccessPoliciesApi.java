package dev.gatehouse.oauth.servers;

import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.errors.ApiError;
import io.javalin.http.Context;

/**
 * {@code /api/v1/authorizationServers/{id}/policies[/{policyId}[/rules[/{ruleId}]]]} and their lifecycle operations:
 * Okta's AuthorizationServerPolicies and AuthorizationServerRules APIs (201 on create, 204 on delete and lifecycle). The
 * org authorization server is not addressable here (404, as every {@code /api/v1/authorizationServers/{id}} call for it).
 * Every rule is in {@link AccessPolicies} and {@link AccessPolicyInput}.
 */
public final class AccessPoliciesApi {

    private final AuthorizationServers servers;
    private final AccessPolicies policies;
    private final AccessPolicyJson json;

    public AccessPoliciesApi(AuthorizationServers servers, AccessPolicies policies, AccessPolicyJson json) {
        this.servers = servers;
        this.policies = policies;
        this.json = json;
    }

    /** Every policy of the server by priority (Okta does not page this list). */
    public void list(Context ctx) {
        AuthorizationServer s = server(ctx);
        ctx.json(policies.list(s).stream().map(json::policy).toList());
    }

    public void create(Context ctx) {
        AuthorizationServer s = server(ctx);
        ctx.status(201).json(json.policy(policies.create(ApiRequests.event(ctx), s, ApiRequests.object(ctx))));
    }

    public void get(Context ctx) {
        AuthorizationServer s = server(ctx);
        ctx.json(json.policy(policies.get(s, ctx.pathParam("policyId"))));
    }

    public void replace(Context ctx) {
        AuthorizationServer s = server(ctx);
        ctx.json(json.policy(policies.replace(ApiRequests.event(ctx), s, ctx.pathParam("policyId"), ApiRequests.object(ctx))));
    }

    public void delete(Context ctx) {
        AuthorizationServer s = server(ctx);
        policies.delete(ApiRequests.event(ctx), s, ctx.pathParam("policyId"));
        ctx.status(204);
    }

    public void lifecycle(Context ctx) {
        AuthorizationServer s = server(ctx);
        policies.lifecycle(ApiRequests.event(ctx), s, ctx.pathParam("policyId"), activate(ctx));
        ctx.status(204);
    }

    public void rules(Context ctx) {
        AuthorizationServer s = server(ctx);
        ctx.json(policies.rules(s, ctx.pathParam("policyId")).stream().map(r -> json.rule(s.id(), r)).toList());
    }

    public void createRule(Context ctx) {
        AuthorizationServer s = server(ctx);
        ctx.status(201).json(json.rule(s.id(), policies.createRule(ApiRequests.event(ctx), s, ctx.pathParam("policyId"), ApiRequests.object(ctx))));
    }

    public void rule(Context ctx) {
        AuthorizationServer s = server(ctx);
        ctx.json(json.rule(s.id(), policies.rule(s, ctx.pathParam("policyId"), ctx.pathParam("ruleId"))));
    }

    public void replaceRule(Context ctx) {
        AuthorizationServer s = server(ctx);
        ctx.json(json.rule(s.id(), policies.replaceRule(ApiRequests.event(ctx), s, ctx.pathParam("policyId"), ctx.pathParam("ruleId"),
                ApiRequests.object(ctx))));
    }

    public void deleteRule(Context ctx) {
        AuthorizationServer s = server(ctx);
        policies.deleteRule(ApiRequests.event(ctx), s, ctx.pathParam("policyId"), ctx.pathParam("ruleId"));
        ctx.status(204);
    }

    public void ruleLifecycle(Context ctx) {
        AuthorizationServer s = server(ctx);
        policies.ruleLifecycle(ApiRequests.event(ctx), s, ctx.pathParam("policyId"), ctx.pathParam("ruleId"), activate(ctx));
        ctx.status(204);
    }

    private AuthorizationServer server(Context ctx) {
        return servers.get(ctx.pathParam("id"));
    }

    private static boolean activate(Context ctx) {
        return switch (ctx.pathParam("operation")) {
            case "activate" -> true;
            case "deactivate" -> false;
            default -> throw ApiError.notFound(ctx.path(), "Path");
        };
    }
}
