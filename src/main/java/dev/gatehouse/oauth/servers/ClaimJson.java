package dev.gatehouse.oauth.servers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Okta's OAuth2Claim JSON, in the key order of Okta's recorded responses (research notes §1, §5.1): id, name, status,
 * claimType, valueType, value, conditions, system, alwaysIncludeInToken, group_filter_type (GROUPS only), _links.
 * Okta's responses also carry {@code "apiResourceId": null}, which its spec does not declare; it is left out, so the
 * answers keep to the spec.
 */
public final class ClaimJson {

    private final String baseUrl;

    public ClaimJson(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public Map<String, Object> claim(Claim c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("name", c.name());
        m.put("status", c.status().name());
        m.put("claimType", c.claimType().name());
        m.put("valueType", c.valueType().name());
        m.put("value", c.value());
        m.put("conditions", Map.of("scopes", c.scopes()));
        m.put("system", false);
        m.put("alwaysIncludeInToken", c.alwaysIncludeInToken());
        if (c.groupFilterType() != null) {
            m.put("group_filter_type", c.groupFilterType().name());
        }
        m.put("_links", Map.of("self", Map.of("href", baseUrl + "/api/v1/authorizationServers/" + c.authorizationServerId() + "/claims/" + c.id(),
                "hints", Map.of("allow", List.of("GET", "PUT", "DELETE")))));
        return m;
    }
}
