package dev.gatehouse.oauth.introspect;

import dev.gatehouse.apps.App;
import dev.gatehouse.oauth.ClientAuthentication;
import dev.gatehouse.oauth.OAuthError;
import dev.gatehouse.oauth.RepeatedParameters;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.LogText;
import dev.gatehouse.syslog.Target;
import io.javalin.http.Context;

import java.util.Locale;

/**
 * The request /introspect and /revoke share (RFC 7662 §2.1, RFC 7009 §2.1): a form with {@code token} and an
 * optional {@code token_type_hint}, from a client that authenticates exactly as at /token — public clients with
 * their client_id alone, also as okta-auth-js's {@code Authorization: Basic base64(client_id)}.
 */
public final class TokenForm {

    /** Okta's text, backticks included. */
    public static final String TOKEN_REQUIRED = "The `token` parameter is required.";
    public static final Target UNKNOWN_CLIENT = new Target("unknown", "AppInstance", "unknown", "unknown");

    private TokenForm() {
    }

    /**
     * The authenticated client of a form-encoded request that sends each parameter once; else {@code invalid_request} or
     * {@code invalid_client}.
     */
    public static App client(Context ctx, ClientAuthentication clients) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/x-www-form-urlencoded")) {
            throw OAuthError.INVALID_REQUEST.because("The request must be form-encoded (Content-Type: application/x-www-form-urlencoded).");
        }
        RepeatedParameters.refuse(ctx.formParamMap());
        return clients.authenticate(ClientAuthentication.Presented.of(ctx.header("Authorization"), ctx.formParam("client_id"),
                ctx.formParam("client_secret"), ctx.formParam("client_assertion_type"), ctx.header("Origin")));
    }

    /** The {@code token} parameter, required. */
    public static String token(Context ctx) {
        String token = ctx.formParam("token");
        if (token == null || token.isBlank()) {
            throw OAuthError.INVALID_REQUEST.because(TOKEN_REQUIRED);
        }
        return token.strip();
    }

    /** The {@code token_type_hint} for the System Log: as sent when plausible (RFC values are at most 13 characters), else described. */
    public static String hint(Context ctx) {
        return LogText.ifPlausible(String.valueOf(ctx.formParam("token_type_hint")), LogText.SHORT);
    }

    /** The client as the System Log's actor, as /token logs it. */
    public static Actor actor(App client) {
        return new Actor(client.clientId(), "PublicClientApp", client.clientId(), client.label());
    }

    /** The client as the System Log's target; {@link #UNKNOWN_CLIENT} before it is known. */
    public static Target target(App client) {
        return client == null ? UNKNOWN_CLIENT : client.auditTarget();
    }
}
