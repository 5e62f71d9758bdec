package dev.gatehouse.authn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.directory.Logins;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.http.Edge;
import dev.gatehouse.http.RateLimitFamily;
import dev.gatehouse.http.RateLimitFilter;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code /api/v1/authn}: Okta's Authentication API (issue #20), for apps with their own sign-in form. No API token (the
 * person's credentials or the stateToken are the authentication); CORS with credentials for trusted origins only (Cors);
 * every call a JSON POST. Reads the request and leaves every rule to {@link Authn}; answers through {@link AuthnJson}.
 *
 * <p>Rate limits: the per-IP sign-in bucket (RateLimitFilter, by path), and here, once the username is read, the same
 * per-username bucket as the hosted sign-in form ({@code signin-user}); forgot-password takes the recovery buckets, as
 * the hosted form does.
 */
public final class AuthnApi implements dev.gatehouse.http.Routes {

    public static final String AUTHN = "/api/v1/authn";

    private final Authn authn;
    private final AuthnJson json;
    private final RateLimitFilter limits;

    private final dev.gatehouse.api.ApiAuth apiAuth;

    /** @param apiAuth reads an SSWS token: a server-side app's forgot-password ("trusted application") */
    public AuthnApi(Authn authn, AuthnJson json, RateLimitFilter limits, dev.gatehouse.api.ApiAuth apiAuth) {
        this.apiAuth = apiAuth;
        this.authn = authn;
        this.json = json;
        this.limits = limits;
    }

    @Override
    public void register(RoutesConfig r) {
        r.post(AUTHN, this::primary);
        r.post(AUTHN + "/introspect", ctx -> answer(ctx, authn.state(stateToken(body(ctx)))));
        r.post(AUTHN + "/factors", this::enroll);
        r.post(AUTHN + "/factors/{factorId}/verify", this::verify);
        r.post(AUTHN + "/factors/{factorId}/verify/resend", ctx -> answer(ctx, authn.resend(event(ctx), stateToken(body(ctx)), ctx.pathParam("factorId"))));
        r.post(AUTHN + "/factors/{factorId}/lifecycle/activate", this::activate);
        r.post(AUTHN + "/factors/{factorId}/lifecycle/resend", ctx -> answer(ctx, authn.resend(event(ctx), stateToken(body(ctx)), ctx.pathParam("factorId"))));
        r.post(AUTHN + "/previous", ctx -> answer(ctx, authn.previous(stateToken(body(ctx)))));
        r.post(AUTHN + "/cancel", ctx -> answer(ctx, authn.cancel(event(ctx), stateToken(body(ctx)))));
        r.post(AUTHN + "/credentials/change_password", this::changePassword);
        r.post(AUTHN + "/credentials/reset_password", this::resetPassword);
        r.post(AUTHN + "/recovery/password", this::forgotPassword);
        r.post(AUTHN + "/recovery/token", ctx -> answer(ctx, authn.recoveryToken(event(ctx), text(body(ctx), "recoveryToken"))));
    }

    /** Primary authentication ({@code username}, {@code password}), or, with only a {@code stateToken}, the transaction's state. */
    void primary(Context ctx) {
        JsonNode body = body(ctx);
        String username = text(body, "username");
        if (username == null && body.hasNonNull("stateToken")) {
            answer(ctx, authn.state(stateToken(body)));
            return;
        }
        JsonNode options = body.get("options");
        if (options != null && !options.isNull() && !options.isObject()) {
            throw ApiError.validation("options", "Does not match required type: object");
        }
        if (!limits.admit(ctx, RateLimitFamily.SIGNIN_PER_USER, Logins.key(username).orElse(""))) {
            return;   // 429 E0000047 written; no password checked, no lockout counter moved
        }
        answer(ctx, authn.primary(event(ctx), username, text(body, "password"), text(body, "relayState")));
    }

    void verify(Context ctx) {
        JsonNode body = body(ctx);
        Map<String, String> fields = new HashMap<>();
        fields.put("passCode", text(body, "passCode"));
        fields.put("clientData", base64url(text(body, "clientData")));
        fields.put("authenticatorData", base64url(text(body, "authenticatorData")));
        fields.put("signatureData", base64url(text(body, "signatureData")));
        fields.put("userHandle", base64url(text(body, "userHandle")));
        answer(ctx, authn.verify(event(ctx), stateToken(body), ctx.pathParam("factorId"), fields));
    }

    void enroll(Context ctx) {
        JsonNode body = body(ctx);
        JsonNode profile = body.get("profile");
        if (profile != null && !profile.isNull() && !profile.isObject()) {
            throw ApiError.validation("profile", "Does not match required type: object");
        }
        String address = profile == null || profile.isNull() ? null : text(profile, "email");
        answer(ctx, authn.enroll(event(ctx), stateToken(body), text(body, "factorType"), text(body, "provider"), address));
    }

    void activate(Context ctx) {
        JsonNode body = body(ctx);
        Map<String, String> fields = new HashMap<>();
        fields.put("passCode", text(body, "passCode"));
        fields.put("clientData", base64url(text(body, "clientData")));
        fields.put("attestation", base64url(text(body, "attestation")));
        answer(ctx, authn.activate(event(ctx), stateToken(body), ctx.pathParam("factorId"), fields));
    }

    void changePassword(Context ctx) {
        JsonNode body = body(ctx);
        answer(ctx, authn.changePassword(event(ctx), stateToken(body), text(body, "oldPassword"), text(body, "newPassword")));
    }

    void resetPassword(Context ctx) {
        JsonNode body = body(ctx);
        answer(ctx, authn.resetPassword(event(ctx), stateToken(body), text(body, "newPassword")));
    }

    void forgotPassword(Context ctx) {
        JsonNode body = body(ctx);
        String username = text(body, "username");
        if (!limits.admit(ctx, RateLimitFamily.RECOVERY_PER_USER, Logins.key(username).orElse(""))) {
            return;
        }
        String authorization = ctx.header("Authorization");
        if (authorization != null) {
            // Okta's trusted application: with an API token the recovery token comes back in the answer (RECOVERY), no
            // email. The token's rules are ApiAuth's: SSWS, a super admin's, never from a browser.
            dev.gatehouse.api.ApiCaller caller = apiAuth.caller(ctx);
            answer(ctx, authn.trustedRecovery(Edge.event(ctx, caller.actor()), username, text(body, "factorType"), text(body, "relayState")));
            return;
        }
        answer(ctx, authn.forgotPassword(event(ctx), username, text(body, "factorType"), text(body, "relayState")));
    }

    private void answer(Context ctx, Authn.Result result) {
        ctx.header("Cache-Control", "no-store");
        ctx.json(json.transaction(result));
    }

    private static EventContext event(Context ctx) {
        return Edge.event(ctx, Actor.anonymous());
    }

    private static JsonNode body(Context ctx) {
        return ApiRequests.object(ctx);
    }

    private static String stateToken(JsonNode body) {
        return text(body, "stateToken");
    }

    /** Okta documents these WebAuthn fields as "Base64-encoded"; its example is standard base64: both alphabets are taken. */
    static String base64url(String value) {
        return value == null ? null : value.replace('+', '-').replace('/', '_').replace("=", "");
    }

    private static String text(JsonNode body, String field) {
        return ApiRequests.text(body, field);
    }
}
