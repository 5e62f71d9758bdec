package dev.gatehouse.oauth.servers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.api.ApiRequests;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;

/** {@code /api/v1/authorizationServers/{id}/scopes}: Okta's OAuth2Scope operations; every rule is in {@link Scopes}. */
public final class ScopesApi {

    private final AuthorizationServers servers;
    private final Scopes scopes;
    private final AuthorizationServerJson json;

    public ScopesApi(AuthorizationServers servers, Scopes scopes, AuthorizationServerJson json) {
        this.servers = servers;
        this.scopes = scopes;
        this.json = json;
    }

    /** Every scope of the server, custom ones first (Okta does not page this list). */
    public void list(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        ctx.json(scopes.list(s.id()).stream().map(json::scope).toList());
    }

    public void create(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        // 201, as Okta's spec documents it and Okta answers (recorded traffic: terraform-provider-okta VCR fixtures).
        ctx.status(201).json(json.scope(scopes.create(ApiRequests.event(ctx), s, request(ctx))));
    }

    public void get(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        ctx.json(json.scope(scopes.get(s.id(), ctx.pathParam("scopeId"))));
    }

    public void update(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        ctx.json(json.scope(scopes.update(ApiRequests.event(ctx), s, ctx.pathParam("scopeId"), request(ctx))));
    }

    public void delete(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        scopes.delete(ApiRequests.event(ctx), s, ctx.pathParam("scopeId"));
        ctx.status(204);
    }

    private static ScopeRequest request(Context ctx) {
        JsonNode body = ApiRequests.object(ctx);
        List<ApiError.Cause> causes = new ArrayList<>();
        String name = AuthorizationServersApi.text(body.get("name"), "name", causes);
        String displayName = AuthorizationServersApi.text(body.get("displayName"), "displayName", causes);
        String description = AuthorizationServersApi.text(body.get("description"), "description", causes);
        String consent = AuthorizationServersApi.text(body.get("consent"), "consent", causes);
        String metadataPublish = AuthorizationServersApi.text(body.get("metadataPublish"), "metadataPublish", causes);
        Boolean isDefault = null;
        JsonNode d = body.get("default");
        if (d != null && !d.isNull()) {
            if (d.isBoolean()) {
                isDefault = d.asBoolean();
            } else {
                causes.add(new ApiError.Cause("default", "Does not match required type: boolean"));
            }
        }
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        return new ScopeRequest(name, displayName, description, isDefault, consent, metadataPublish);
    }
}
