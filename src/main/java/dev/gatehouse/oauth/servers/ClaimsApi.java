package dev.gatehouse.oauth.servers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.errors.ApiError;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;

/** {@code /api/v1/authorizationServers/{id}/claims}: Okta's OAuth2Claim operations; every rule is in {@link Claims}. */
public final class ClaimsApi {

    /** More scopes than this in one request is refused while reading (the rule itself allows fewer). */
    private static final int MAX_SCOPES_READ = 200;

    private final AuthorizationServers servers;
    private final Claims claims;
    private final ClaimJson json;

    public ClaimsApi(AuthorizationServers servers, Claims claims, ClaimJson json) {
        this.servers = servers;
        this.claims = claims;
        this.json = json;
    }

    /** Every claim of the server (Okta does not page this list). */
    public void list(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        ctx.json(claims.list(s.id()).stream().map(json::claim).toList());
    }

    public void create(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        ctx.status(201).json(json.claim(claims.create(ApiRequests.event(ctx), s, request(ctx))));
    }

    public void get(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        ctx.json(json.claim(claims.get(s.id(), ctx.pathParam("claimId"))));
    }

    public void update(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        ctx.json(json.claim(claims.update(ApiRequests.event(ctx), s, ctx.pathParam("claimId"), request(ctx))));
    }

    public void delete(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        claims.delete(ApiRequests.event(ctx), s, ctx.pathParam("claimId"));
        ctx.status(204);
    }

    private static ClaimRequest request(Context ctx) {
        JsonNode body = ApiRequests.object(ctx);
        List<ApiError.Cause> causes = new ArrayList<>();
        String name = AuthorizationServersApi.text(body.get("name"), "name", causes);
        String status = AuthorizationServersApi.text(body.get("status"), "status", causes);
        String claimType = AuthorizationServersApi.text(body.get("claimType"), "claimType", causes);
        String valueType = AuthorizationServersApi.text(body.get("valueType"), "valueType", causes);
        String value = AuthorizationServersApi.text(body.get("value"), "value", causes);
        String filter = AuthorizationServersApi.text(body.get("group_filter_type"), "group_filter_type", causes);
        Boolean always = null;
        JsonNode a = body.get("alwaysIncludeInToken");
        if (a != null && !a.isNull()) {
            if (a.isBoolean()) {
                always = a.asBoolean();
            } else {
                causes.add(new ApiError.Cause("alwaysIncludeInToken", "Does not match required type: boolean"));
            }
        }
        List<String> scopes = null;
        JsonNode conditions = body.get("conditions");
        if (conditions != null && !conditions.isNull()) {
            if (!conditions.isObject()) {
                causes.add(new ApiError.Cause("conditions", "Does not match required type: object"));
            } else {
                JsonNode list = conditions.get("scopes");
                if (list != null && !list.isNull()) {
                    if (!list.isArray() || list.size() > MAX_SCOPES_READ) {
                        causes.add(new ApiError.Cause("conditions.scopes", "Must be an array of at most " + MAX_SCOPES_READ + " scope names"));
                    } else {
                        scopes = new ArrayList<>();
                        for (JsonNode n : list) {
                            if (!n.isTextual() || n.asText().isBlank() || n.asText().length() > 255) {
                                causes.add(new ApiError.Cause("conditions.scopes", "Each scope must be a scope name"));
                                break;
                            }
                            scopes.add(n.asText());
                        }
                    }
                }
            }
        }
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        return new ClaimRequest(name, status, claimType, valueType, value, filter, scopes, always);
    }
}
