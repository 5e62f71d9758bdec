package dev.gatehouse.apitokens;

import dev.gatehouse.api.Paging;
import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.api.ApiCaller;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/api-tokens}: the caller's own SSWS tokens, in Okta's ApiToken JSON. */
public final class ApiTokensApi {

    private final ApiTokens tokens;
    private final String baseUrl;

    public ApiTokensApi(ApiTokens tokens, String baseUrl) {
        this.tokens = tokens;
        this.baseUrl = baseUrl;
    }

    public void list(Context ctx) {
        ApiCaller caller = ApiRequests.caller(ctx);
        Paging paging = Paging.of(ctx, 20, 200);
        List<ApiToken> page = paging.respond(ctx, baseUrl, tokens.list(caller.userId(), paging.after(), paging.limit() + 1), ApiToken::id);
        ctx.json(page.stream().map(this::json).toList());
    }

    public void get(Context ctx) {
        ApiCaller caller = ApiRequests.caller(ctx);
        ctx.json(json(tokens.get(caller, ctx.pathParam("id"))));
    }

    /** PUT: only {@code name} can change; other members are ignored, as Okta ignores read-only ones. */
    public void update(Context ctx) {
        ApiCaller caller = ApiRequests.caller(ctx);
        var body = ApiRequests.object(ctx);
        var name = body.get("name");
        ApiToken t = tokens.rename(ApiRequests.event(ctx), caller, ctx.pathParam("id"), name != null && name.isTextual() ? name.asText() : null);
        ctx.json(json(t));
    }

    public void revoke(Context ctx) {
        tokens.revoke(ApiRequests.event(ctx), ApiRequests.caller(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }

    Map<String, Object> json(ApiToken t) {
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
