package dev.gatehouse.apitokens;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Okta's ApiToken JSON, with {@code _links} to the token and its owner. The token's value is never part of it. */
public final class ApiTokenJson {

    private final String baseUrl;

    public ApiTokenJson(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public Map<String, Object> token(ApiToken t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.name());
        m.put("userId", t.userId());
        m.put("clientName", "Okta API");
        m.put("tokenWindow", "P30D");
        m.put("created", t.created());
        m.put("lastUpdated", t.lastUsed() == null ? t.created() : t.lastUsed());
        m.put("expiresAt", t.expiresAt());
        // As Okta's ApiToken examples and its recorded responses (terraform-provider-okta VCR fixtures) have them: two
        // link objects, {href, hints}.
        m.put("_links", Map.of(
                "self", Map.of("href", baseUrl + "/api/v1/api-tokens/" + t.id(), "hints", Map.of("allow", List.of("GET", "DELETE"))),
                "user", Map.of("href", baseUrl + "/api/v1/users/" + t.userId(), "hints", Map.of("allow", List.of("GET")))));
        return m;
    }
}
