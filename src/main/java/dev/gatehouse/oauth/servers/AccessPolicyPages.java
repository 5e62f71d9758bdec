package dev.gatehouse.oauth.servers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import dev.gatehouse.errors.ApiError;
import io.javalin.http.Context;

import java.util.Arrays;
import java.util.List;

/**
 * The Access Policies tab of a custom authorization server in the Admin Console: its policies with their rules, adding
 * and editing both, moving them up and down, activating, deactivating and deleting (not the system ones). The forms are
 * turned into Okta's JSON and given to the same use cases as the API ({@link AccessPolicies}), so the rules and the
 * error texts are the same; every form carries the console's CSRF token.
 */
public final class AccessPolicyPages {

    /** A policy with its rules, as listed. */
    public record PolicyRow(AccessPolicy policy, List<AccessRule> rules) {
    }

    /** The model of {@code oauth/access-policies.jte}. */
    public record ListPage(ConsoleFrame frame, AuthorizationServer server, List<PolicyRow> policies, PolicyForm form, String notice,
                           List<String> errors) {
    }

    /** A policy form's values (empty for a new one). */
    public record PolicyForm(String name, String description, boolean allClients, String clientIds) {
        static PolicyForm empty() {
            return new PolicyForm("", "", true, "");
        }
    }

    /** The model of {@code oauth/access-policy-edit.jte}. */
    public record PolicyPage(ConsoleFrame frame, AuthorizationServer server, AccessPolicy policy, PolicyForm form, List<String> errors) {
    }

    /** A rule form's values. {@code people}: everyone, chosen or none. */
    public record RuleForm(String name, List<String> grantTypes, String people, String userIds, String groupIds, String excludeUserIds,
                           String excludeGroupIds, boolean anyScope, List<String> scopes, String accessMinutes, String refreshMinutes,
                           String windowMinutes) {
        static RuleForm empty() {
            return new RuleForm("", List.of("authorization_code", "refresh_token"), "everyone", "", "", "", "", true, List.of(),
                    String.valueOf(AccessPolicyInput.DEFAULT_ACCESS), String.valueOf(AccessPolicyInput.DEFAULT_REFRESH),
                    String.valueOf(AccessPolicyInput.DEFAULT_WINDOW));
        }

        static RuleForm of(AccessRule r) {
            String people = r.groupsInclude().contains(AccessRule.EVERYONE) ? "everyone" : r.namesPeople() ? "chosen" : "none";
            return new RuleForm(r.name(), r.grantTypes(), people, String.join(" ", r.usersInclude()),
                    String.join(" ", r.groupsInclude().stream().filter(g -> !g.equals(AccessRule.EVERYONE)).toList()),
                    String.join(" ", r.usersExclude()), String.join(" ", r.groupsExclude()), r.scopes().contains(AccessRule.ANY_SCOPE),
                    r.scopes(), String.valueOf(r.accessTokenMinutes()), String.valueOf(r.refreshTokenMinutes()),
                    String.valueOf(r.refreshWindowMinutes()));
        }
    }

    /** The model of {@code oauth/access-rule-form.jte}; {@code rule} null for a new one. */
    public record RulePage(ConsoleFrame frame, AuthorizationServer server, AccessPolicy policy, AccessRule rule, RuleForm form,
                           List<String> scopeNames, List<String> grantTypes, List<String> errors) {
    }

    /** The grant types the rule form offers (Gatehouse issues tokens for the first three). */
    static final List<String> FORM_GRANT_TYPES = List.of("authorization_code", "refresh_token", "client_credentials", "implicit", "password");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Console console;
    private final AuthorizationServers servers;
    private final AccessPolicies policies;
    private final Scopes scopes;

    public AccessPolicyPages(Console console, AuthorizationServers servers, AccessPolicies policies, Scopes scopes) {
        this.console = console;
        this.servers = servers;
        this.policies = policies;
        this.scopes = scopes;
    }

    // ── the list and policies ───────────────────────────────────────────────────────────────────────────────────
    public void list(Context ctx) {
        AuthorizationServer s = server(ctx);
        String notice = switch (String.valueOf(ctx.queryParam("notice"))) {
            case "saved" -> "Saved.";
            case "deleted" -> "Deleted.";
            case "moved" -> "Order changed.";
            case "activated" -> "Activated.";
            case "deactivated" -> "Deactivated.";
            default -> null;
        };
        renderList(ctx, s, PolicyForm.empty(), notice, List.of());
    }

    public void createPolicy(Context ctx) {
        AuthorizationServer s = server(ctx);
        PolicyForm form = policyForm(ctx);
        try {
            policies.create(console.event(ctx), s, policyJson(form));
            Console.seeOther(ctx, path(s) + "?notice=saved");
        } catch (ApiError e) {
            ctx.status(400);
            renderList(ctx, s, form, null, Console.messages(e));
        }
    }

    public void editPolicy(Context ctx) {
        AuthorizationServer s = server(ctx);
        AccessPolicy p = policies.get(s, ctx.pathParam("policyId"));
        boolean all = p.clients().contains(AccessPolicy.ALL_CLIENTS);
        render(ctx, "oauth/access-policy-edit.jte", new PolicyPage(frame(ctx), s, p,
                new PolicyForm(p.name(), p.description(), all, all ? "" : String.join(" ", p.clients())), List.of()));
    }

    public void updatePolicy(Context ctx) {
        AuthorizationServer s = server(ctx);
        AccessPolicy p = policies.get(s, ctx.pathParam("policyId"));
        PolicyForm form = policyForm(ctx);
        try {
            policies.replace(console.event(ctx), s, p.id(), policyJson(form));
            Console.seeOther(ctx, path(s) + "?notice=saved");
        } catch (ApiError e) {
            ctx.status(400);
            render(ctx, "oauth/access-policy-edit.jte", new PolicyPage(frame(ctx), s, p, form, Console.messages(e)));
        }
    }

    /** {@code activate}, {@code deactivate}, {@code delete}, {@code up} or {@code down}; anything else is 404. */
    public void policyAction(Context ctx) {
        AuthorizationServer s = server(ctx);
        String id = ctx.pathParam("policyId");
        try {
            String notice = switch (ctx.pathParam("op")) {
                case "activate" -> { policies.lifecycle(console.event(ctx), s, id, true); yield "activated"; }
                case "deactivate" -> { policies.lifecycle(console.event(ctx), s, id, false); yield "deactivated"; }
                case "delete" -> { policies.delete(console.event(ctx), s, id); yield "deleted"; }
                case "up" -> { policies.move(console.event(ctx), s, id, -1); yield "moved"; }
                case "down" -> { policies.move(console.event(ctx), s, id, 1); yield "moved"; }
                default -> throw ApiError.notFound(ctx.path(), "Page");
            };
            Console.seeOther(ctx, path(s) + "?notice=" + notice);
        } catch (ApiError e) {
            if (e.code().status() == 404) {
                throw e;
            }
            ctx.status(400);
            renderList(ctx, s, PolicyForm.empty(), null, Console.messages(e));
        }
    }

    // ── rules ───────────────────────────────────────────────────────────────────────────────────────────────────
    public void newRule(Context ctx) {
        AuthorizationServer s = server(ctx);
        AccessPolicy p = policies.get(s, ctx.pathParam("policyId"));
        renderRule(ctx, s, p, null, RuleForm.empty(), List.of());
    }

    public void createRule(Context ctx) {
        AuthorizationServer s = server(ctx);
        AccessPolicy p = policies.get(s, ctx.pathParam("policyId"));
        RuleForm form = ruleForm(ctx);
        try {
            policies.createRule(console.event(ctx), s, p.id(), ruleJson(form));
            Console.seeOther(ctx, path(s) + "?notice=saved");
        } catch (ApiError e) {
            ctx.status(400);
            renderRule(ctx, s, p, null, form, Console.messages(e));
        }
    }

    public void editRule(Context ctx) {
        AuthorizationServer s = server(ctx);
        AccessPolicy p = policies.get(s, ctx.pathParam("policyId"));
        AccessRule r = policies.rule(s, p.id(), ctx.pathParam("ruleId"));
        renderRule(ctx, s, p, r, RuleForm.of(r), List.of());
    }

    public void updateRule(Context ctx) {
        AuthorizationServer s = server(ctx);
        AccessPolicy p = policies.get(s, ctx.pathParam("policyId"));
        AccessRule r = policies.rule(s, p.id(), ctx.pathParam("ruleId"));
        RuleForm form = ruleForm(ctx);
        try {
            policies.replaceRule(console.event(ctx), s, p.id(), r.id(), ruleJson(form));
            Console.seeOther(ctx, path(s) + "?notice=saved");
        } catch (ApiError e) {
            ctx.status(400);
            renderRule(ctx, s, p, r, form, Console.messages(e));
        }
    }

    public void ruleAction(Context ctx) {
        AuthorizationServer s = server(ctx);
        String pid = ctx.pathParam("policyId");
        String rid = ctx.pathParam("ruleId");
        try {
            String notice = switch (ctx.pathParam("op")) {
                case "activate" -> { policies.ruleLifecycle(console.event(ctx), s, pid, rid, true); yield "activated"; }
                case "deactivate" -> { policies.ruleLifecycle(console.event(ctx), s, pid, rid, false); yield "deactivated"; }
                case "delete" -> { policies.deleteRule(console.event(ctx), s, pid, rid); yield "deleted"; }
                case "up" -> { policies.moveRule(console.event(ctx), s, pid, rid, -1); yield "moved"; }
                case "down" -> { policies.moveRule(console.event(ctx), s, pid, rid, 1); yield "moved"; }
                default -> throw ApiError.notFound(ctx.path(), "Page");
            };
            Console.seeOther(ctx, path(s) + "?notice=" + notice);
        } catch (ApiError e) {
            if (e.code().status() == 404) {
                throw e;
            }
            ctx.status(400);
            renderList(ctx, s, PolicyForm.empty(), null, Console.messages(e));
        }
    }

    // ── forms → Okta's JSON ─────────────────────────────────────────────────────────────────────────────────────
    private static PolicyForm policyForm(Context ctx) {
        return new PolicyForm(form(ctx, "name"), form(ctx, "description"), !"some".equals(ctx.formParam("clients")), form(ctx, "clientIds"));
    }

    static ObjectNode policyJson(PolicyForm f) {
        ObjectNode body = F.objectNode().put("type", AccessPolicy.TYPE).put("name", f.name()).put("description", f.description());
        ArrayNode include = f.allClients() ? F.arrayNode().add(AccessPolicy.ALL_CLIENTS) : ids(f.clientIds());
        body.putObject("conditions").putObject("clients").set("include", include);
        return body;
    }

    private static RuleForm ruleForm(Context ctx) {
        return new RuleForm(form(ctx, "name"), ctx.formParams("grantTypes"), form(ctx, "people"), form(ctx, "userIds"), form(ctx, "groupIds"),
                form(ctx, "excludeUserIds"), form(ctx, "excludeGroupIds"), !"chosen".equals(ctx.formParam("scopeMode")), ctx.formParams("scopes"),
                form(ctx, "accessMinutes"), form(ctx, "refreshMinutes"), form(ctx, "windowMinutes"));
    }

    static ObjectNode ruleJson(RuleForm f) {
        ObjectNode body = F.objectNode().put("type", AccessRule.TYPE).put("name", f.name());
        ObjectNode conditions = body.putObject("conditions");
        ObjectNode people = conditions.putObject("people");
        ObjectNode users = people.putObject("users");
        ObjectNode groups = people.putObject("groups");
        switch (f.people()) {
            case "everyone" -> groups.set("include", F.arrayNode().add(AccessRule.EVERYONE));
            case "chosen" -> {
                users.set("include", ids(f.userIds()));
                groups.set("include", ids(f.groupIds()));
            }
            default -> { }
        }
        if (!"none".equals(f.people())) {
            users.set("exclude", ids(f.excludeUserIds()));
            groups.set("exclude", ids(f.excludeGroupIds()));
        }
        ArrayNode grants = F.arrayNode();
        f.grantTypes().forEach(grants::add);
        conditions.putObject("grantTypes").set("include", grants);
        ArrayNode scopeList = F.arrayNode();
        if (f.anyScope()) {
            scopeList.add(AccessRule.ANY_SCOPE);
        } else {
            f.scopes().forEach(scopeList::add);
        }
        conditions.putObject("scopes").set("include", scopeList);
        ObjectNode token = body.putObject("actions").putObject("token");
        minutes(token, "accessTokenLifetimeMinutes", f.accessMinutes());
        minutes(token, "refreshTokenLifetimeMinutes", f.refreshMinutes());
        minutes(token, "refreshTokenWindowMinutes", f.windowMinutes());
        return body;
    }

    /** A number as a number, anything else as the text (the use case then says it is not an integer). */
    private static void minutes(ObjectNode token, String field, String value) {
        String v = value.strip();
        if (v.matches("[0-9]{1,9}")) {
            token.put(field, Integer.parseInt(v));
        } else if (!v.isEmpty()) {
            token.put(field, v);
        }
    }

    private static ArrayNode ids(String text) {
        ArrayNode out = F.arrayNode();
        Arrays.stream(text.split("[\\s,]+")).filter(x -> !x.isBlank()).forEach(out::add);
        return out;
    }

    // ── rendering ───────────────────────────────────────────────────────────────────────────────────────────────
    private void renderList(Context ctx, AuthorizationServer s, PolicyForm form, String notice, List<String> errors) {
        List<PolicyRow> rows = policies.list(s).stream().map(p -> new PolicyRow(p, policies.rules(s, p.id()))).toList();
        render(ctx, "oauth/access-policies.jte", new ListPage(frame(ctx), s, rows, form, notice, errors));
    }

    private void renderRule(Context ctx, AuthorizationServer s, AccessPolicy p, AccessRule r, RuleForm form, List<String> errors) {
        List<String> names = scopes.list(s.id()).stream().map(Scope::name).toList();
        render(ctx, "oauth/access-rule-form.jte", new RulePage(frame(ctx), s, p, r, form, names, FORM_GRANT_TYPES, errors));
    }

    private void render(Context ctx, String template, Object page) {
        console.render(ctx, template, page);
    }

    private ConsoleFrame frame(Context ctx) {
        return console.frame(ctx, Nav.AUTHORIZATION_SERVERS);
    }

    /** A custom server (the org AS has no access policies: 404 here, as in the API). */
    private AuthorizationServer server(Context ctx) {
        String id = ctx.pathParam("id");
        return servers.find(id).filter(s -> !s.org()).orElseThrow(() -> ApiError.notFound(id, AuthorizationServers.TYPE));
    }

    private static String form(Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null ? "" : v;
    }

    static String path(AuthorizationServer s) {
        return Nav.AUTHORIZATION_SERVERS.path() + "/" + s.id() + "/policies";
    }

    /** The text of a rule's people condition, for the list. */
    public static String people(AccessRule r) {
        if (!r.namesPeople()) {
            return "No user (client credentials)";
        }
        StringBuilder b = new StringBuilder();
        if (r.groupsInclude().contains(AccessRule.EVERYONE)) {
            b.append("Everyone");
        } else {
            b.append(String.join(", ", List.of(r.usersInclude().size() + " user(s)", (r.groupsInclude().size()) + " group(s)")));
        }
        if (!r.usersExclude().isEmpty() || !r.groupsExclude().isEmpty()) {
            b.append(" except ").append(r.usersExclude().size()).append(" user(s), ").append(r.groupsExclude().size()).append(" group(s)");
        }
        return b.toString();
    }

    /** Lifetimes as people read them. */
    public static String lifetimes(AccessRule r) {
        return "Access " + minutesText(r.accessTokenMinutes()) + "; refresh " + (r.refreshTokenMinutes() == 0 ? "unlimited"
                : minutesText(r.refreshTokenMinutes())) + ", idle " + minutesText(r.refreshWindowMinutes());
    }

    private static String minutesText(int minutes) {
        return AuthorizationServerPages.lifetime(java.time.Duration.ofMinutes(minutes));
    }

}
