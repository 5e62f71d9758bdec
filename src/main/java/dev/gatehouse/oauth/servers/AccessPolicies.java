package dev.gatehouse.oauth.servers;

import dev.gatehouse.api.Priorities;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ApiError.Cause;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.storage.ChangeFeed;
import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import dev.gatehouse.storage.Ids;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The access-policy use cases of custom authorization servers ({@code /api/v1/authorizationServers/{id}/policies} and the
 * console), each change in one transaction with its System Log event, announced on {@link AuthorizationServers#CHANNEL} so
 * that {@link AccessPolicyEvaluator}'s snapshot is dropped on every node.
 *
 * <p>Priorities are Okta's "v1" semantics: dense 1..n per server (policies) and per policy (rules); creating or moving
 * one to N shifts the ones between its old and new place; a priority past the end (or none) means last, below 1 means
 * first; a delete closes the gap. The seeded Default Policy and Default Policy Rule are {@code system}: they can be edited,
 * moved and deactivated, but not deleted (403 E0000006, Gatehouse's choice: Okta documents only "You can't delete system
 * rules").
 */
public final class AccessPolicies {

    static final String POLICY_TYPE = "AuthorizationServerPolicy";
    static final String RULE_TYPE = "AuthorizationServerPolicyRule";
    static final int MAX_POLICIES = 100;
    static final int MAX_RULES = 50;
    /** The fixed ids of the {@code default} server's seeded policy and rule (the same V30 gives it on an upgraded store). */
    static final String DEFAULT_POLICY_ID = "00p0Gatehouse0AsDflt";
    static final String DEFAULT_RULE_ID = "0pr0Gatehouse0AsDflt";

    private final Database db;
    private final ChangeFeed changes;
    private final AccessPolicyStore store;
    private final Scopes scopes;
    private final Predicate<String> clientExists;
    private final Predicate<String> userExists;
    private final Predicate<String> groupExists;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;

    /** {@code clientExists}, {@code userExists}, {@code groupExists}: what a policy or rule may name, asked when one is written. */
    public AccessPolicies(Database db, ChangeFeed changes, AccessPolicyStore store, Scopes scopes, Predicate<String> clientExists,
                          Predicate<String> userExists, Predicate<String> groupExists, SystemLog log, Ids ids, Clock clock) {
        this.db = db;
        this.changes = changes;
        this.store = store;
        this.scopes = scopes;
        this.clientExists = clientExists;
        this.userExists = userExists;
        this.groupExists = groupExists;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
    }

    // ── policies ────────────────────────────────────────────────────────────────────────────────────────────────
    public List<AccessPolicy> list(AuthorizationServer server) {
        return db.read(h -> store.policies(h, server.id()));
    }

    public AccessPolicy get(AuthorizationServer server, String policyId) {
        return db.read(h -> store.policy(h, server.id(), policyId)).orElseThrow(() -> ApiError.notFound(policyId, POLICY_TYPE));
    }

    public AccessPolicy create(EventContext ctx, AuthorizationServer server, JsonNode body) {
        AccessPolicyInput.PolicyBody in = AccessPolicyInput.policy(body, catalog(server));
        return Scopes.uniqueName(() -> changes.write(AuthorizationServers.CHANNEL, h -> {
            lockServer(h, server);
            List<AccessPolicy> existing = store.policies(h, server.id());
            if (existing.size() >= MAX_POLICIES) {
                throw ApiError.validation("priority", "An authorization server has at most " + MAX_POLICIES + " access policies");
            }
            if (store.nameTaken(h, server.id(), in.name(), null)) {
                throw ApiError.validation("name", Scopes.DUPLICATE);
            }
            Instant now = clock.instant();
            AccessPolicy p = new AccessPolicy(ids.next("00p"), server.id(), in.name(), in.description(), in.active() == null || in.active(),
                    existing.size() + 1, false, in.clients(), now, now);
            store.insert(h, p);
            placePolicy(h, server.id(), p.id(), in.priority());
            log.record(h, ctx, SystemLog.Entry.success("policy.lifecycle.create", "Create authorization server policy", target(p),
                    AuthorizationServers.target(server)));
            return store.policy(h, server.id(), p.id()).orElseThrow();
        }));
    }

    /** PUT: replaces name, description, clients (and status and priority when given). */
    public AccessPolicy replace(EventContext ctx, AuthorizationServer server, String policyId, JsonNode body) {
        get(server, policyId);
        AccessPolicyInput.PolicyBody in = AccessPolicyInput.policy(body, catalog(server));
        return Scopes.uniqueName(() -> changes.write(AuthorizationServers.CHANNEL, h -> {
            lockServer(h, server);
            AccessPolicy p = store.policy(h, server.id(), policyId).orElseThrow(() -> ApiError.notFound(policyId, POLICY_TYPE));
            if (store.nameTaken(h, server.id(), in.name(), policyId)) {
                throw ApiError.validation("name", Scopes.DUPLICATE);
            }
            store.replace(h, policyId, in.name(), in.description(), in.active() == null ? p.active() : in.active(), in.clients(),
                    later(p.lastUpdated()));
            if (in.priority() != null) {
                placePolicy(h, server.id(), policyId, in.priority());
            }
            log.record(h, ctx, SystemLog.Entry.success("policy.lifecycle.update", "Update authorization server policy", target(p),
                    AuthorizationServers.target(server)));
            return store.policy(h, server.id(), policyId).orElseThrow();
        }));
    }

    public void delete(EventContext ctx, AuthorizationServer server, String policyId) {
        changes.inTx(AuthorizationServers.CHANNEL, h -> {
            lockServer(h, server);
            AccessPolicy p = store.policy(h, server.id(), policyId).orElseThrow(() -> ApiError.notFound(policyId, POLICY_TYPE));
            if (p.system()) {
                throw forbidden("The policy " + p.name() + " is a system policy: it cannot be deleted. Deactivate it instead.");
            }
            store.delete(h, policyId);
            placePolicy(h, server.id(), null, null);
            log.record(h, ctx, SystemLog.Entry.success("policy.lifecycle.delete", "Delete authorization server policy", target(p),
                    AuthorizationServers.target(server)));
        });
    }

    /** 204 at Okta whether or not it changed; the event only when it did. */
    public void lifecycle(EventContext ctx, AuthorizationServer server, String policyId, boolean activate) {
        changes.inTx(AuthorizationServers.CHANNEL, h -> {
            AccessPolicy p = store.policy(h, server.id(), policyId).orElseThrow(() -> ApiError.notFound(policyId, POLICY_TYPE));
            if (store.changeStatus(h, policyId, activate, later(p.lastUpdated()))) {
                log.record(h, ctx, SystemLog.Entry.success(activate ? "policy.lifecycle.activate" : "policy.lifecycle.deactivate",
                        (activate ? "Activate" : "Deactivate") + " authorization server policy", target(p), AuthorizationServers.target(server)));
            }
        });
    }

    /** Moves a policy one place up (-1) or down (+1), for the console. */
    public void move(EventContext ctx, AuthorizationServer server, String policyId, int delta) {
        changes.inTx(AuthorizationServers.CHANNEL, h -> {
            lockServer(h, server);
            AccessPolicy p = store.policy(h, server.id(), policyId).orElseThrow(() -> ApiError.notFound(policyId, POLICY_TYPE));
            placePolicy(h, server.id(), policyId, Math.max(1, p.priority() + delta));
            log.record(h, ctx, SystemLog.Entry.success("policy.lifecycle.update", "Update authorization server policy", target(p),
                    AuthorizationServers.target(server)));
        });
    }

    // ── rules ───────────────────────────────────────────────────────────────────────────────────────────────────
    public List<AccessRule> rules(AuthorizationServer server, String policyId) {
        get(server, policyId);
        return db.read(h -> store.rules(h, policyId));
    }

    public AccessRule rule(AuthorizationServer server, String policyId, String ruleId) {
        get(server, policyId);
        return db.read(h -> store.rule(h, policyId, ruleId)).orElseThrow(() -> ApiError.notFound(ruleId, RULE_TYPE));
    }

    public AccessRule createRule(EventContext ctx, AuthorizationServer server, String policyId, JsonNode body) {
        AccessPolicy policy = get(server, policyId);
        AccessPolicyInput.RuleBody in = AccessPolicyInput.rule(body, catalog(server));
        return Scopes.uniqueName(() -> changes.write(AuthorizationServers.CHANNEL, h -> {
            if (!store.lockPolicy(h, policyId)) {
                throw ApiError.notFound(policyId, POLICY_TYPE);
            }
            List<AccessRule> existing = store.rules(h, policyId);
            if (existing.size() >= MAX_RULES) {
                throw ApiError.validation("priority", "A policy has at most " + MAX_RULES + " rules");
            }
            if (store.ruleNameTaken(h, policyId, in.name(), null)) {
                throw ApiError.validation("name", Scopes.DUPLICATE);
            }
            Instant now = clock.instant();
            AccessRule r = rule(ids.next("0pr"), policyId, existing.size() + 1, false, in, now, now);
            store.insertRule(h, r);
            placeRule(h, policyId, r.id(), in.priority());
            log.record(h, ctx, SystemLog.Entry.success("policy.rule.add", "Add authorization server policy rule", ruleTarget(r), target(policy)));
            return store.rule(h, policyId, r.id()).orElseThrow();
        }));
    }

    public AccessRule replaceRule(EventContext ctx, AuthorizationServer server, String policyId, String ruleId, JsonNode body) {
        AccessPolicy policy = get(server, policyId);
        rule(server, policyId, ruleId);
        AccessPolicyInput.RuleBody in = AccessPolicyInput.rule(body, catalog(server));
        return Scopes.uniqueName(() -> changes.write(AuthorizationServers.CHANNEL, h -> {
            store.lockPolicy(h, policyId);
            AccessRule current = store.rule(h, policyId, ruleId).orElseThrow(() -> ApiError.notFound(ruleId, RULE_TYPE));
            if (store.ruleNameTaken(h, policyId, in.name(), ruleId)) {
                throw ApiError.validation("name", Scopes.DUPLICATE);
            }
            AccessRule next = rule(ruleId, policyId, current.priority(), current.system(),
                    in.active() == null ? withStatus(in, current.active()) : in, current.created(), later(current.lastUpdated()));
            store.replaceRule(h, next, next.lastUpdated());
            if (in.priority() != null) {
                placeRule(h, policyId, ruleId, in.priority());
            }
            log.record(h, ctx, SystemLog.Entry.success("policy.rule.update", "Update authorization server policy rule", ruleTarget(current),
                    target(policy)));
            return store.rule(h, policyId, ruleId).orElseThrow();
        }));
    }

    public void deleteRule(EventContext ctx, AuthorizationServer server, String policyId, String ruleId) {
        AccessPolicy policy = get(server, policyId);
        changes.inTx(AuthorizationServers.CHANNEL, h -> {
            store.lockPolicy(h, policyId);
            AccessRule r = store.rule(h, policyId, ruleId).orElseThrow(() -> ApiError.notFound(ruleId, RULE_TYPE));
            if (r.system()) {
                throw forbidden("The rule " + r.name() + " is a system rule: it cannot be deleted. Deactivate it instead.");
            }
            store.deleteRule(h, ruleId);
            placeRule(h, policyId, null, null);
            log.record(h, ctx, SystemLog.Entry.success("policy.rule.delete", "Delete authorization server policy rule", ruleTarget(r), target(policy)));
        });
    }

    public void ruleLifecycle(EventContext ctx, AuthorizationServer server, String policyId, String ruleId, boolean activate) {
        AccessPolicy policy = get(server, policyId);
        changes.inTx(AuthorizationServers.CHANNEL, h -> {
            AccessRule r = store.rule(h, policyId, ruleId).orElseThrow(() -> ApiError.notFound(ruleId, RULE_TYPE));
            if (store.changeRuleStatus(h, ruleId, activate, later(r.lastUpdated()))) {
                log.record(h, ctx, SystemLog.Entry.success(activate ? "policy.rule.activate" : "policy.rule.deactivate",
                        (activate ? "Activate" : "Deactivate") + " authorization server policy rule", ruleTarget(r), target(policy)));
            }
        });
    }

    /** Moves a rule one place up (-1) or down (+1) within its policy, for the console. */
    public void moveRule(EventContext ctx, AuthorizationServer server, String policyId, String ruleId, int delta) {
        AccessPolicy policy = get(server, policyId);
        changes.inTx(AuthorizationServers.CHANNEL, h -> {
            store.lockPolicy(h, policyId);
            AccessRule r = store.rule(h, policyId, ruleId).orElseThrow(() -> ApiError.notFound(ruleId, RULE_TYPE));
            placeRule(h, policyId, ruleId, Math.max(1, r.priority() + delta));
            log.record(h, ctx, SystemLog.Entry.success("policy.rule.update", "Update authorization server policy rule", ruleTarget(r), target(policy)));
        });
    }

    // ── the default server's seed ───────────────────────────────────────────────────────────────────────────────
    /**
     * Gives {@code default} Okta's Default Policy and Default Policy Rule when it has no system policy: on a new store the
     * server is made after V30 ran (V30 seeds the servers that existed before it). System policies cannot be deleted, so
     * a missing one means a fresh store. Two nodes racing: the fixed ids make the second insert fail, and it is ignored.
     */
    public void ensureDefaultPolicy(AuthorizationServer server) {
        if (server.org() || !server.id().equals(AuthorizationServers.DEFAULT)
                || db.read(h -> store.policies(h, server.id())).stream().anyMatch(AccessPolicy::system)) {
            return;
        }
        Instant now = clock.instant();
        TokenLifetimes l = server.lifetimes();
        try {
            changes.inTx(AuthorizationServers.CHANNEL, h -> {
                store.insert(h, new AccessPolicy(DEFAULT_POLICY_ID, server.id(), "Default Policy", "Default policy description", true, 1, true,
                        List.of(AccessPolicy.ALL_CLIENTS), now, now));
                store.insertRule(h, new AccessRule(DEFAULT_RULE_ID, DEFAULT_POLICY_ID, "Default Policy Rule", true, 1, true, List.of(), List.of(),
                        List.of(AccessRule.EVERYONE), List.of(), AccessPolicyInput.SUPPORTED_GRANT_TYPES, List.of(AccessRule.ANY_SCOPE),
                        (int) l.accessToken().toMinutes(), (int) l.refreshTokenMax().toMinutes(), (int) l.refreshTokenIdle().toMinutes(),
                        null, now, now));
                placePolicy(h, server.id(), null, null);
            });
        } catch (RuntimeException e) {
            if (!Database.isUniqueViolation(e)) {
                throw e;
            }
        }
    }

    // ── priorities ──────────────────────────────────────────────────────────────────────────────────────────────
    private void placePolicy(Handle h, String serverId, String id, Integer wanted) {
        List<String> order = Priorities.place(store.policies(h, serverId).stream().map(AccessPolicy::id).filter(x -> !x.equals(id)).toList(),
                id, wanted, 1);
        for (int i = 0; i < order.size(); i++) {
            store.setPriority(h, order.get(i), i + 1);
        }
    }

    private void placeRule(Handle h, String policyId, String id, Integer wanted) {
        List<String> order = Priorities.place(store.rules(h, policyId).stream().map(AccessRule::id).filter(x -> !x.equals(id)).toList(),
                id, wanted, 1);
        for (int i = 0; i < order.size(); i++) {
            store.setRulePriority(h, order.get(i), i + 1);
        }
    }

    // ── helpers ─────────────────────────────────────────────────────────────────────────────────────────────────
    private void lockServer(Handle h, AuthorizationServer server) {
        if (!store.lockServer(h, server.id())) {
            throw ApiError.notFound(server.id(), AuthorizationServers.TYPE);
        }
    }

    private AccessPolicyInput.Catalog catalog(AuthorizationServer server) {
        return new AccessPolicyInput.Catalog(clientExists, userExists, groupExists,
                scopes.list(server.id()).stream().map(Scope::name).collect(java.util.stream.Collectors.toUnmodifiableSet()));
    }

    private static AccessRule rule(String id, String policyId, int priority, boolean system, AccessPolicyInput.RuleBody in, Instant created,
                                   Instant updated) {
        return new AccessRule(id, policyId, in.name(), in.active() == null || in.active(), priority, system, in.usersInclude(), in.usersExclude(),
                in.groupsInclude(), in.groupsExclude(), in.grantTypes(), in.scopes(), in.accessTokenMinutes(), in.refreshTokenMinutes(),
                in.refreshWindowMinutes(), in.inlineHookId(), created, updated);
    }

    private static AccessPolicyInput.RuleBody withStatus(AccessPolicyInput.RuleBody in, boolean active) {
        return new AccessPolicyInput.RuleBody(in.name(), active, in.priority(), in.usersInclude(), in.usersExclude(), in.groupsInclude(),
                in.groupsExclude(), in.grantTypes(), in.scopes(), in.accessTokenMinutes(), in.refreshTokenMinutes(), in.refreshWindowMinutes(),
                in.inlineHookId());
    }

    private Instant later(Instant previous) {
        Instant now = clock.instant();
        return now.isAfter(previous) ? now : previous.plusMillis(1);
    }


    static Target target(AccessPolicy p) {
        return new Target(p.id(), "PolicyEntity", AccessPolicy.TYPE, p.name());
    }

    static Target ruleTarget(AccessRule r) {
        return new Target(r.id(), "PolicyRule", AccessRule.TYPE, r.name());
    }

    private static ApiError forbidden(String why) {
        return new ApiError(ErrorCode.E0000006, ErrorCode.E0000006.summary(null), List.of(new Cause(null, why)));
    }

}
