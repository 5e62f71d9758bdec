package dev.gatehouse.oauth.servers;

import java.time.Instant;
import java.util.List;

/**
 * Okta's authorization-server policy rule ({@code RESOURCE_ACCESS}): who ({@code people}: user ids, group ids or
 * {@code EVERYONE}, each with excludes), with which grant types, for which scopes ({@code *} = any), and the lifetimes
 * of what it grants (minutes, as Okta's API counts them; refresh 0 = unlimited).
 */
public record AccessRule(String id, String policyId, String name, boolean active, int priority, boolean system,
                         List<String> usersInclude, List<String> usersExclude, List<String> groupsInclude, List<String> groupsExclude,
                         List<String> grantTypes, List<String> scopes, int accessTokenMinutes, int refreshTokenMinutes,
                         int refreshWindowMinutes, String inlineHookId, Instant created, Instant lastUpdated) {

    public static final String EVERYONE = "EVERYONE";
    public static final String ANY_SCOPE = "*";
    public static final String TYPE = "RESOURCE_ACCESS";

    /** Whether the rule names people (a user, a group or EVERYONE); a rule with none is for client credentials only. */
    public boolean namesPeople() {
        return !usersInclude.isEmpty() || !groupsInclude.isEmpty();
    }

    /** Whether the rule names groups other than EVERYONE: then the person's groups must be read to decide. */
    public boolean namesGroups() {
        return groupsInclude.stream().anyMatch(g -> !g.equals(EVERYONE)) || !groupsExclude.isEmpty();
    }
}
