package dev.gatehouse.oauth.issued;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.oauth.servers.AuthorizationServers;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/apps/{appId}/tokens}: Okta's OAuth2RefreshToken objects of an app (ids {@code oar…}). */
public final class AppTokensApi {

    private final AppTokens tokens;
    private final AuthorizationServers servers;
    private final String baseUrl;

    public AppTokensApi(AppTokens tokens, AuthorizationServers servers, String baseUrl) {
        this.tokens = tokens;
        this.servers = servers;
        this.baseUrl = baseUrl;
    }

    public void list(Context ctx) {
        String appId = ctx.pathParam("id");
        ctx.json(tokens.active(appId).stream().map(t -> json(appId, t)).toList());
    }

    public void get(Context ctx) {
        ctx.json(json(ctx.pathParam("id"), tokens.get(ctx.pathParam("id"), ctx.pathParam("tokenId"))));
    }

    public void revoke(Context ctx) {
        tokens.revoke(ApiRequests.event(ctx), ctx.pathParam("id"), ctx.pathParam("tokenId"));
        ctx.status(204);
    }

    public void revokeAll(Context ctx) {
        tokens.revokeAll(ApiRequests.event(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }


    private Map<String, Object> json(String appId, IssuedTokenStore.RefreshToken t) {
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
