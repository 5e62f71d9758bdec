package dev.gatehouse.policies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Okta's Policy and PolicyRule JSON in the member order of a real org's answers (docs/okta/multifactor.md §4), with
 * absolute {@code _links}: a system policy or rule has {@code self} (GET, PUT) and no lifecycle link; the others
 * {@code self} (GET, PUT, DELETE) and {@code activate} or {@code deactivate}. An ACCESS_POLICY has
 * {@code conditions: null} and {@code _embedded.resourceType: "APP"}; an MFA_ENROLL policy echoes every authenticator
 * of the org, those it does not name as NOT_ALLOWED, as Okta's does.
 */
public final class PolicyJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final String baseUrl;
    private final Supplier<Map<String, Boolean>> authenticators;

    public PolicyJson(String baseUrl, Supplier<Map<String, Boolean>> authenticators) {
        this.baseUrl = baseUrl;
        this.authenticators = authenticators;
    }

    public String href(String policyId) {
        return baseUrl + "/api/v1/policies/" + policyId;
    }

    public Map<String, Object> policy(Policy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("status", p.active() ? "ACTIVE" : "INACTIVE");
        m.put("name", p.name());
        if (p.description() != null) {
            m.put("description", p.description());
        }
        m.put("priority", p.priority());
        m.put("system", p.system());
        m.put("conditions", p.type() == PolicyType.ACCESS_POLICY ? null : p.conditions());
        m.put("created", p.created());
        m.put("lastUpdated", p.lastUpdated());
        if (p.type() == PolicyType.MFA_ENROLL) {
            m.put("settings", enrollSettings(p.settings()));
        }
        String self = href(p.id());
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", p.system() ? link(self, "GET", "PUT") : link(self, "GET", "PUT", "DELETE"));
        links.put("rules", link(self + "/rules", "GET", "POST"));
        if (!p.system()) {
            String op = p.active() ? "deactivate" : "activate";
            links.put(op, link(self + "/lifecycle/" + op, "POST"));
        }
        m.put("_links", links);
        if (p.type() == PolicyType.ACCESS_POLICY) {
            m.put("_embedded", Map.of("resourceType", "APP"));
        }
        m.put("type", p.type().name());
        return m;
    }

    public List<Map<String, Object>> policies(List<Policy> policies) {
        return policies.stream().map(this::policy).toList();
    }

    public Map<String, Object> rule(PolicyRule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("status", r.active() ? "ACTIVE" : "INACTIVE");
        m.put("name", r.name());
        m.put("priority", r.priority());
        m.put("created", r.created());
        m.put("lastUpdated", r.lastUpdated());
        m.put("system", r.system());
        m.put("conditions", r.conditions());
        m.put("actions", r.actions());
        String self = href(r.policyId()) + "/rules/" + r.id();
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", r.system() ? link(self, "GET", "PUT") : link(self, "GET", "PUT", "DELETE"));
        if (!r.system()) {
            String op = r.active() ? "deactivate" : "activate";
            links.put(op, link(self + "/lifecycle/" + op, "POST"));
        }
        m.put("_links", links);
        m.put("type", r.type().ruleType());
        return m;
    }

    public List<Map<String, Object>> rules(List<PolicyRule> rules) {
        return rules.stream().map(this::rule).toList();
    }

    private JsonNode enrollSettings(JsonNode stored) {
        ObjectNode out = F.objectNode().put("type", "AUTHENTICATORS");
        ArrayNode list = F.arrayNode();
        Set<String> named = new HashSet<>();
        if (stored != null) {
            for (JsonNode a : stored.path("authenticators")) {
                list.add(a);
                named.add(a.path("key").asText());
            }
        }
        for (String key : authenticators.get().keySet()) {
            if (!named.contains(key)) {
                list.add(F.objectNode().put("key", key).set("enroll", F.objectNode().put("self", "NOT_ALLOWED")));
            }
        }
        out.set("authenticators", list);
        return out;
    }

    private static Map<String, Object> link(String href, String... allow) {
        return Map.of("href", href, "hints", Map.of("allow", List.of(allow)));
    }
}
