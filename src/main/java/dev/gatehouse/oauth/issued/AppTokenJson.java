package dev.gatehouse.oauth.issued;

import dev.gatehouse.oauth.servers.AuthorizationServers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Okta's OAuth2RefreshToken JSON (ids {@code oar…}), as {@code /api/v1/apps/{appId}/tokens} answers it. */
public final class AppTokenJson {

    private final AuthorizationServers servers;
    private final String baseUrl;

    public AppTokenJson(AuthorizationServers servers, String baseUrl) {
        this.servers = servers;
        this.baseUrl = baseUrl;
    }

    public Map<String, Object> token(String appId, IssuedTokenStore.RefreshToken t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("status", "ACTIVE");
        m.put("created", t.created());
        m.put("lastUpdated", t.firstUsed() == null ? t.created() : t.firstUsed());
        m.put("expiresAt", t.familyExpires() != null && t.familyExpires().isBefore(t.idleExpires()) ? t.familyExpires() : t.idleExpires());
        m.put("issuer", servers.find(t.serverId()).map(servers::issuer).orElse(null));
        m.put("clientId", t.clientId());
        m.put("userId", t.userId());
        m.put("scopes", t.scopes());
        String self = baseUrl + "/api/v1/apps/" + appId + "/tokens/" + t.id();
        m.put("_links", Map.of(
                "app", Map.of("href", baseUrl + "/api/v1/apps/" + appId),
                "self", Map.of("href", self),
                "revoke", Map.of("href", self, "hints", Map.of("allow", List.of("DELETE"))),
                "user", Map.of("href", baseUrl + "/api/v1/users/" + t.userId())));
        return m;
    }
}
