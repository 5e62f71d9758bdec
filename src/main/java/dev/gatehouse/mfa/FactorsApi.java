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
    private final WebAuthn webAuthn;
    private final Users users;
    private final FactorJson json;
    private final EmailFactors email;

    public FactorsApi(Factors factors, WebAuthn webAuthn, EmailFactors email, Users users, FactorJson json) {
        this.email = email;
        this.factors = factors;
        this.webAuthn = webAuthn;
        this.users = users;
        this.json = json;
    }

    public void list(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        ctx.json(factors.list(u.id()).stream().map(f -> json.factor(f, u.profile().login(), factors.now())).toList());
    }

    /** Google Authenticator and WebAuthn, each while its authenticator is active (none active: an empty list). */
    public void catalog(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        List<Object> entries = new java.util.ArrayList<>();
        factors.catalogStatus(u.id()).ifPresent(status -> entries.add(json.catalogEntry(u.id(), status)));
        factors.webAuthnCatalogStatus(u.id()).ifPresent(status -> entries.add(json.webAuthnCatalogEntry(u.id(), status)));
        factors.emailCatalogStatus(u.id()).ifPresent(status -> entries.add(json.emailCatalogEntry(u.id(), status)));
        ctx.json(entries);
    }

    /** {@code POST}: {@code {"factorType":"token:software:totp","provider":"GOOGLE"}} → 200 PENDING_ACTIVATION with the secret. */
    public void enroll(Context ctx) {
        JsonNode body = ApiRequests.object(ctx);
        User u = users.get(ctx.pathParam("id"));
        if (Factor.WEBAUTHN.equals(text(body, "factorType"))) {
            enrollWebAuthn(ctx, u, text(body, "provider"));
            return;
        }
        if (Factor.EMAIL.equals(text(body, "factorType"))) {
            enrollEmail(ctx, u, body);
            return;
        }
        Factors.Enrollment e = factors.enroll(ApiRequests.event(ctx), u.id(), text(body, "factorType"), text(body, "provider"));
        ctx.json(json.enrollment(e, u.profile().login(), factors.now()));
    }

    /**
     * {@code {"factorType":"email","provider":"OKTA","profile":{"email":…}}} → 200 PENDING_ACTIVATION and an email with a
     * code; with {@code ?activate=true} ACTIVE at once and no email (Okta's "enroll and auto-activate").
     */
    private void enrollEmail(Context ctx, User u, JsonNode body) {
        if (!Factor.OKTA.equals(text(body, "provider"))) {
            throw new ApiError(dev.gatehouse.errors.ErrorCode.E0000001, dev.gatehouse.errors.ErrorCode.E0000001.summary(Factors.ENROLL_REQUEST),
                    List.of(new ApiError.Cause(null, "For email Gatehouse supports only the provider OKTA; "
                            + (text(body, "provider") == null ? "no provider was given." : "this one is not supported."))));
        }
        JsonNode profile = body.get("profile");
        if (profile != null && !profile.isNull() && !profile.isObject()) {
            throw ApiError.validation("profile", "Does not match required type: object");
        }
        String address = profile == null || profile.isNull() ? null : text(profile, "email");
        Factor f = email.enroll(ApiRequests.event(ctx), u.id(), address, "true".equals(ctx.queryParam("activate")), null, null,
                tokenLifetime(ctx));
        ctx.json(json.factor(f, u.profile().login(), factors.now()));
    }

    /** {@code POST …/resend} (Okta's resendEnrollFactor): a new enrollment code for a pending email factor; 200 with the factor. */
    public void resend(Context ctx) {
        if (!ctx.body().isBlank()) {
            ApiRequests.object(ctx);   // Okta's body names the factor type; only its well-formedness matters here
        }
        User u = users.get(ctx.pathParam("id"));
        Factor f = factors.get(u.id(), ctx.pathParam("factorId"));
        if (!f.email() || f.active()) {
            throw new ApiError(dev.gatehouse.errors.ErrorCode.E0000001, dev.gatehouse.errors.ErrorCode.E0000001.summary("factor"),
                    List.of(new ApiError.Cause(null, "Only a pending email factor's enrollment can be resent.")));
        }
        ctx.json(json.factor(email.challenge(ApiRequests.event(ctx), u.id(), f.id(), null, null, EmailFactors.API_RESEND_WAIT), u.profile().login(), factors.now()));
    }

    /** {@code {"factorType":"webauthn","provider":"FIDO"}} → 200 PENDING_ACTIVATION with the creation options. */
    private void enrollWebAuthn(Context ctx, User u, String provider) {
        if (!Factor.FIDO.equals(provider)) {
            throw new ApiError(dev.gatehouse.errors.ErrorCode.E0000001, dev.gatehouse.errors.ErrorCode.E0000001.summary(Factors.ENROLL_REQUEST),
                    List.of(new ApiError.Cause(null, "For webauthn Gatehouse supports only the provider FIDO; "
                            + (provider == null ? "no provider was given." : "this one is not supported."))));
        }
        WebAuthn.Registration r = webAuthn.startRegistration(ApiRequests.event(ctx), u.id());
        ctx.json(json.webAuthnEnrollment(factors.get(u.id(), r.factorId()), r.optionsJson(), u.profile().login(), factors.now()));
    }

    public void get(Context ctx) {
        User u = users.get(ctx.pathParam("id"));
        ctx.json(json.factor(factors.get(u.id(), ctx.pathParam("factorId")), u.profile().login(), factors.now()));
    }

    /** {@code POST …/lifecycle/activate} with {@code {"passCode"}}: 200 with the ACTIVE factor. */
    public void activate(Context ctx) {
        JsonNode body = ApiRequests.object(ctx);
        User u = users.get(ctx.pathParam("id"));
        Factor existing = factors.get(u.id(), ctx.pathParam("factorId"));
        if (existing.email()) {
            ctx.json(json.factor(email.activate(ApiRequests.event(ctx), u.id(), existing.id(), text(body, "passCode")), u.profile().login(),
                    factors.now()));
            return;
        }
        Factor f = existing.webAuthn()
                ? webAuthn.finishRegistration(ApiRequests.event(ctx), u.id(), ctx.pathParam("factorId"), text(body, "clientData"), text(body, "attestation"))
                : factors.activate(ApiRequests.event(ctx), u.id(), ctx.pathParam("factorId"), text(body, "passCode"));
        ctx.json(json.factor(f, u.profile().login(), factors.now()));
    }

    /** {@code POST …/verify} with {@code {"passCode"}}: 200 {@code {"factorResult":"SUCCESS"}} and nothing else. */
    public void verify(Context ctx) {
        JsonNode body = ctx.body().isBlank() ? null : ApiRequests.object(ctx);
        User u = users.get(ctx.pathParam("id"));
        Factor factor = factors.get(u.id(), ctx.pathParam("factorId"));
        if (factor.email()) {
            String passCode = body == null ? null : text(body, "passCode");
            if (passCode == null) {
                if (!factor.active()) {
                    throw new ApiError(dev.gatehouse.errors.ErrorCode.E0000154, dev.gatehouse.errors.ErrorCode.E0000154.summary(null), List.of());
                }
                ctx.json(json.emailChallenge(email.challenge(ApiRequests.event(ctx), u.id(), factor.id(), null, null, EmailFactors.API_RESEND_WAIT,
                        tokenLifetime(ctx))));
                return;
            }
            email.verify(ApiRequests.event(ctx), u.id(), factor.id(), passCode);
            ctx.json(Map.of("factorResult", "SUCCESS"));
            return;
        }
        if (factor.webAuthn()) {
            if (body == null || body.get("clientData") == null || body.get("clientData").isNull()) {
                ctx.json(json.webAuthnChallenge(webAuthn.challenge(u.id(), factor.id())));
                return;
            }
            String credentialId = factor.credential() == null ? null : factor.credential().credentialId();
            if (credentialId == null) {
                throw new ApiError(dev.gatehouse.errors.ErrorCode.E0000154, dev.gatehouse.errors.ErrorCode.E0000154.summary(null), List.of());
            }
            WebAuthn.Verified v = webAuthn.finishAssertion(ApiRequests.event(ctx), u.id(), credentialId, text(body, "clientData"),
                    text(body, "authenticatorData"), text(body, "signatureData"), text(body, "userHandle"));
            ctx.json(json.webAuthnSuccess(v.factor()));
            return;
        }
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

    /**
     * Okta's {@code tokenLifetimeSeconds} query parameter of enroll and verify (1–86400; absent: the email
     * authenticator's tokenLifetimeInMinutes applies, whose default equals the spec's default of 300 seconds).
     */
    private static java.time.Duration tokenLifetime(Context ctx) {
        String raw = ctx.queryParam("tokenLifetimeSeconds");
        if (raw == null) {
            return null;
        }
        int seconds;
        try {
            seconds = raw.length() > 6 ? -1 : Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 1 || seconds > 86400) {
            throw ApiError.validation("tokenLifetimeSeconds", "Must be a whole number of seconds from 1 to 86400");
        }
        return java.time.Duration.ofSeconds(seconds);
    }

    private static String text(JsonNode body, String field) {
        return ApiRequests.text(body, field);
    }
}
