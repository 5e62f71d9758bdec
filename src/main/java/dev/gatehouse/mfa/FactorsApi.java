package dev.gatehouse.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.directory.User;
import dev.gatehouse.directory.Users;
import dev.gatehouse.errors.ApiError;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/users/{id}/factors} (Okta's Factors API) and {@code /api/v1/users/{id}/lifecycle/reset_factors}, for
 * super admins: reads the request, leaves every rule to {@link Factors}.
 */
public final class FactorsApi {

    private final Factors factors;
    private final Users users;
    private final FactorJson json;

    public FactorsApi(Factors factors, Users users, FactorJson json) {
        this.factors = factors;
        this.users = users;
        this.json = json;
    }

    public void list(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        ctx.json(factors.list(u.id()).stream().map(f -> json.factor(f, u.profile().login(), factors.now())).toList());
    }

    /** Google Authenticator while its authenticator is active; otherwise nothing can be enrolled (an empty list). */
    public void catalog(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        ctx.json(factors.catalogStatus(u.id()).map(status -> List.of(json.catalogEntry(u.id(), status))).orElse(List.of()));
    }

    /** {@code POST}: {@code {"factorType":"token:software:totp","provider":"GOOGLE"}} → 200 PENDING_ACTIVATION with the secret. */
    public void enroll(Context ctx) {
        JsonNode body = ApiRequests.object(ctx);
        User u = users.get(ctx.pathParam("id"));
        Factors.Enrollment e = factors.enroll(ApiRequests.event(ctx), u.id(), text(body, "factorType"), text(body, "provider"));
        ctx.json(json.enrollment(e, u.profile().login(), factors.now()));
    }

    public void get(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        ctx.json(json.factor(factors.get(u.id(), ctx.pathParam("factorId")), u.profile().login(), factors.now()));
    }

    /** {@code POST …/lifecycle/activate} with {@code {"passCode"}}: 200 with the ACTIVE factor. */
    public void activate(Context ctx) {
        JsonNode body = ApiRequests.object(ctx);
        User u = users.get(ctx.pathParam("id"));
        Factor f = factors.activate(ApiRequests.event(ctx), u.id(), ctx.pathParam("factorId"), text(body, "passCode"));
        ctx.json(json.factor(f, u.profile().login(), factors.now()));
    }

    /** {@code POST …/verify} with {@code {"passCode"}}: 200 {@code {"factorResult":"SUCCESS"}} and nothing else. */
    public void verify(Context ctx) {
        JsonNode body = ctx.body().isBlank() ? null : ApiRequests.object(ctx);
        factors.verify(ApiRequests.event(ctx), ctx.pathParam("id"), ctx.pathParam("factorId"), body == null ? null : text(body, "passCode"));
        ctx.json(Map.of("factorResult", "SUCCESS"));
    }

    /** {@code DELETE}: 204. */
    public void delete(Context ctx) {
        factors.delete(ApiRequests.event(ctx), ctx.pathParam("id"), ctx.pathParam("factorId"));
        ctx.status(204);
    }

    /** The one-time QR code of a pending enrollment (PNG). */
    public void qrCode(Context ctx) {
        byte[] png = factors.qrCode(ctx.pathParam("id"), ctx.pathParam("factorId"), ctx.pathParam("token"));
        ctx.contentType("image/png");
        ctx.result(png);
    }

    /** {@code POST /api/v1/users/{id}/lifecycle/reset_factors}: 200 with an empty body, as Okta's. */
    public void resetFactors(Context ctx) {
        factors.resetAll(ApiRequests.event(ctx), ctx.pathParam("id"));
        ctx.status(200);
    }

    /** A string member, or null when absent or null; any other JSON type is a validation error naming it. */
    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiError.validation(field, "Does not match required type: string");
        }
        return v.asText();
    }
}
