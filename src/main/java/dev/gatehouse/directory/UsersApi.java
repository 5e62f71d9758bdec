package dev.gatehouse.directory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.api.ApiCaller;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.api.Paging;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /api/v1/users}: Okta's Users API for super admins. Reads requests into plain values (JSON type
 * errors are reported here, one cause per field) and leaves every rule to {@link Users}.
 */
public final class UsersApi {

    private final Users users;
    private final Activations activations;
    private final Groups groups;
    private final DirectoryJson json;
    private final String baseUrl;

    public UsersApi(Users users, Activations activations, Groups groups, DirectoryJson json, String baseUrl) {
        this.users = users;
        this.activations = activations;
        this.groups = groups;
        this.json = json;
        this.baseUrl = baseUrl;
    }

    /** {@code POST /api/v1/users?activate=true|false} with {@code {profile, credentials:{password:{value}}, groupIds}}. */
    public void create(Context ctx) {
        boolean activate = bool(ctx, "activate", true);
        JsonNode body = ApiRequests.object(ctx);
        List<ApiError.Cause> causes = new ArrayList<>();
        Map<String, String> profile = attributes(body.get("profile"), causes);
        String password = password(body, causes);
        // Okta's credentials.password.hash (issue #22): a hash imported from another store, in place of a value.
        JsonNode hashNode = body.path("credentials").path("password").path("hash");
        ImportedHash imported = null;
        if (!hashNode.isMissingNode() && !hashNode.isNull()) {
            if (password != null) {
                causes.add(new ApiError.Cause("password", "Give the password's value or its hash, not both"));
            } else {
                imported = ImportedHash.read(hashNode, causes).orElse(null);
            }
        }
        List<String> groupIds = strings(body.get("groupIds"), "groupIds", causes);
        failOn(causes);
        Users.NewUser request = new Users.NewUser(profile, password, activate, groupIds, imported);
        User user = activate && password == null && imported == null ? activations.create(ApiRequests.event(ctx), request)
                : users.create(ApiRequests.event(ctx), request);
        ctx.json(json.user(user));
    }

    /**
     * {@code GET /api/v1/users/{id}/credentials/password_hash}: the person's password hash, for {@code gatehouse org export
     * --with-password-hashes} (issue #22). A Gatehouse extension (Okta never returns hashes); super admins only, as all of
     * /api/v1, and each read is in the System Log.
     */
    public void passwordHash(Context ctx) {
        ctx.json(json.passwordHash(users.passwordHash(ApiRequests.event(ctx), ctx.pathParam("id"))));
    }

    /** {@code GET /api/v1/users} with {@code q}, {@code filter}, {@code search}, {@code limit} and {@code after}. */
    public void list(Context ctx) {
        Paging paging = Paging.of(ctx, 200, 200);
        List<User> found = users.list(new Users.Search(ctx.queryParam("q"), ctx.queryParam("filter"), ctx.queryParam("search"),
                paging.after(), paging.limit() + 1));
        ctx.json(json.users(paging.respond(ctx, baseUrl, found, User::id)));
    }

    /** {@code GET /api/v1/users/{id}}: by id, by login, or {@code me} for the caller. */
    public void get(Context ctx) {
        ApiCaller caller = ApiRequests.caller(ctx);
        String id = ctx.pathParam("id");
        ctx.json(json.user(users.get("me".equals(id) ? caller.userId() : id)));
    }

    /** {@code POST /api/v1/users/{id}}: partial update; only the profile attributes given change. */
    public void update(Context ctx) {
        JsonNode body = ApiRequests.object(ctx);
        List<ApiError.Cause> causes = new ArrayList<>();
        Map<String, String> changes = body.has("profile") ? attributes(body.get("profile"), causes) : null;
        String password = password(body, causes);
        failOn(causes);
        ctx.json(json.user(users.update(ApiRequests.event(ctx), ctx.pathParam("id"), changes, password)));
    }

    /** {@code PUT /api/v1/users/{id}}: the profile is replaced whole. */
    public void replace(Context ctx) {
        JsonNode body = ApiRequests.object(ctx);
        List<ApiError.Cause> causes = new ArrayList<>();
        Map<String, String> profile = attributes(body.get("profile"), causes);
        String password = password(body, causes);
        failOn(causes);
        ctx.json(json.user(users.replace(ApiRequests.event(ctx), ctx.pathParam("id"), profile, password)));
    }

    /** {@code POST /api/v1/users/{id}/lifecycle/{operation}}: 200 with {@code {}}, as Okta. */
    public void lifecycle(Context ctx) {
        String operation = ctx.pathParam("operation");
        if (activation(ctx, operation)) {
            return;
        }
        Lifecycle change = Arrays.stream(Lifecycle.values()).filter(l -> l.operation().equals(operation)).findFirst()
                .orElseThrow(() -> ApiError.notFound(ctx.path(), "Path"));
        users.lifecycle(ApiRequests.event(ctx), ctx.pathParam("id"), change);
        ctx.json(Map.of());
    }

    // ---- password lifecycle (issue #19: recovery) ----

    private PasswordRecovery recovery;

    /** The password lifecycle's use cases (reset_password, expire_password); set once by Wiring. */
    public UsersApi withRecovery(PasswordRecovery recovery) {
        this.recovery = recovery;
        return this;
    }

    /**
     * {@code POST /api/v1/users/{id}/lifecycle/reset_password?sendEmail=true|false&revokeSessions=}: Okta's resetPassword.
     * The user goes to RECOVERY; {@code sendEmail=false} answers {@code {"resetPasswordUrl": ...}}, {@code true} emails
     * the link (PasswordResetByAdmin) and answers {@code {}}. {@code sendEmail} is required by Okta's spec (400 E0000028).
     */
    public void resetPassword(Context ctx) {
        String raw = ctx.queryParam("sendEmail");
        if (raw == null || raw.isBlank()) {
            throw new ApiError(ErrorCode.E0000028, ErrorCode.E0000028.summary(null),
                    List.of(new ApiError.Cause("sendEmail", "The sendEmail query parameter is required.")));
        }
        boolean sendEmail = bool(ctx, "sendEmail", false);
        boolean revokeSessions = bool(ctx, "revokeSessions", false);
        ctx.json(json.resetPasswordToken(recovery.adminReset(ApiRequests.event(ctx), ctx.pathParam("id"), sendEmail, revokeSessions,
                null, users::find)));
    }

    /**
     * {@code POST /api/v1/users/{id}/lifecycle/expire_password}: PASSWORD_EXPIRED; answers the user, as Okta's
     * expirePassword. The older {@code ?tempPassword=true} form is not in Okta's current spec (its response would not
     * conform): the temporary password is the separate {@code expire_password_with_temp_password} operation.
     */
    public void expirePassword(Context ctx) {
        ctx.json(json.user(recovery.expire(ApiRequests.event(ctx), ctx.pathParam("id"), users::find)));
    }

    /** {@code POST /api/v1/users/{id}/lifecycle/expire_password_with_temp_password?revokeSessions=}: {@code {"tempPassword"}}. */
    public void expirePasswordWithTempPassword(Context ctx) {
        ctx.json(json.tempPassword(recovery.expireWithTempPassword(ApiRequests.event(ctx), ctx.pathParam("id"),
                bool(ctx, "revokeSessions", false), null, users::find)));
    }

    /**
     * {@code lifecycle/activate?sendEmail=} (Okta's default true) and {@code lifecycle/reactivate?sendEmail=} (Okta's
     * default false), verified against the management spec (operationIds activateUser, reactivateUser): 200 with Okta's
     * {@code UserActivationToken} when the link was asked for, {@code {}} otherwise. False for any other operation.
     */
    private boolean activation(Context ctx, String operation) {
        boolean activate = operation.equals(Lifecycle.ACTIVATE.operation());
        if (!activate && !operation.equals("reactivate")) {
            return false;
        }
        boolean sendEmail = bool(ctx, "sendEmail", activate);
        var link = activate ? activations.activate(ApiRequests.event(ctx), ctx.pathParam("id"), sendEmail)
                : activations.reactivate(ApiRequests.event(ctx), ctx.pathParam("id"), sendEmail);
        ctx.json(link.map(json::activationToken).orElseGet(Map::of));
        return true;
    }

    /** {@code DELETE /api/v1/users/{id}}: deactivates first, deletes a deactivated user; 204 either way. */
    public void delete(Context ctx) {
        users.delete(ApiRequests.event(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }

    /**
     * {@code DELETE /api/v1/users/{id}/sessions?oauthTokens=true|false}: Okta's "Revoke all user sessions" (management
     * spec, operation {@code revokeUserSessions}, verified in shared/okta-openapi): ends every session of the user, and
     * with {@code oauthTokens=true} (default false) revokes their OpenID Connect and OAuth refresh and access tokens; 204,
     * or 404 E0000007 for an unknown user. {@code forgetDevices} (Okta: clear remembered factors) is accepted and does
     * nothing: Gatehouse remembers no factors. A value other than true or false is 400 E0000001 with the parameter's cause.
     */
    public void clearSessions(Context ctx) {
        boolean oauthTokens = bool(ctx, "oauthTokens", false);
        bool(ctx, "forgetDevices", true);
        users.clearSessions(ApiRequests.event(ctx), ctx.pathParam("id"), oauthTokens);
        ctx.status(204);
    }

    /** {@code GET /api/v1/users/{id}/groups}: Everyone first, then the user's groups. */
    public void groups(Context ctx) {
        User user = users.get(ctx.pathParam("id"));
        ctx.json(groups.groupsOf(user.id()).stream().map(json::group).toList());
    }

    /** The caller, who must be a super admin (403 E0000006 otherwise). */

    /** A JSON object of string (or null) attributes; anything else is a cause for that attribute. */
    static Map<String, String> attributes(JsonNode node, List<ApiError.Cause> causes) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            causes.add(new ApiError.Cause("profile", "Must be an object"));
            return out;
        }
        node.properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (v.isNull() || v.isTextual()) {
                out.put(e.getKey(), v.isNull() ? null : v.asText());
            } else {
                causes.add(new ApiError.Cause(e.getKey(), "Does not match required type: string"));
            }
        });
        return out;
    }

    /** {@code credentials.password.value}, or null when not given. */
    private static String password(JsonNode body, List<ApiError.Cause> causes) {
        JsonNode value = body.path("credentials").path("password").path("value");
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            causes.add(new ApiError.Cause("password", "Does not match required type: string"));
            return null;
        }
        return value.asText();
    }

    private static List<String> strings(JsonNode node, String field, List<ApiError.Cause> causes) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            causes.add(new ApiError.Cause(field, "Must be an array of strings"));
            return out;
        }
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                causes.add(new ApiError.Cause(field, "Must be an array of strings"));
                return out;
            }
            out.add(item.asText());
        }
        return out;
    }

    private static boolean bool(Context ctx, String name, boolean otherwise) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return otherwise;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiError.validation(name, "Must be true or false");
        };
    }

    static void failOn(List<ApiError.Cause> causes) {
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
    }
}
