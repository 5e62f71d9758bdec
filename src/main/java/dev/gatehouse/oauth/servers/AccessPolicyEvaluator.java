package dev.gatehouse.oauth.servers;

import dev.gatehouse.oauth.OidcScopes;
import dev.gatehouse.storage.ChangeCache;
import dev.gatehouse.storage.ChangeFeed;
import dev.gatehouse.storage.Database;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Okta's access-policy evaluation for custom authorization servers (research notes §4), answered from one in-memory
 * snapshot of every server's policies and rules: a {@link ChangeCache} dropped on every change on
 * {@link AuthorizationServers#CHANNEL}, on every node. No query per request, except the person's groups, read once and
 * only when a candidate rule names a group other than {@code EVERYONE}.
 *
 * <p>ACTIVE policies by priority whose clients include the client (or ALL_CLIENTS); in the first such policy with a
 * matching rule, its first ACTIVE rule by priority that matches the grant type, the person, and every requested scope
 * ({@code *} covers all; the OpenID Connect scopes need no mention). A policy without a matching rule passes to the next
 * (Okta's generic policy framework); no match at all is a refusal. For a request without a person (client credentials)
 * only rules that name no particular user or group match: no people, or {@code EVERYONE} (the seeded default rule, so
 * client credentials keep working after the upgrade). The org authorization server has no access policies (as at Okta):
 * it always answers with its own lifetimes.
 */
public final class AccessPolicyEvaluator {

    /** Okta's {@code no_matching_policy} text, verbatim. */
    public static final String NO_MATCH = "Policy evaluation failed for this request, please check the policy configurations.";

    private record Snapshot(Map<String, List<AccessPolicy>> policies, Map<String, List<AccessRule>> rules, Map<String, AccessRule> rulesById) {
    }

    private final ChangeCache<Boolean, Snapshot> cache;
    private final Function<String, Set<String>> groupsOf;

    /** {@code groupsOf}: a user's group ids. */
    public AccessPolicyEvaluator(Database db, ChangeFeed changes, AccessPolicyStore store, Function<String, Set<String>> groupsOf) {
        this.groupsOf = groupsOf;
        this.cache = new ChangeCache<>(k -> Optional.of(db.read(h -> {
            Map<String, List<AccessPolicy>> policies = new HashMap<>();
            for (AccessPolicy p : store.allPolicies(h)) {
                policies.computeIfAbsent(p.authorizationServerId(), s -> new ArrayList<>()).add(p);
            }
            Map<String, List<AccessRule>> rules = new HashMap<>();
            Map<String, AccessRule> byId = new HashMap<>();
            for (AccessRule r : store.allRules(h)) {
                rules.computeIfAbsent(r.policyId(), p -> new ArrayList<>()).add(r);
                byId.put(r.id(), r);
            }
            return new Snapshot(policies, rules, byId);
        })));
        changes.onChange(AuthorizationServers.CHANNEL, cache::invalidate);
    }

    /**
     * The matched rule's lifetimes, or empty when no policy and rule admit the request.
     *
     * @param userId null for a request without a person (client credentials)
     */
    public Optional<RuleLifetimes> evaluate(AuthorizationServer server, String clientId, String userId, String grantType, List<String> scopes) {
        if (server.org()) {
            return Optional.of(new RuleLifetimes(null, (int) server.lifetimes().accessToken().toMinutes(),
                    (int) server.lifetimes().refreshTokenMax().toMinutes(), (int) server.lifetimes().refreshTokenIdle().toMinutes()));
        }
        Snapshot s = cache.get(Boolean.TRUE).orElseThrow();
        Groups groups = new Groups();
        for (AccessPolicy p : s.policies().getOrDefault(server.id(), List.of())) {
            if (!p.active() || !p.appliesTo(clientId)) {
                continue;
            }
            for (AccessRule r : s.rules().getOrDefault(p.id(), List.of())) {
                if (r.active() && r.grantTypes().contains(grantType) && coversScopes(r, scopes) && admits(r, userId, groups)) {
                    return Optional.of(RuleLifetimes.of(r));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the rule lists the {@code refresh_token} grant type (Okta issues refresh tokens only then). A rule deleted
     * meanwhile, or none (org AS): true, the app's own settings decide as before.
     */
    public boolean allowsRefresh(String ruleId) {
        if (ruleId == null) {
            return true;
        }
        AccessRule r = cache.get(Boolean.TRUE).orElseThrow().rulesById().get(ruleId);
        return r == null || r.grantTypes().contains("refresh_token");
    }

    /**
     * What {@link #evaluate} would decide, step by step, for the console's Token Preview: each policy and rule looked at, in
     * order, and why it did or did not apply. The same snapshot and the same tests as {@link #evaluate}.
     */
    public Explanation explain(AuthorizationServer server, String clientId, String userId, String grantType, List<String> scopes) {
        List<String> steps = new ArrayList<>();
        if (server.org()) {
            steps.add("The org authorization server has no access policies: its own lifetimes apply.");
            return new Explanation(true, null, null, steps);
        }
        Snapshot s = cache.get(Boolean.TRUE).orElseThrow();
        Groups groups = new Groups();
        List<AccessPolicy> policies = s.policies().getOrDefault(server.id(), List.of());
        if (policies.isEmpty()) {
            steps.add("This authorization server has no access policies, so it issues no tokens.");
        }
        for (AccessPolicy p : policies) {
            if (!p.active()) {
                steps.add("Policy \"" + p.name() + "\" is skipped: it is inactive.");
                continue;
            }
            if (!p.appliesTo(clientId)) {
                steps.add("Policy \"" + p.name() + "\" is skipped: it is not assigned to this client.");
                continue;
            }
            List<AccessRule> rules = s.rules().getOrDefault(p.id(), List.of());
            if (rules.isEmpty()) {
                steps.add("Policy \"" + p.name() + "\" is skipped: it has no rules.");
                continue;
            }
            for (AccessRule r : rules) {
                String why = !r.active() ? "it is inactive"
                        : !r.grantTypes().contains(grantType) ? "it does not include the grant type " + grantType
                        : !coversScopes(r, scopes) ? "it does not allow every requested scope"
                        : !admits(r, userId, groups) ? (userId == null ? "it names people, and a client credentials request has none"
                        : "the person is not among its people (or is excluded)") : null;
                if (why == null) {
                    steps.add("Policy \"" + p.name() + "\", rule \"" + r.name() + "\" matches.");
                    return new Explanation(true, p, r, steps);
                }
                steps.add("Policy \"" + p.name() + "\", rule \"" + r.name() + "\" does not match: " + why + ".");
            }
        }
        steps.add("No policy and rule match: the request is refused (" + NO_MATCH + ")");
        return new Explanation(false, null, null, steps);
    }

    /** {@link #explain}'s answer: whether tokens would be issued, the matched policy and rule (null on the org server), the steps. */
    public record Explanation(boolean matched, AccessPolicy policy, AccessRule rule, List<String> steps) {
    }

    private static boolean coversScopes(AccessRule r, List<String> scopes) {
        if (r.scopes().contains(AccessRule.ANY_SCOPE)) {
            return true;
        }
        return scopes.stream().allMatch(x -> OidcScopes.OIDC.contains(x) || r.scopes().contains(x));
    }

    /** The person's group ids, read at most once per evaluation and only when a rule needs them. */
    private static final class Groups {
        Set<String> ids;
    }

    private boolean admits(AccessRule r, String userId, Groups groups) {
        if (userId == null) {
            return r.usersInclude().isEmpty() && r.groupsInclude().stream().allMatch(AccessRule.EVERYONE::equals);
        }
        if (r.usersExclude().contains(userId)) {
            return false;
        }
        if (r.namesGroups() && groups.ids == null) {
            groups.ids = groupsOf.apply(userId);
        }
        Set<String> mine = groups.ids == null ? Set.of() : groups.ids;
        if (r.groupsExclude().stream().anyMatch(mine::contains)) {
            return false;
        }
        return r.usersInclude().contains(userId) || r.groupsInclude().contains(AccessRule.EVERYONE)
                || r.groupsInclude().stream().anyMatch(mine::contains);
    }
}
