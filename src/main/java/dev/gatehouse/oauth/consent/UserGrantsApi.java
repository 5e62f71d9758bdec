package dev.gatehouse.oauth.consent;

import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.api.Paging;
import dev.gatehouse.errors.ApiError;
import io.javalin.http.Context;

import java.util.List;

/**
 * Okta's User Grants API (research notes §7.3): {@code /api/v1/users/{userId}/grants[/{grantId}]},
 * {@code /api/v1/users/{userId}/clients[/{clientId}/grants]}. {@code me} names the caller.
 */
public final class UserGrantsApi {

    private final Consents consents;
    private final UserGrantJson json;
    private final String baseUrl;

    public UserGrantsApi(Consents consents, UserGrantJson json, String baseUrl) {
        this.consents = consents;
        this.json = json;
        this.baseUrl = baseUrl;
    }

    public void list(Context ctx) {
        page(ctx, user(ctx), null, ctx.queryParam("scopeId"));
    }

    public void listForClient(Context ctx) {
        String clientId = ctx.pathParam("clientId");
        consents.client(clientId);
        page(ctx, user(ctx), clientId, null);
    }

    public void get(Context ctx) {
        ctx.json(json.grant(consents.get(user(ctx), ctx.pathParam("grantId")), expandScope(ctx)));
    }

    public void revoke(Context ctx) {
        consents.revoke(ApiRequests.event(ctx), user(ctx), ctx.pathParam("grantId"));
        ctx.status(204);
    }

    public void revokeAll(Context ctx) {
        consents.revokeAll(ApiRequests.event(ctx), user(ctx), null);
        ctx.status(204);
    }

    public void revokeForClient(Context ctx) {
        consents.revokeAll(ApiRequests.event(ctx), user(ctx), ctx.pathParam("clientId"));
        ctx.status(204);
    }

    public void clients(Context ctx) {
        String userId = user(ctx);
        ctx.json(consents.clients(userId).stream().map(app -> json.client(userId, app)).toList());
    }

    private void page(Context ctx, String userId, String clientId, String scopeId) {
        Paging paging = Paging.of(ctx, 20, 200);
        boolean expand = expandScope(ctx);
        List<ConsentGrant> found = consents.list(userId, clientId, scopeId, paging.after(), paging.limit() + 1);
        ctx.json(paging.respond(ctx, baseUrl, found, ConsentGrant::id).stream().map(g -> json.grant(g, expand)).toList());
    }

    private static String user(Context ctx) {
        String id = ctx.pathParam("id");
        return "me".equals(id) ? ApiRequests.caller(ctx).userId() : id;
    }

    /** {@code expand=scope} embeds the scope; any other value is refused. */
    private static boolean expandScope(Context ctx) {
        String expand = ctx.queryParam("expand");
        if (expand == null || expand.isBlank()) {
            return false;
        }
        if (!"scope".equals(expand)) {
            throw ApiError.validation("expand", "Must be scope");
        }
        return true;
    }
}
