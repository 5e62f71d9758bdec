package dev.gatehouse.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.gatehouse.api.ApiCaller;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.api.Paging;
import io.javalin.http.Context;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/v1/apps}: Okta's Apps API for super admins (403 E0000006 for anyone else). Reads requests into
 * plain values ({@link AppRequestJson}) and leaves every rule to {@link Apps}.
 */
public final class AppsApi {

    private final Apps apps;
    private final AppJson json;
    private final String baseUrl;

    public AppsApi(Apps apps, AppJson json, String baseUrl) {
        this.apps = apps;
        this.json = json;
        this.baseUrl = baseUrl;
    }

    /** {@code POST /api/v1/apps?activate=true|false}: the app, with its client secret if it has one (the only time it is shown). */
    public void create(Context ctx) {
        boolean activate = bool(ctx, "activate", true);
        AppRequestJson.Read read = AppRequestJson.read(ApiRequests.object(ctx));
        // As Okta's spec: a client_secret of 14 to 100 characters may be given on creation (an org file's fixed secret for a dev
        // org, issue #22); otherwise one is generated. Only its hash is kept, as for a generated one.
        Apps.Created created = apps.create(ApiRequests.event(ctx), read.request(), activate, Optional.ofNullable(read.clientSecret()));
        ctx.json(json.app(created.app(), created.clientSecret()));
    }

    /** {@code GET /api/v1/apps} with {@code q}, {@code filter} (id, status, name), {@code limit} and {@code after}. */
    public void list(Context ctx) {
        Paging paging = Paging.of(ctx, 200, 200);
        List<App> found = apps.list(ctx.queryParam("q"), ctx.queryParam("filter"), paging.after(), paging.limit() + 1);
        ctx.json(paging.respond(ctx, baseUrl, found, App::id).stream().map(json::app).toList());
    }

    public void get(Context ctx) {
        ctx.json(json.app(apps.get(ctx.pathParam("id"))));
    }

    /**
     * {@code PUT /api/v1/apps/{id}}: full replace of label, settings and credentials; id, name, status, created and
     * lastUpdated are ignored. A client_secret may be sent back only unchanged (SDKs echo the created object).
     */
    public void update(Context ctx) {
        String id = ctx.pathParam("id");
        AppRequestJson.Read read = AppRequestJson.read(ApiRequests.object(ctx));
        if (read.clientSecret() != null && !apps.verifySecret(apps.get(id), read.clientSecret())) {
            throw ApiError.validation("client_secret", "The client secret cannot be set; rotate it with POST "
                    + "/api/v1/apps/" + id + "/credentials/secrets");
        }
        ctx.json(json.app(apps.update(ApiRequests.event(ctx), id, read.request())));
    }

    /** {@code DELETE /api/v1/apps/{id}}: 204; an ACTIVE app is 403 E0000056. */
    public void delete(Context ctx) {
        apps.delete(ApiRequests.event(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }

    /** {@code POST /api/v1/apps/{id}/lifecycle/activate|deactivate}: 200 with {@code {}}, as Okta. */
    public void lifecycle(Context ctx) {
        switch (ctx.pathParam("operation")) {
            case "activate" -> apps.activate(ApiRequests.event(ctx), ctx.pathParam("id"));
            case "deactivate" -> apps.deactivate(ApiRequests.event(ctx), ctx.pathParam("id"));
            default -> throw ApiError.notFound(ctx.path(), "Path");
        }
        ctx.json(Map.of());
    }

    /** {@code POST /api/v1/apps/{id}/credentials/secrets}: a new secret replaces the old one, shown this once. */
    public void rotateSecret(Context ctx) {
        String id = ctx.pathParam("id");
        JsonNode body = optionalObject(ctx);
        if (body.hasNonNull("client_secret")) {
            throw ApiError.validation("client_secret", "Gatehouse generates client secrets: leave client_secret out");
        }
        String secret = apps.rotateSecret(ApiRequests.event(ctx), id);
        ctx.status(201).json(json.newSecret(apps.get(id), secret)); // 201 Created, as Okta's spec documents it
    }

    /** {@code GET /api/v1/apps/{id}/users}: assigned users, directly (scope USER) or through groups (scope GROUP). */
    public void users(Context ctx) {
        Paging paging = Paging.of(ctx, 200, 500);
        List<AppUser> found = apps.appUsers(ctx.pathParam("id"), paging.after(), paging.limit() + 1);
        ctx.json(paging.respond(ctx, baseUrl, found, AppUser::userId).stream().map(json::appUser).toList());
    }

    /** {@code POST /api/v1/apps/{id}/users} with {@code {"id":"00u…","scope":"USER"}}: the AppUser. */
    public void assignUser(Context ctx) {
        JsonNode body = ApiRequests.object(ctx);
        JsonNode userId = body.get("id");
        if (userId == null || userId.isNull() || (userId.isTextual() && userId.asText().isBlank())) {
            throw ApiError.validation("id", AppRules.BLANK);
        }
        if (!userId.isTextual()) {
            throw ApiError.validation("id", AppRequestJson.TYPE_STRING);
        }
        JsonNode scope = body.get("scope");
        if (scope != null && !scope.isNull() && !(scope.isTextual() && scope.asText().equals("USER"))) {
            throw ApiError.validation("scope", "Users are assigned with scope USER; assign a group for scope GROUP");
        }
        ctx.json(json.appUser(apps.assignUser(ApiRequests.event(ctx), ctx.pathParam("id"), userId.asText())));
    }

    public void user(Context ctx) {
        ctx.json(json.appUser(apps.appUser(ctx.pathParam("id"), ctx.pathParam("userId"))));
    }

    /** {@code DELETE /api/v1/apps/{id}/users/{userId}}: 204. */
    public void unassignUser(Context ctx) {
        apps.unassignUser(ApiRequests.event(ctx), ctx.pathParam("id"), ctx.pathParam("userId"));
        ctx.status(204);
    }

    /** {@code GET /api/v1/apps/{id}/groups}: the group assignments, by group id. */
    public void groups(Context ctx) {
        Paging paging = Paging.of(ctx, 20, 200);
        List<GroupAssignment> found = apps.groupAssignments(ctx.pathParam("id"), paging.after(), paging.limit() + 1);
        ctx.json(paging.respond(ctx, baseUrl, found, GroupAssignment::groupId).stream().map(json::groupAssignment).toList());
    }

    /** {@code PUT /api/v1/apps/{id}/groups/{groupId}} with {@code {}} or {@code {"priority": n}} (or no body). */
    public void assignGroup(Context ctx) {
        JsonNode priority = optionalObject(ctx).get("priority");
        if (priority != null && !priority.isNull() && !(priority.isIntegralNumber() && priority.canConvertToInt())) {
            throw ApiError.validation("priority", "Must be a whole number of 0 or more");
        }
        Integer value = priority == null || priority.isNull() ? null : priority.asInt();
        ctx.json(json.groupAssignment(apps.assignGroup(ApiRequests.event(ctx), ctx.pathParam("id"), ctx.pathParam("groupId"), value)));
    }

    public void group(Context ctx) {
        ctx.json(json.groupAssignment(apps.groupAssignment(ctx.pathParam("id"), ctx.pathParam("groupId"))));
    }

    /** {@code DELETE /api/v1/apps/{id}/groups/{groupId}}: 204. */
    public void unassignGroup(Context ctx) {
        apps.unassignGroup(ApiRequests.event(ctx), ctx.pathParam("id"), ctx.pathParam("groupId"));
        ctx.status(204);
    }

    /** The caller, who must be a super admin (403 E0000006 otherwise). */

    /** The JSON object body, or an empty object when there is no body (Okta allows {@code Content-Length: 0}). */
    private static JsonNode optionalObject(Context ctx) {
        return ctx.body().isBlank() ? JsonNodeFactory.instance.objectNode()
                : ApiRequests.object(ctx);
    }

    private static boolean bool(Context ctx, String name, boolean otherwise) {
        String raw = Optional.ofNullable(ctx.queryParam(name)).map(String::strip).orElse("");
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "" -> otherwise;
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiError.validation(name, "Must be true or false");
        };
    }
}
