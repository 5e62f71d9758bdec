package dev.gatehouse.oauth.token;

import dev.gatehouse.apps.App;
import dev.gatehouse.http.Edge;
import dev.gatehouse.http.OAuthErrorJson;
import dev.gatehouse.http.RateLimitFamily;
import dev.gatehouse.http.RateLimitFilter;
import dev.gatehouse.oauth.ClientAuthentication;
import dev.gatehouse.oauth.OAuthError;
import dev.gatehouse.oauth.OAuthFailure;
import dev.gatehouse.oauth.OAuthRefusals;
import dev.gatehouse.oauth.RepeatedParameters;
import dev.gatehouse.oauth.OidcScopes;
import dev.gatehouse.oauth.grants.ClientCredentialsGrant;
import dev.gatehouse.oauth.grants.CodeGrant;
import dev.gatehouse.oauth.grants.RefreshGrant;
import dev.gatehouse.oauth.introspect.TokenForm;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.AuthorizationServers;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.LogText;
import io.javalin.http.Context;

import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /v1/token} at the HTTP edge: reads the form into a {@link TokenRequest}, authenticates the
 * client, and lets the grant decide; every answer carries {@code Cache-Control: no-store} and
 * {@code Pragma: no-cache}, every failure is Okta's {@code {"error","error_description"}}.
 */
public final class TokenEndpoint {

    private final AuthorizationServers servers;
    private final ClientAuthentication clients;
    private final CodeGrant codeGrant;
    private final RefreshGrant refreshGrant;
    private final ClientCredentialsGrant clientCredentialsGrant;
    private final OAuthRefusals refusals;
    private final RateLimitFilter rateLimits;

    public TokenEndpoint(AuthorizationServers servers, ClientAuthentication clients, CodeGrant codeGrant, RefreshGrant refreshGrant,
                         ClientCredentialsGrant clientCredentialsGrant, OAuthRefusals refusals, RateLimitFilter rateLimits) {
        this.rateLimits = rateLimits;
        this.servers = servers;
        this.clients = clients;
        this.codeGrant = codeGrant;
        this.refreshGrant = refreshGrant;
        this.clientCredentialsGrant = clientCredentialsGrant;
        this.refusals = refusals;
    }

    /** Called by {@link dev.gatehouse.oauth.OAuthRoutes} with the path's active server; the no-store headers are set. */
    public void handle(Context ctx, AuthorizationServer as) {
        EventContext event = Edge.event(ctx, Actor.anonymous());
        App client = null;
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        boolean formEncoded = type.startsWith("application/x-www-form-urlencoded");
        try {
            if (!formEncoded) {
                throw OAuthError.INVALID_REQUEST.because("The request must be form-encoded (Content-Type: application/x-www-form-urlencoded).");
            }
            RepeatedParameters.refuse(ctx.formParamMap());
            client = clients.authenticate(ClientAuthentication.Presented.of(ctx.header("Authorization"), ctx.formParam("client_id"),
                    ctx.formParam("client_secret"), ctx.formParam("client_assertion_type"), ctx.header("Origin")));
            EventContext asClient = event.as(TokenForm.actor(client));
            TokenRequest request = parse(ctx);
            String issuer = servers.issuer(as);
            TokenResponse response = switch (request) {
                case TokenRequest.CodeExchange r -> codeGrant.handle(r, client, as, issuer, asClient);
                case TokenRequest.RefreshRequest r -> refresh(ctx, r, client, as, issuer, asClient);
                case TokenRequest.ClientCredentialsRequest r -> clientCredentialsGrant.handle(r, client, as, issuer, asClient);
            };
            if (response == null) {
                return;   // refused by the per-user limit, which has answered
            }
            ctx.json(response.json());
        } catch (OAuthFailure f) {
            // Only a form body is read: asking Javalin for form fields of another body (multipart) parses it, and may throw.
            String grantType = formEncoded ? LogText.ifPlausible(String.valueOf(ctx.formParam("grant_type")), 128) : "";
            refusals.record(event, as, "token.grant", "OAuth2 token granted", f, Map.of("grant_type", grantType),
                    client == null ? TokenForm.UNKNOWN_CLIENT : client.auditTarget());
            OAuthErrorJson.write(ctx, f.error().status(), f.error().code(), f.description());
        }
    }

    /** The refresh grant, whose token is read once: for the per-user limit, then by the grant. Null when the limit refused it. */
    private TokenResponse refresh(Context ctx, TokenRequest.RefreshRequest r, App client, AuthorizationServer as, String issuer,
                                  EventContext asClient) {
        RefreshGrant.Presented presented = refreshGrant.read(r, client, as);
        if (!withinPerUserLimit(ctx, client, presented)) {
            return null;
        }
        return refreshGrant.handle(r, presented, client, as, issuer, asClient);
    }

    /**
     * Okta's per-user {@code /token} limit (4 a second), keyed by app and refresh-token family: one sign-in of one person
     * in one app, whichever token of the family is presented. Checked before the grant decides, so a refused refresh
     * rotates nothing and revokes nothing; an unknown token is left to the grant (invalid_grant). Code exchanges are
     * single-use and client-credentials grants have no user, so only the org-wide {@code token} family counts those.
     */
    private boolean withinPerUserLimit(Context ctx, App client, RefreshGrant.Presented presented) {
        if (presented.token().isEmpty() || !rateLimits.limits(RateLimitFamily.TOKEN_PER_USER)) {
            return true;
        }
        return rateLimits.admit(ctx, RateLimitFamily.TOKEN_PER_USER, client.clientId() + ":" + presented.token().get().familyId());
    }

    static TokenRequest parse(Context ctx) {
        String grantType = ctx.formParam("grant_type");
        if (grantType == null || grantType.isBlank()) {
            throw OAuthError.INVALID_REQUEST.because("The 'grant_type' parameter is required.");
        }
        String scope = ctx.formParam("scope");
        return switch (grantType) {
            case "authorization_code" -> new TokenRequest.CodeExchange(required(ctx, "code"), ctx.formParam("redirect_uri"), ctx.formParam("code_verifier"));
            case "refresh_token" -> new TokenRequest.RefreshRequest(required(ctx, "refresh_token"), scope == null ? null : OidcScopes.parse(scope));
            case "client_credentials" -> new TokenRequest.ClientCredentialsRequest(OidcScopes.parse(scope));
            default -> throw OAuthError.UNSUPPORTED_GRANT_TYPE.because("The grant type in the request isn't supported.");
        };
    }

    private static String required(Context ctx, String name) {
        String value = ctx.formParam(name);
        if (value == null || value.isBlank()) {
            throw OAuthError.INVALID_REQUEST.because("The '" + name + "' parameter is required.");
        }
        return value;
    }
}
