package dev.gatehouse.oauth.servers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Okta's AuthorizationServerPolicy and AuthorizationServerPolicyRule JSON, members in the order Okta's recorded answers
 * have them (type last), {@code _links} beside each other as live Okta puts them (the spec's example nests them).
 */
public final class AccessPolicyJson {

    private final String baseUrl;

    public AccessPolicyJson(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public Map<String, Object> policy(AccessPolicy p) {
        String self = policyHref(p.authorizationServerId(), p.id());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("status", p.active() ? "ACTIVE" : "INACTIVE");
        m.put("name", p.name());
        m.put("description", p.description());
        m.put("priority", p.priority());
        m.put("system", p.system());
        m.put("conditions", Map.of("clients", Map.of("include", p.clients())));
        m.put("created", p.created());
        m.put("lastUpdated", p.lastUpdated());
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", link(self, "GET", "PUT", "DELETE"));
        links.put("rules", link(self + "/rules", "GET"));
        lifecycle(links, self, p.active());
        m.put("_links", links);
        m.put("type", AccessPolicy.TYPE);
        return m;
    }

    public Map<String, Object> rule(String serverId, AccessRule r) {
        String self = policyHref(serverId, r.policyId()) + "/rules/" + r.id();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("status", r.active() ? "ACTIVE" : "INACTIVE");
        m.put("name", r.name());
        m.put("priority", r.priority());
        m.put("created", r.created());
        m.put("lastUpdated", r.lastUpdated());
        m.put("system", r.system());
        Map<String, Object> people = new LinkedHashMap<>();
        people.put("users", includeExclude(r.usersInclude(), r.usersExclude()));
        people.put("groups", includeExclude(r.groupsInclude(), r.groupsExclude()));
        Map<String, Object> conditions = new LinkedHashMap<>();
        conditions.put("people", people);
        conditions.put("grantTypes", Map.of("include", r.grantTypes()));
        conditions.put("scopes", Map.of("include", r.scopes()));
        m.put("conditions", conditions);
        Map<String, Object> token = new LinkedHashMap<>();
        token.put("accessTokenLifetimeMinutes", r.accessTokenMinutes());
        token.put("refreshTokenLifetimeMinutes", r.refreshTokenMinutes());
        token.put("refreshTokenWindowMinutes", r.refreshWindowMinutes());
        if (r.inlineHookId() != null) {
            token.put("inlineHook", Map.of("id", r.inlineHookId()));
        }
        m.put("actions", Map.of("token", token));
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", link(self, "GET", "PUT", "DELETE"));
        lifecycle(links, self, r.active());
        m.put("_links", links);
        m.put("type", AccessRule.TYPE);
        return m;
    }

    /** Where a server's policies are, for its {@code _links.policies}. */
    public String policiesHref(String serverId) {
        return baseUrl + "/api/v1/authorizationServers/" + serverId + "/policies";
    }

    private String policyHref(String serverId, String policyId) {
        return policiesHref(serverId) + "/" + policyId;
    }

    private static Map<String, Object> includeExclude(List<String> include, List<String> exclude) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("include", include);
        m.put("exclude", exclude);
        return m;
    }

    private static void lifecycle(Map<String, Object> links, String self, boolean active) {
        String op = active ? "deactivate" : "activate";
        links.put(op, link(self + "/lifecycle/" + op, "POST"));
    }

    private static Map<String, Object> link(String href, String... allow) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("href", href);
        m.put("hints", Map.of("allow", List.of(allow)));
        return m;
    }
}
