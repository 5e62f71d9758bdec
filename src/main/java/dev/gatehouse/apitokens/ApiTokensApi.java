package dev.gatehouse.apitokens;

import dev.gatehouse.api.Paging;
import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.api.ApiCaller;
import io.javalin.http.Context;

import java.util.List;

/** {@code /api/v1/api-tokens}: the caller's own SSWS tokens, in Okta's ApiToken JSON. */
public final class ApiTokensApi {

    private final ApiTokens tokens;
    private final ApiTokenJson json;
    private final String baseUrl;

    public ApiTokensApi(ApiTokens tokens, ApiTokenJson json, String baseUrl) {
        this.tokens = tokens;
        this.json = json;
        this.baseUrl = baseUrl;
    }

    public void list(Context ctx) {
        ApiCaller caller = ApiRequests.caller(ctx);
        Paging paging = Paging.of(ctx, 20, 200);
        List<ApiToken> page = paging.respond(ctx, baseUrl, tokens.list(caller.userId(), paging.after(), paging.limit() + 1), ApiToken::id);
        ctx.json(page.stream().map(json::token).toList());
    }

    public void get(Context ctx) {
        ApiCaller caller = ApiRequests.caller(ctx);
        ctx.json(json.token(tokens.get(caller, ctx.pathParam("id"))));
    }

    /** PUT: only {@code name} can change; other members are ignored, as Okta ignores read-only ones. */
    public void update(Context ctx) {
        ApiCaller caller = ApiRequests.caller(ctx);
        var body = ApiRequests.object(ctx);
        var name = body.get("name");
        ApiToken t = tokens.rename(ApiRequests.event(ctx), caller, ctx.pathParam("id"), name != null && name.isTextual() ? name.asText() : null);
        ctx.json(json.token(t));
    }

    public void revoke(Context ctx) {
        tokens.revoke(ApiRequests.event(ctx), ApiRequests.caller(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }
}
