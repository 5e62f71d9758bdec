package dev.gatehouse.oauth.issued;

import dev.gatehouse.api.ApiRequests;
import io.javalin.http.Context;

/** {@code /api/v1/apps/{appId}/tokens}: Okta's OAuth2RefreshToken objects of an app (ids {@code oar…}). */
public final class AppTokensApi {

    private final AppTokens tokens;
    private final AppTokenJson json;

    public AppTokensApi(AppTokens tokens, AppTokenJson json) {
        this.tokens = tokens;
        this.json = json;
    }

    public void list(Context ctx) {
        String appId = ctx.pathParam("id");
        ctx.json(tokens.active(appId).stream().map(t -> json.token(appId, t)).toList());
    }

    public void get(Context ctx) {
        ctx.json(json.token(ctx.pathParam("id"), tokens.get(ctx.pathParam("id"), ctx.pathParam("tokenId"))));
    }

    public void revoke(Context ctx) {
        tokens.revoke(ApiRequests.event(ctx), ctx.pathParam("id"), ctx.pathParam("tokenId"));
        ctx.status(204);
    }

    public void revokeAll(Context ctx) {
        tokens.revokeAll(ApiRequests.event(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }
}
