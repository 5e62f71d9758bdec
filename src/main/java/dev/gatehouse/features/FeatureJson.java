package dev.gatehouse.features;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Okta's Feature JSON (§16), with {@code _links} to this server: enable or disable, self, dependents, dependencies. */
public final class FeatureJson {

    private final String baseUrl;

    public FeatureJson(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public Map<String, Object> feature(FeatureState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("type", "self-service");
        m.put("status", s.enabled() ? "ENABLED" : "DISABLED");
        m.put("name", s.feature().title());
        m.put("description", s.feature().description());
        m.put("stage", Map.of("value", s.feature().stage().name()));
        String self = baseUrl + "/api/v1/features/" + s.id();
        Map<String, Object> links = new LinkedHashMap<>();
        links.put(s.enabled() ? "disable" : "enable", Map.of("href", self + (s.enabled() ? "/disable" : "/enable"), "hints", Map.of("allow", List.of("POST"))));
        links.put("self", Map.of("href", self));
        links.put("dependents", Map.of("href", self + "/dependents"));
        links.put("dependencies", Map.of("href", self + "/dependencies"));
        m.put("_links", links);
        return m;
    }
}
