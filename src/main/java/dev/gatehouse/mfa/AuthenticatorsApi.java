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

    /**
     * {@code PUT}: Terraform sends {@code {id, key, name, settings, type}}; {@code name} changes, and for okta_email
     * {@code settings.tokenLifetimeInMinutes}; the rest is ignored ({@code settings.allowedFor} is always "any": the
     * email authenticator is offered for sign-in wherever the policies allow it).
     */
    public void replace(Context ctx) {
        JsonNode body = ApiRequests.object(ctx);
        JsonNode name = body.get("name");
        if (name != null && !name.isNull() && !name.isTextual()) {
            throw ApiError.validation("name", "Does not match required type: string");
        }
        JsonNode lifetime = body.path("settings").path("tokenLifetimeInMinutes");
        if (!lifetime.isMissingNode() && !lifetime.isNull() && !lifetime.canConvertToExactIntegral()) {
            throw ApiError.validation("settings.tokenLifetimeInMinutes", "Does not match required type: number");
        }
        Integer minutes = null;
        if (lifetime.canConvertToExactIntegral()) {
            minutes = lifetime.canConvertToInt() ? lifetime.asInt() : Integer.MAX_VALUE;
            if (!Authenticator.EMAIL.equals(authenticators.get(ctx.pathParam("id")).key())) {
                minutes = null;   // Terraform sends the settings it read; another key's has no lifetime: ignored, as the rest
            }
        }
        ctx.json(json.authenticator(authenticators.replace(ApiRequests.event(ctx), ctx.pathParam("id"),
                name == null || name.isNull() ? null : name.asText(), minutes)));
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
