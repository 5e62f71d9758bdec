package dev.gatehouse.oauth.servers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.api.ApiCaller;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.api.Paging;
import dev.gatehouse.oauth.keys.SigningKey;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/v1/authorizationServers}: Okta's Authorization Servers API for super admins (custom servers only;
 * the org AS is not listed, as in Okta). Lifecycle operations answer 204, as Okta's do. Every rule is in
 * {@link AuthorizationServers}.
 */
public final class AuthorizationServersApi {

    static final String TYPE_STRING = "Does not match required type: string";

    private final AuthorizationServers servers;
    private final AuthorizationServerJson json;
    private final String baseUrl;

    public AuthorizationServersApi(AuthorizationServers servers, AuthorizationServerJson json, String baseUrl) {
        this.servers = servers;
        this.json = json;
        this.baseUrl = baseUrl;
    }

    /** {@code GET} with {@code q} (part of the name or audience), {@code limit} (default and max 200) and {@code after}. */
    public void list(Context ctx) {
        Paging paging = Paging.of(ctx, 200, 200);
        List<AuthorizationServer> found = servers.list(ctx.queryParam("q"), paging.after(), paging.limit() + 1);
        ctx.json(paging.respond(ctx, baseUrl, found, AuthorizationServer::id).stream().map(json::server).toList());
    }

    public void create(Context ctx) {
        // 201, as Okta's spec documents it and Okta answers (recorded traffic: terraform-provider-okta VCR fixtures).
        ctx.status(201).json(json.server(servers.create(ApiRequests.event(ctx), request(ctx))));
    }

    public void get(Context ctx) {
        ctx.json(json.server(servers.get(ctx.pathParam("id"))));
    }

    /** {@code PUT}: replaces name, description and audiences, and {@code credentials.signing.rotationMode} when given. */
    public void update(Context ctx) {
        ctx.json(json.server(servers.update(ApiRequests.event(ctx), ctx.pathParam("id"), request(ctx))));
    }

    public void delete(Context ctx) {
        servers.delete(ApiRequests.event(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }

    /** {@code POST .../lifecycle/activate|deactivate}: 204; any other operation is 404. */
    public void lifecycle(Context ctx) {
        String id = ctx.pathParam("id");
        switch (ctx.pathParam("operation")) {
            case "activate" -> servers.activate(ApiRequests.event(ctx), id);
            case "deactivate" -> servers.deactivate(ApiRequests.event(ctx), id);
            default -> throw ApiError.notFound(ctx.path(), "Path");
        }
        ctx.status(204);
    }

    /** {@code GET .../credentials/keys}: ACTIVE, NEXT and still-published EXPIRED keys (public parts only). */
    public void keys(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        ctx.json(servers.keys(s).stream().map(json::key).toList());
    }

    public void key(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        String kid = ctx.pathParam("kid");
        SigningKey k = servers.keys(s).stream().filter(x -> x.kid().equals(kid)).findFirst()
                .orElseThrow(() -> ApiError.notFound(kid, "JsonWebKey"));
        ctx.json(json.key(k));
    }

    /** {@code POST .../credentials/lifecycle/keyRotate} with {@code {"use":"sig"}}: the keys after the rotation. */
    public void rotate(Context ctx) {
        AuthorizationServer s = servers.get(ctx.pathParam("id"));
        JsonNode use = ApiRequests.object(ctx).get("use");
        if (use == null || !use.isTextual() || !use.asText().equals("sig")) {
            throw new ApiError(ErrorCode.E0000001, ErrorCode.E0000001.summary("rotateKeys"),
                    List.of(new ApiError.Cause(null, "Invalid value specified for key 'use' parameter.")));
        }
        ctx.json(servers.rotateKeys(ApiRequests.event(ctx), s).stream().map(json::key).toList());
    }

    private static AuthorizationServerRequest request(Context ctx) {
        JsonNode body = ApiRequests.object(ctx);
        List<ApiError.Cause> causes = new ArrayList<>();
        String name = text(body.get("name"), "name", causes);
        String description = text(body.get("description"), "description", causes);
        List<String> audiences = new ArrayList<>();
        JsonNode a = body.get("audiences");
        if (a != null && !a.isNull()) {
            if (!a.isArray()) {
                causes.add(new ApiError.Cause("audiences", "Must be an array of strings"));
            } else {
                a.forEach(item -> {
                    if (item.isTextual()) {
                        audiences.add(item.asText());
                    } else {
                        causes.add(new ApiError.Cause("audiences", "Must be an array of strings"));
                    }
                });
            }
        }
        String rotationMode = text(body.path("credentials").path("signing").get("rotationMode"), "credentials.signing.rotationMode", causes);
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        return new AuthorizationServerRequest(name, description, audiences, rotationMode);
    }

    static String text(JsonNode node, String field, List<ApiError.Cause> causes) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (!node.isTextual()) {
            causes.add(new ApiError.Cause(field, TYPE_STRING));
            return null;
        }
        return node.asText();
    }

}
