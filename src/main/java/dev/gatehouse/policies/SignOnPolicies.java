package dev.gatehouse.policies;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.storage.ChangeCache;
import dev.gatehouse.storage.ChangeFeed;
import dev.gatehouse.storage.Database;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The policy evaluator the sign-in and {@code /authorize} ask on every request: which app sign-in rule applies to a
 * person for an app, what the global session policy asks of them, and which authenticators they must, may or may not
 * enroll. Policies, rules and app assignments come from one in-memory snapshot (a {@link ChangeCache} dropped on every
 * change on {@link Policies#CHANNEL}, on every node); the person's groups cost one query per call, only when a rule
 * or policy names groups.
 *
 * <p>Rules are tried by priority; the first ACTIVE rule whose people conditions match the person decides. An app with
 * no assignment, or whose assigned policy is inactive or gone, uses the default (the system ACCESS_POLICY).
 */
public final class SignOnPolicies {

    public enum Enrollment { REQUIRED, OPTIONAL, NOT_ALLOWED }

    /**
     * allowed=false: DENY rule. factors: 1 or 2. reauthenticateAfter: null = as long as the session lives (Okta's
     * reauthenticateIn absent), Duration.ZERO = every time.
     */
    public record AppSignOn(boolean allowed, int factors, Duration reauthenticateAfter,
                            String policyId, String policyName, String ruleId, String ruleName) {
    }

    /**
     * requireFactor: a second factor at session sign-in. factorLifetime: null = once per session (or per device),
     * Duration.ZERO = at every sign-in (ALWAYS). allowed=false: the rule DENYs signing in (added to the agreed shape).
     */
    public record GlobalSignOn(boolean requireFactor, Duration factorLifetime, String policyId, String ruleId, boolean allowed) {
    }

    private record Snapshot(Map<PolicyType, List<Policy>> byType, Map<String, Policy> byId, Map<String, List<PolicyRule>> rules,
                            Map<String, String> assignments) {
    }

    private final ChangeCache<Boolean, Snapshot> cache;
    private final Function<String, Set<String>> groupsOf;
    private final Supplier<Map<String, Boolean>> authenticators;

    /**
     * {@code groupsOf}: a user's group ids (Everyone included); {@code authenticators}: the org's authenticator keys →
     * ACTIVE (an inactive one is NOT_ALLOWED whatever a policy says: it cannot be enrolled).
     */
    public SignOnPolicies(Database db, ChangeFeed changes, PolicyStore store, Function<String, Set<String>> groupsOf,
                          Supplier<Map<String, Boolean>> authenticators) {
        this.groupsOf = groupsOf;
        this.authenticators = authenticators;
        this.cache = new ChangeCache<>(k -> Optional.of(db.read(h -> {
            Map<PolicyType, List<Policy>> byType = new HashMap<>();
            Map<String, Policy> byId = new HashMap<>();
            for (Policy p : store.allPolicies(h)) {
                byType.computeIfAbsent(p.type(), t -> new ArrayList<>()).add(p);
                byId.put(p.id(), p);
            }
            Map<String, List<PolicyRule>> rules = new HashMap<>();
            for (PolicyRule r : store.allRules(h)) {
                rules.computeIfAbsent(r.policyId(), p -> new ArrayList<>()).add(r);
            }
            return new Snapshot(byType, byId, rules, store.assignments(h));
        })));
        changes.onChange(Policies.CHANNEL, cache::invalidate);
    }

    /** The id of the app sign-in policy an app uses: its assignment while that policy is active, else the default. */
    public String accessPolicyIdFor(String appId) {
        return accessPolicy(snapshot(), appId).id();
    }

    /** Whether the app has an explicit assignment (API service apps without one get no {@code accessPolicy} link). */
    public boolean hasAssignment(String appId) {
        return snapshot().assignments().containsKey(appId);
    }

    /**
     * The app sign-in policy's first matching ACTIVE rule for this user, the default policy when the app has none
     * assigned. Fails closed (not allowed) if no rule matches, which the undeletable Catch-all Rule prevents.
     */
    public AppSignOn forApp(String appId, String userId) {
        Snapshot s = snapshot();
        Person person = new Person(userId);
        Policy policy = accessPolicy(s, appId);
        Optional<PolicyRule> rule = firstRule(s, policy, person);
        if (rule.isEmpty() && !policy.system()) {
            policy = defaultPolicy(s, PolicyType.ACCESS_POLICY);
            rule = firstRule(s, policy, person);
        }
        if (rule.isEmpty()) {
            return new AppSignOn(false, 2, Duration.ZERO, policy.id(), policy.name(), null, null);
        }
        JsonNode a = rule.get().actions().path("appSignOn");
        boolean allowed = "ALLOW".equals(a.path("access").asText());
        JsonNode vm = a.path("verificationMethod");
        int factors = "2FA".equals(vm.path("factorMode").asText()) ? 2 : 1;
        return new AppSignOn(allowed, factors, duration(vm.path("reauthenticateIn")), policy.id(), policy.name(), rule.get().id(),
                rule.get().name());
    }

    /**
     * The global session policy (OKTA_SIGN_ON) for a user: the first matching active rule of the highest-priority active
     * policy whose groups include the user (a policy with no matching rule passes to the next); no second factor when
     * nothing matches.
     */
    public GlobalSignOn forSession(String userId) {
        Snapshot s = snapshot();
        Person person = new Person(userId);
        for (Policy p : applicable(s, PolicyType.OKTA_SIGN_ON, person)) {
            Optional<PolicyRule> rule = firstRule(s, p, person);
            if (rule.isPresent()) {
                JsonNode so = rule.get().actions().path("signon");
                boolean require = so.path("requireFactor").asBoolean(false);
                Duration lifetime = null;
                if (require) {
                    lifetime = switch (so.path("factorPromptMode").asText()) {
                        case "ALWAYS" -> Duration.ZERO;
                        case "SESSION" -> Duration.ofMinutes(so.path("factorLifetime").asLong(0));
                        default -> null;
                    };
                }
                return new GlobalSignOn(require, lifetime, p.id(), rule.get().id(), "ALLOW".equals(so.path("access").asText()));
            }
        }
        Policy d = defaultPolicy(s, PolicyType.OKTA_SIGN_ON);
        return new GlobalSignOn(false, null, d == null ? null : d.id(), null, true);
    }

    /**
     * MFA_ENROLL: authenticator key → REQUIRED / OPTIONAL / NOT_ALLOWED for this user, from the highest-priority active
     * policy that applies. Every authenticator of the org is in the map; keys not named, and inactive authenticators,
     * are NOT_ALLOWED; the password is always REQUIRED (Gatehouse signs in with it first).
     */
    public Map<String, Enrollment> enrollment(String userId) {
        return enrollment(userId, authenticators.get());
    }

    /**
     * Whether the enrollment policy that applies REQUIRES anything besides the password, before asking which
     * authenticators are active (a query): false on every sign-in of an org whose policy requires nothing more.
     */
    public boolean requiresMoreThanPassword(String userId) {
        List<Policy> applicable = applicable(snapshot(), PolicyType.MFA_ENROLL, new Person(userId));
        if (applicable.isEmpty() || applicable.getFirst().settings() == null) {
            return false;
        }
        for (JsonNode a : toList(applicable.getFirst().settings().path("authenticators"))) {
            if (!"okta_password".equals(a.path("key").asText()) && "REQUIRED".equals(a.path("enroll").path("self").asText())) {
                return true;
            }
        }
        return false;
    }

    private Map<String, Enrollment> enrollment(String userId, Map<String, Boolean> catalog) {
        Snapshot s = snapshot();
        Map<String, Enrollment> out = new LinkedHashMap<>();
        catalog.keySet().forEach(k -> out.put(k, Enrollment.NOT_ALLOWED));
        List<Policy> applicable = applicable(s, PolicyType.MFA_ENROLL, new Person(userId));
        if (!applicable.isEmpty()) {
            for (JsonNode a : applicable.getFirst().settings() == null ? List.<JsonNode>of() : toList(applicable.getFirst().settings()
                    .path("authenticators"))) {
                String key = a.path("key").asText();
                if (Boolean.TRUE.equals(catalog.get(key))) {
                    out.put(key, Enrollment.valueOf(a.path("enroll").path("self").asText("NOT_ALLOWED")));
                }
            }
        }
        out.put("okta_password", Enrollment.REQUIRED);
        return out;
    }

    // ── evaluation ──────────────────────────────────────────────────────────────────────────────────────────────
    /** The person being evaluated; their groups are read once, and only if something names groups. */
    private final class Person {
        final String id;
        private Set<String> groups;

        Person(String id) {
            this.id = id;
        }

        Set<String> groups() {
            if (groups == null) {
                groups = groupsOf.apply(id);
            }
            return groups;
        }
    }

    private Snapshot snapshot() {
        return cache.get(Boolean.TRUE).orElseThrow();
    }

    private static Policy accessPolicy(Snapshot s, String appId) {
        String assigned = s.assignments().get(appId);
        Policy p = assigned == null ? null : s.byId().get(assigned);
        return p != null && p.active() ? p : defaultPolicy(s, PolicyType.ACCESS_POLICY);
    }

    private static Policy defaultPolicy(Snapshot s, PolicyType type) {
        return s.byType().getOrDefault(type, List.of()).stream().filter(Policy::system).findFirst().orElse(null);
    }

    /** Active policies of a type whose groups include the person, by priority; the system one last (it applies to all). */
    private List<Policy> applicable(Snapshot s, PolicyType type, Person person) {
        List<Policy> out = new ArrayList<>();
        for (Policy p : s.byType().getOrDefault(type, List.of())) {
            if (p.active() && (p.system() || groupsMatch(p.conditions() == null ? null : p.conditions().path("people").path("groups"), person))) {
                out.add(p);
            }
        }
        out.sort((a, b) -> a.system() != b.system() ? (a.system() ? 1 : -1) : Integer.compare(a.priority(), b.priority()));
        return out;
    }

    private Optional<PolicyRule> firstRule(Snapshot s, Policy policy, Person person) {
        if (policy == null) {
            return Optional.empty();
        }
        return s.rules().getOrDefault(policy.id(), List.of()).stream()
                .filter(PolicyRule::active)
                .filter(r -> r.system() || matches(r.conditions(), person))
                .findFirst();
    }

    private boolean matches(JsonNode conditions, Person person) {
        if (conditions == null || conditions.isNull()) {
            return true;
        }
        JsonNode users = conditions.path("people").path("users");
        JsonNode include = users.path("include");
        if (include.isArray() && !include.isEmpty() && !contains(include, person.id)) {
            return false;
        }
        if (contains(users.path("exclude"), person.id)) {
            return false;
        }
        JsonNode groups = conditions.path("people").path("groups");
        return groups.isMissingNode() || groupsMatch(groups, person);
    }

    private boolean groupsMatch(JsonNode groups, Person person) {
        if (groups == null || groups.isMissingNode() || groups.isNull()) {
            return true;
        }
        JsonNode include = groups.path("include");
        JsonNode exclude = groups.path("exclude");
        if (include.isArray() && !include.isEmpty() && toList(include).stream().noneMatch(g -> person.groups().contains(g.asText()))) {
            return false;
        }
        return !(exclude.isArray() && !exclude.isEmpty() && toList(exclude).stream().anyMatch(g -> person.groups().contains(g.asText())));
    }

    private static boolean contains(JsonNode array, String value) {
        return array.isArray() && toList(array).stream().anyMatch(n -> value.equals(n.asText()));
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static Duration duration(JsonNode n) {
        if (n == null || !n.isTextual()) {
            return null;
        }
        try {
            return Duration.parse(n.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
