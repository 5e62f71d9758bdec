package dev.gatehouse.directory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.api.Paging;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/groups}: Okta's Groups API for super admins; every rule is in {@link Groups}. */
public final class GroupsApi {

    private final Groups groups;
    private final DirectoryJson json;
    private final String baseUrl;

    public GroupsApi(Groups groups, DirectoryJson json, String baseUrl) {
        this.groups = groups;
        this.json = json;
        this.baseUrl = baseUrl;
    }

    /** {@code POST /api/v1/groups} with {@code {profile:{name, description}}}. */
    public void create(Context ctx) {
        Map<String, String> profile = profile(ctx);
        ctx.json(json.group(groups.create(ApiRequests.event(ctx), profile.get("name"), profile.get("description"))));
    }

    /** {@code GET /api/v1/groups} with {@code q} (name prefix), {@code filter}, {@code limit} and {@code after}. */
    public void list(Context ctx) {
        Paging paging = Paging.of(ctx, 200, 200);
        List<Group> found = groups.list(ctx.queryParam("q"), ctx.queryParam("filter"), paging.after(), paging.limit() + 1);
        ctx.json(paging.respond(ctx, baseUrl, found, Group::id).stream().map(json::group).toList());
    }

    public void get(Context ctx) {
        ctx.json(json.group(groups.get(ctx.pathParam("id"))));
    }

    /** {@code PUT /api/v1/groups/{id}}: replaces the profile. */
    public void update(Context ctx) {
        Map<String, String> profile = profile(ctx);
        ctx.json(json.group(groups.update(ApiRequests.event(ctx), ctx.pathParam("id"), profile.get("name"), profile.get("description"))));
    }

    public void delete(Context ctx) {
        groups.delete(ApiRequests.event(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }

    /** {@code GET /api/v1/groups/{id}/users}: the members, paged by id. */
    public void members(Context ctx) {
        Paging paging = Paging.of(ctx, 200, 200);
        List<User> found = groups.members(ctx.pathParam("id"), paging.after(), paging.limit() + 1);
        ctx.json(json.users(paging.respond(ctx, baseUrl, found, User::id)));
    }

    /** {@code PUT /api/v1/groups/{id}/users/{userId}}: 204. */
    public void addMember(Context ctx) {
        groups.addMember(ApiRequests.event(ctx), ctx.pathParam("id"), ctx.pathParam("userId"));
        ctx.status(204);
    }

    /** {@code DELETE /api/v1/groups/{id}/users/{userId}}: 204. */
    public void removeMember(Context ctx) {
        groups.removeMember(ApiRequests.event(ctx), ctx.pathParam("id"), ctx.pathParam("userId"));
        ctx.status(204);
    }

    private static Map<String, String> profile(Context ctx) {
        JsonNode body = ApiRequests.object(ctx);
        List<ApiError.Cause> causes = new ArrayList<>();
        Map<String, String> profile = UsersApi.attributes(body.get("profile"), causes);
        profile.keySet().stream().filter(k -> !k.equals("name") && !k.equals("description")).sorted()
                .forEach(k -> causes.add(new ApiError.Cause(k, UserProfileSchema.UNDEFINED)));
        UsersApi.failOn(causes);
        return profile;
    }
}
