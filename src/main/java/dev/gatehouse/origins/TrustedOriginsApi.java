package dev.gatehouse.origins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.api.ApiCaller;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.api.Paging;
import dev.gatehouse.origins.TrustedOrigin.Scope;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/** {@code /api/v1/trustedOrigins}: Okta's Trusted Origins API for super admins; every rule is in {@link TrustedOrigins}. */
public final class TrustedOriginsApi {

    private final TrustedOrigins origins;
    private final TrustedOriginJson json;
    private final String baseUrl;

    public TrustedOriginsApi(TrustedOrigins origins, TrustedOriginJson json, String baseUrl) {
        this.origins = origins;
        this.json = json;
        this.baseUrl = baseUrl;
    }

    /** {@code POST /api/v1/trustedOrigins} with {@code {name, origin, scopes:[{type}]}}: 200 with the ACTIVE origin. */
    public void create(Context ctx) {
        TrustedOrigins.Request request = request(ctx);
        ctx.json(json.origin(origins.create(ApiRequests.event(ctx), request)));
    }

    /** {@code GET /api/v1/trustedOrigins} with {@code q}, {@code filter}, {@code limit} (default 20, at most 200) and {@code after}. */
    public void list(Context ctx) {
        Paging paging = Paging.of(ctx, 20, 200);
        List<TrustedOrigin> found = origins.list(ctx.queryParam("q"), ctx.queryParam("filter"), paging.after(), paging.limit() + 1);
        ctx.json(paging.respond(ctx, baseUrl, found, TrustedOrigin::id).stream().map(json::origin).toList());
    }

    public void get(Context ctx) {
        ctx.json(json.origin(origins.get(ctx.pathParam("id"))));
    }

    /** {@code PUT /api/v1/trustedOrigins/{id}}: replaces name, origin and scopes. */
    public void replace(Context ctx) {
        TrustedOrigins.Request request = request(ctx);
        ctx.json(json.origin(origins.replace(ApiRequests.event(ctx), ctx.pathParam("id"), request)));
    }

    /** {@code POST /api/v1/trustedOrigins/{id}/lifecycle/{activate|deactivate}}: 200 with the origin (not {@code {}}, as Okta). */
    public void lifecycle(Context ctx) {
        String id = ctx.pathParam("id");
        TrustedOrigin o = switch (ctx.pathParam("operation")) {
            case "activate" -> origins.activate(ApiRequests.event(ctx), id);
            case "deactivate" -> origins.deactivate(ApiRequests.event(ctx), id);
            default -> throw ApiError.notFound(ctx.path(), "Path");
        };
        ctx.json(json.origin(o));
    }

    /** {@code DELETE /api/v1/trustedOrigins/{id}}: 204. */
    public void delete(Context ctx) {
        origins.delete(ApiRequests.event(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }

    private static TrustedOrigins.Request request(Context ctx) {
        JsonNode body = ApiRequests.object(ctx);
        List<ApiError.Cause> causes = new ArrayList<>();
        String name = text(body, "name", causes);
        String origin = text(body, "origin", causes);
        EnumSet<Scope> scopes = scopes(body.get("scopes"), causes);
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        return new TrustedOrigins.Request(name, origin, scopes);
    }

    private static String text(JsonNode body, String field, List<ApiError.Cause> causes) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            causes.add(new ApiError.Cause(field, "The field must be a string"));
            return null;
        }
        return n.asText();
    }

    /** {@code [{type: CORS|REDIRECT}, …]}; absent means none. {@code IFRAME_EMBED} is refused: Gatehouse pages are never framed. */
    private static EnumSet<Scope> scopes(JsonNode node, List<ApiError.Cause> causes) {
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        if (node == null || node.isNull()) {
            return scopes;
        }
        if (!node.isArray()) {
            causes.add(new ApiError.Cause("scopes", "The field must be a list of {\"type\": \"CORS\" | \"REDIRECT\"}"));
            return scopes;
        }
        for (JsonNode scope : node) {
            JsonNode type = scope.isObject() ? scope.get("type") : null;
            String value = type != null && type.isTextual() ? type.asText() : String.valueOf(type);
            if ("IFRAME_EMBED".equals(value)) {
                causes.add(new ApiError.Cause("scopes", "IFRAME_EMBED is not supported: Gatehouse pages refuse to be framed"));
            } else if (value.equals("CORS") || value.equals("REDIRECT")) {
                scopes.add(Scope.valueOf(value));
            } else {
                causes.add(new ApiError.Cause("scopes", "'" + value + "' is not a scope type (CORS or REDIRECT)"));
            }
        }
        return scopes;
    }

}
