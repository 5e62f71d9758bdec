package dev.gatehouse.policies;

import dev.gatehouse.api.Priorities;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.Apps;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ApiError.Cause;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.storage.ChangeFeed;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The policy use cases, shared by {@code /api/v1/policies}, {@code PUT /api/v1/apps/{appId}/policies/{policyId}} and the
 * console: each change in one transaction with its System Log event, announced on {@link #CHANNEL} so that
 * {@link SignOnPolicies}' snapshot is dropped on every node.
 *
 * <p>Priorities as Okta's: inserting at N shifts the others down, the numbers stay contiguous, and the system policy or
 * rule stays last (an app sign-in policy's Catch-all Rule keeps 99; every app sign-in policy has priority 1, as at Okta,
 * because an app has exactly one). System policies and rules cannot be deleted or deactivated (403); a PUT on them
 * changes what they do but not their name or place. An app sign-in policy still assigned to apps is neither deleted nor
 * deactivated (400 naming the apps): Terraform re-assigns the apps first, and a silent move to the default would
 * weaken their sign-in.
 *
 * <p>Somewhat over 400 lines because policies, rules and app assignments share one set of locks, priority rules and
 * events; the JSON checks live in {@link PolicyInput} and {@link RuleActions}, the console's presets in
 * {@link PolicyPresets}.
 */
public final class Policies {

    public static final String CHANNEL = "policies";
    static final String CREATE = "policy.lifecycle.create";
    static final String UPDATE = "policy.lifecycle.update";
    static final String ACTIVATE = "policy.lifecycle.activate";
    static final String DEACTIVATE = "policy.lifecycle.deactivate";
    static final String DELETE = "policy.lifecycle.delete";
    static final String RULE_ADD = "policy.rule.add";
    static final String RULE_UPDATE = "policy.rule.update";
    static final String RULE_ACTIVATE = "policy.rule.activate";
    static final String RULE_DEACTIVATE = "policy.rule.deactivate";
    static final String RULE_DELETE = "policy.rule.delete";
    static final String MAPPING_CREATE = "policy.mapping.create";
    static final int MAX_RULES = 50;
    static final int MAX_POLICIES = 500;

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Database db;
    private final ChangeFeed changes;
    private final PolicyStore store;
    private final Apps apps;
    private final Predicate<String> groupExists;
    private final Supplier<Map<String, Boolean>> authenticators;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;

    /**
     * {@code groupExists} and {@code authenticators} (key → ACTIVE): what a policy may name, read when one is written
     * (directory and mfa are asked through these, so this package needs neither's internals).
     */
    public Policies(Database db, ChangeFeed changes, PolicyStore store, Apps apps, Predicate<String> groupExists,
                    Supplier<Map<String, Boolean>> authenticators, SystemLog log, Ids ids, Clock clock) {
        this.db = db;
        this.changes = changes;
        this.store = store;
        this.apps = apps;
        this.groupExists = groupExists;
        this.authenticators = authenticators;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
    }

    // ── policies ────────────────────────────────────────────────────────────────────────────────────────────────
    /**
     * {@code GET /api/v1/policies?type=}: {@code type} is required (400 E0000028); a type Okta does not have is 400
     * E0000001; one Okta has and Gatehouse does not keep lists nothing. {@code status} and {@code q} (a name prefix,
     * case-insensitive) refine it.
     */
    public List<Policy> list(String type, String status, String q) {
        if (type == null || type.isBlank()) {
            throw new ApiError(ErrorCode.E0000028, ErrorCode.E0000028.summary(null),
                    List.of(new Cause("type", "The policy type is required, e.g. type=ACCESS_POLICY")));
        }
        if (!PolicyType.OKTA_TYPES.contains(type)) {
            throw ApiError.validation("type", "Invalid policy type specified");
        }
        if (status != null && !status.isBlank() && !List.of("ACTIVE", "INACTIVE").contains(status)) {
            throw ApiError.validation("status", "Must be ACTIVE or INACTIVE");
        }
        Optional<PolicyType> t = PolicyType.of(type);
        if (t.isEmpty()) {
            return List.of();
        }
        String prefix = q == null ? "" : q.toLowerCase(Locale.ROOT);
        return db.read(h -> store.policies(h, t.get())).stream()
                .filter(p -> status == null || status.isBlank() || (p.active() == status.equals("ACTIVE")))
                .filter(p -> p.name().toLowerCase(Locale.ROOT).startsWith(prefix))
                .toList();
    }

    /** 404 E0000007 when there is no such policy. */
    public Policy get(String id) {
        return db.read(h -> store.policy(h, id)).orElseThrow(() -> notFound(id));
    }

    public Policy create(EventContext ctx, JsonNode body, boolean activate) {
        JsonNode typeNode = body.get("type");
        String typeName = typeNode == null || typeNode.isNull() ? null : typeNode.asText();
        if (typeName == null) {
            throw ApiError.validation("type", "The field cannot be left blank");
        }
        PolicyType type = PolicyType.of(typeName).orElseThrow(() -> ApiError.validation("type",
                PolicyType.OKTA_TYPES.contains(typeName) ? "Gatehouse keeps only ACCESS_POLICY, MFA_ENROLL and OKTA_SIGN_ON policies"
                        : "Invalid policy type specified"));
        PolicyInput.PolicyBody in = PolicyInput.policy(body, type, catalog(), null);
        boolean active = in.active() != null ? in.active() : activate;
        return changes.write(CHANNEL, h -> {
            store.lockType(h, type);
            List<Policy> existing = store.policies(h, type);
            if (existing.size() >= MAX_POLICIES) {
                throw ApiError.validation("type", "At most " + MAX_POLICIES + " policies of a type");
            }
            if (store.nameTaken(h, type, in.name(), null)) {
                throw ApiError.validation("name", "Policy name already in use");
            }
            Instant now = clock.instant();
            Policy p = new Policy(ids.next(type.policyPrefix), type, in.name(), in.description(), active, 1, false, in.conditions(),
                    in.settings(), now, now);
            store.insert(h, p);
            placePolicy(h, type, p.id(), in.priority() == null ? 1 : in.priority());
            if (type == PolicyType.ACCESS_POLICY) {
                // Okta creates every app sign-in policy with its Catch-all Rule (what a new one gets at a real org: 2FA, 12 h).
                store.insertRule(h, new PolicyRule(ids.next(type.rulePrefix), p.id(), type, "Catch-all Rule", true,
                        PolicyType.CATCH_ALL_PRIORITY, true, null, catchAll("2FA"), now, now));
            }
            log.record(h, ctx, SystemLog.Entry.success(CREATE, "Create policy", target(p)));
            return store.policy(h, p.id()).orElseThrow();
        });
    }

    public Policy replace(EventContext ctx, String id, JsonNode body) {
        Policy current = get(id);
        JsonNode typeNode = body.get("type");
        if (typeNode != null && !typeNode.isNull() && !current.type().name().equals(typeNode.asText())) {
            throw ApiError.validation("type", "The type of a policy cannot change");
        }
        PolicyInput.PolicyBody in = PolicyInput.policy(body, current.type(), catalog(), current);
        return changes.write(CHANNEL, h -> {
            store.lockType(h, current.type());
            Policy p = store.policy(h, id).orElseThrow(() -> notFound(id));
            String name = p.system() ? p.name() : in.name();
            if (!p.system() && store.nameTaken(h, p.type(), name, id)) {
                throw ApiError.validation("name", "Policy name already in use");
            }
            JsonNode conditions = p.system() ? p.conditions() : in.conditions();
            store.replace(h, id, name, in.description(), conditions, in.settings(), later(p.lastUpdated()));
            if (!p.system() && in.priority() != null) {
                placePolicy(h, p.type(), id, in.priority());
            }
            log.record(h, ctx, SystemLog.Entry.success(UPDATE, "Update policy", target(p)));
            return store.policy(h, id).orElseThrow();
        });
    }

    public void delete(EventContext ctx, String id) {
        changes.inTx(CHANNEL, h -> {
            Policy p = store.policy(h, id).orElseThrow(() -> notFound(id));
            if (p.system()) {
                throw forbidden("A system policy cannot be deleted.");
            }
            store.lockType(h, p.type());
            refuseWhileAssigned(h, p, "deleted");
            store.delete(h, id);
            placePolicy(h, p.type(), null, null);
            log.record(h, ctx, SystemLog.Entry.success(DELETE, "Delete policy", target(p)));
        });
    }

    /** 204 at Okta whether or not it changed; the event only when it did. */
    public void lifecycle(EventContext ctx, String id, boolean activate) {
        changes.inTx(CHANNEL, h -> {
            Policy p = store.policy(h, id).orElseThrow(() -> notFound(id));
            if (p.system() && !activate) {
                throw forbidden("A system policy cannot be deactivated.");
            }
            if (!activate) {
                refuseWhileAssigned(h, p, "deactivated");
            }
            if (store.changeStatus(h, id, activate, later(p.lastUpdated()))) {
                log.record(h, ctx, SystemLog.Entry.success(activate ? ACTIVATE : DEACTIVATE,
                        (activate ? "Activate" : "Deactivate") + " policy", target(p)));
            }
        });
    }

    private void refuseWhileAssigned(Handle h, Policy p, String what) {
        if (p.type() != PolicyType.ACCESS_POLICY) {
            return;
        }
        store.lockPolicy(h, p.id());
        List<String> appIds = store.appsOf(h, p.id());
        if (!appIds.isEmpty()) {
            throw ApiError.validation("policy", "The policy is still assigned to " + appIds.size() + " app(s) (" + String.join(", ",
                    appIds.subList(0, Math.min(5, appIds.size()))) + (appIds.size() > 5 ? ", …" : "")
                    + "): assign them another app sign-in policy before it can be " + what);
        }
    }

    // ── rules ───────────────────────────────────────────────────────────────────────────────────────────────────
    public List<PolicyRule> rules(String policyId) {
        get(policyId);
        return db.read(h -> store.rules(h, policyId));
    }

    public PolicyRule rule(String policyId, String ruleId) {
        get(policyId);
        return db.read(h -> store.rule(h, policyId, ruleId)).orElseThrow(() -> ruleNotFound(ruleId));
    }

    public PolicyRule createRule(EventContext ctx, String policyId, JsonNode body, boolean activate) {
        Policy policy = get(policyId);
        PolicyInput.RuleBody in = PolicyInput.rule(body, policy.type(), catalog());
        boolean active = in.active() != null ? in.active() : activate;
        return changes.write(CHANNEL, h -> {
            if (!store.lockPolicy(h, policyId)) {
                throw notFound(policyId);
            }
            List<PolicyRule> existing = store.rules(h, policyId);
            if (existing.size() >= MAX_RULES) {
                throw ApiError.validation("priority", "A policy has at most " + MAX_RULES + " rules");
            }
            if (store.ruleNameTaken(h, policyId, in.name(), null)) {
                throw ApiError.validation("name", "Rule name already in use in this policy");
            }
            Instant now = clock.instant();
            PolicyRule r = new PolicyRule(ids.next(policy.type().rulePrefix), policyId, policy.type(), in.name(), active,
                    policy.type().firstRulePriority, false, in.conditions(), in.actions(), now, now);
            store.insertRule(h, r);
            placeRule(h, policy.type(), policyId, r.id(), in.priority() == null ? Integer.MAX_VALUE : in.priority());
            log.record(h, ctx, SystemLog.Entry.success(RULE_ADD, "Add policy rule", ruleTarget(r), target(policy)));
            return store.rule(h, policyId, r.id()).orElseThrow();
        });
    }

    public PolicyRule replaceRule(EventContext ctx, String policyId, String ruleId, JsonNode body) {
        Policy policy = get(policyId);
        PolicyRule current = rule(policyId, ruleId);
        PolicyInput.RuleBody in = PolicyInput.rule(current.system() ? withName(body, current.name()) : body, policy.type(), catalog());
        return changes.write(CHANNEL, h -> {
            store.lockPolicy(h, policyId);
            PolicyRule r = store.rule(h, policyId, ruleId).orElseThrow(() -> ruleNotFound(ruleId));
            if (!r.system() && store.ruleNameTaken(h, policyId, in.name(), ruleId)) {
                throw ApiError.validation("name", "Rule name already in use in this policy");
            }
            // A system rule keeps its name and place and applies to everyone: only what it does changes (Terraform turns
            // the Catch-all to DENY this way).
            store.replaceRule(h, ruleId, r.system() ? r.name() : in.name(), r.system() ? r.conditions() : in.conditions(), in.actions(),
                    later(r.lastUpdated()));
            if (!r.system() && in.priority() != null) {
                placeRule(h, policy.type(), policyId, ruleId, in.priority());
            }
            log.record(h, ctx, SystemLog.Entry.success(RULE_UPDATE, "Update policy rule", ruleTarget(r), target(policy)));
            return store.rule(h, policyId, ruleId).orElseThrow();
        });
    }

    public void deleteRule(EventContext ctx, String policyId, String ruleId) {
        Policy policy = get(policyId);
        changes.inTx(CHANNEL, h -> {
            store.lockPolicy(h, policyId);
            PolicyRule r = store.rule(h, policyId, ruleId).orElseThrow(() -> ruleNotFound(ruleId));
            if (r.system()) {
                throw forbidden("A system rule cannot be deleted.");
            }
            store.deleteRule(h, ruleId);
            placeRule(h, policy.type(), policyId, null, null);
            log.record(h, ctx, SystemLog.Entry.success(RULE_DELETE, "Delete policy rule", ruleTarget(r), target(policy)));
        });
    }

    public void ruleLifecycle(EventContext ctx, String policyId, String ruleId, boolean activate) {
        Policy policy = get(policyId);
        changes.inTx(CHANNEL, h -> {
            PolicyRule r = store.rule(h, policyId, ruleId).orElseThrow(() -> ruleNotFound(ruleId));
            if (r.system() && !activate) {
                throw forbidden("A system rule cannot be deactivated.");
            }
            if (store.changeRuleStatus(h, ruleId, activate, later(r.lastUpdated()))) {
                log.record(h, ctx, SystemLog.Entry.success(activate ? RULE_ACTIVATE : RULE_DEACTIVATE,
                        (activate ? "Activate" : "Deactivate") + " policy rule", ruleTarget(r), target(policy)));
            }
        });
    }

    // ── app assignment ──────────────────────────────────────────────────────────────────────────────────────────
    /**
     * {@code PUT /api/v1/apps/{appId}/policies/{policyId}}: replaces the app's app sign-in policy (the system one = no
     * row). 404 for an unknown app or policy, 400 for a policy of another type or an inactive one.
     */
    public void assign(EventContext ctx, String appId, String policyId) {
        App app = apps.get(appId);
        changes.inTx(CHANNEL, h -> {
            Policy p = store.policy(h, policyId).orElseThrow(() -> notFound(policyId));
            if (p.type() != PolicyType.ACCESS_POLICY) {
                throw ApiError.validation("policyId", "Only an app sign-in policy (ACCESS_POLICY) can be assigned to an app");
            }
            store.lockPolicy(h, policyId);   // against a concurrent delete or deactivation of the policy
            Policy locked = store.policy(h, policyId).orElseThrow(() -> notFound(policyId));
            if (!locked.active()) {
                throw ApiError.validation("policyId", "The policy is inactive: activate it before assigning it");
            }
            if (locked.system()) {
                store.unassign(h, appId);
            } else {
                store.assign(h, appId, policyId, clock.instant());
            }
            log.record(h, ctx, SystemLog.Entry.success(MAPPING_CREATE, "Assign app sign-in policy", target(locked), app.auditTarget()));
        });
    }

    /** The ACTIVE MFA_ENROLL policies that have this authenticator REQUIRED or OPTIONAL (for Authenticators.deactivate). */
    public List<String> enrollingPolicies(String authenticatorKey) {
        return db.read(h -> store.enrollingPolicies(h, authenticatorKey));
    }

    /** The system policy of a type (there is exactly one). */
    public Policy defaultPolicy(PolicyType type) {
        return list(type.name(), null, null).stream().filter(Policy::system).findFirst().orElseThrow();
    }

    // ── priorities ──────────────────────────────────────────────────────────────────────────────────────────────
    /**
     * Puts {@code id} at {@code wanted} among the type's non-system policies (clamped; null id = only renumber) and
     * renumbers them 1..n contiguously, the system policy n+1. App sign-in policies all keep priority 1.
     */
    private void placePolicy(Handle h, PolicyType type, String id, Integer wanted) {
        if (type == PolicyType.ACCESS_POLICY) {
            return;
        }
        List<Policy> all = store.policies(h, type);
        List<String> order = Priorities.place(all.stream().filter(p -> !p.system() && !p.id().equals(id)).map(Policy::id).toList(), id, wanted, 1);
        for (int i = 0; i < order.size(); i++) {
            store.setPriority(h, order.get(i), i + 1);
        }
        int last = order.size() + 1;
        all.stream().filter(Policy::system).forEach(p -> store.setPriority(h, p.id(), last));
    }

    private void placeRule(Handle h, PolicyType type, String policyId, String id, Integer wanted) {
        List<PolicyRule> all = store.rules(h, policyId);
        int base = type.firstRulePriority;
        List<String> order = Priorities.place(all.stream().filter(r -> !r.system() && !r.id().equals(id)).map(PolicyRule::id).toList(), id, wanted,
                base);
        for (int i = 0; i < order.size(); i++) {
            store.setRulePriority(h, order.get(i), i + base);
        }
        int last = type == PolicyType.ACCESS_POLICY ? PolicyType.CATCH_ALL_PRIORITY : order.size() + base;
        all.stream().filter(PolicyRule::system).forEach(r -> store.setRulePriority(h, r.id(), last));
    }

    private PolicyInput.Catalog catalog() {
        return new PolicyInput.Catalog(groupExists, authenticators.get());
    }

    // ── helpers ─────────────────────────────────────────────────────────────────────────────────────────────────
    static JsonNode catchAll(String factorMode) {
        ObjectNode vm = F.objectNode().put("factorMode", factorMode).put("type", "ASSURANCE").put("reauthenticateIn", "PT12H");
        ObjectNode appSignOn = F.objectNode().put("access", "ALLOW");
        appSignOn.set("verificationMethod", vm);
        appSignOn.set("keepMeSignedIn", F.objectNode().put("postAuth", "NOT_ALLOWED"));
        return F.objectNode().set("appSignOn", appSignOn);
    }

    private static JsonNode withName(JsonNode body, String name) {
        ObjectNode copy = body.deepCopy();
        copy.put("name", name);
        copy.remove("priority");
        return copy;
    }

    private Instant later(Instant previous) {
        Instant now = clock.instant();
        return now.isAfter(previous) ? now : previous.plusMillis(1);
    }

    static Target target(Policy p) {
        return new Target(p.id(), "PolicyEntity", p.type().name(), p.name());
    }

    static Target ruleTarget(PolicyRule r) {
        return new Target(r.id(), "PolicyRule", r.type().ruleType(), r.name());
    }

    private static ApiError notFound(String id) {
        return ApiError.notFound(id, "Policy");
    }

    private static ApiError ruleNotFound(String id) {
        return ApiError.notFound(id, "PolicyRule");
    }

    private static ApiError forbidden(String why) {
        return new ApiError(ErrorCode.E0000006, ErrorCode.E0000006.summary(null), List.of(new Cause(null, why)));
    }
}
