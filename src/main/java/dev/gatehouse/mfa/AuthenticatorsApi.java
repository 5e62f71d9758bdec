package dev.gatehouse.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.errors.ApiError;
import io.javalin.http.Context;

/** {@code /api/v1/authenticators}: list, get, replace (the name) and the lifecycle, for super admins. */
public final class AuthenticatorsApi {

    private final Authenticators authenticators;
    private final AuthenticatorJson json;

    public AuthenticatorsApi(Authenticators authenticators, AuthenticatorJson json) {
        this.authenticators = authenticators;
        this.json = json;
    }

    public void list(Context ctx) {
        ctx.json(authenticators.list().stream().map(json::authenticator).toList());
    }

    public void get(Context ctx) {
        ctx.json(json.authenticator(authenticators.get(ctx.pathParam("id"))));
    }

    /** {@code GET …/methods}: the authenticator's one method. */
    public void methods(Context ctx) {
        ctx.json(json.methods(authenticators.get(ctx.pathParam("id"))));
    }

    /** {@code GET …/methods/{methodType}}: the one method, 404 for another type. */
    public void method(Context ctx) {
        Authenticator a = authenticators.get(ctx.pathParam("id"));
        if (!AuthenticatorJson.methodType(a).equals(ctx.pathParam("methodType"))) {
            throw ApiError.notFound(ctx.pathParam("methodType").length() > 40 ? "method" : ctx.pathParam("methodType"), "AuthenticatorMethod");
        }
        ctx.json(json.method(a));
    }

    /** {@code PUT …/methods/webauthn} with {@code {"settings":{"userVerification":…}}}: only userVerification is kept. */
    public void replaceMethod(Context ctx) {
        JsonNode body = ApiRequests.object(ctx);
        JsonNode uv = body.path("settings").path("userVerification");
        if (!uv.isMissingNode() && !uv.isNull() && !uv.isTextual()) {
            throw ApiError.validation("settings.userVerification", "Does not match required type: string");
        }
        ctx.json(json.method(authenticators.setUserVerification(ApiRequests.event(ctx), ctx.pathParam("id"), ctx.pathParam("methodType"),
                uv.isTextual() ? uv.asText() : null)));
    }

    /** {@code PUT}: Terraform sends {@code {id, key, name, settings, type}}; only {@code name} changes, the rest is ignored. */
    public void replace(Context ctx) {
        JsonNode body = ApiRequests.object(ctx);
        JsonNode name = body.get("name");
        if (name != null && !name.isNull() && !name.isTextual()) {
            throw ApiError.validation("name", "Does not match required type: string");
        }
        ctx.json(json.authenticator(authenticators.rename(ApiRequests.event(ctx), ctx.pathParam("id"),
                name == null || name.isNull() ? null : name.asText())));
    }

    /** {@code POST …/lifecycle/activate|deactivate}: 200 with the authenticator, as Okta's. */
    public void lifecycle(Context ctx) {
        String id = ctx.pathParam("id");
        Authenticator a = switch (ctx.pathParam("operation")) {
            case "activate" -> authenticators.activate(ApiRequests.event(ctx), id);
            case "deactivate" -> authenticators.deactivate(ApiRequests.event(ctx), id);
            default -> throw ApiError.notFound(ctx.path(), "Path");
        };
        ctx.json(json.authenticator(a));
    }
}
