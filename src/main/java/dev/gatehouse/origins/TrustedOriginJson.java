package dev.gatehouse.origins;

import dev.gatehouse.origins.TrustedOrigin.Scope;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Okta's TrustedOrigin JSON; {@code _links} offer {@code deactivate} when ACTIVE and {@code activate} when INACTIVE. */
public final class TrustedOriginJson {

    private final String baseUrl;

    public TrustedOriginJson(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public Map<String, Object> origin(TrustedOrigin o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", o.id());
        m.put("name", o.name());
        m.put("origin", o.origin());
        m.put("scopes", EnumSet.allOf(Scope.class).stream().filter(o.scopes()::contains).map(s -> Map.of("type", s.name())).toList());
        m.put("status", o.status().name());
        m.put("created", o.created());
        m.put("createdBy", o.createdBy());
        m.put("lastUpdated", o.lastUpdated());
        m.put("lastUpdatedBy", o.lastUpdatedBy());
        String self = baseUrl + "/api/v1/trustedOrigins/" + o.id();
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", Map.of("href", self, "hints", Map.of("allow", List.of("GET", "PUT", "DELETE"))));
        String operation = o.active() ? "deactivate" : "activate";
        links.put(operation, Map.of("href", self + "/lifecycle/" + operation, "hints", Map.of("allow", List.of("POST"))));
        m.put("_links", links);
        return m;
    }
}
