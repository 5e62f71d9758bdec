package dev.gatehouse.oauth.token;

import dev.gatehouse.apps.App;
import dev.gatehouse.http.Edge;
import dev.gatehouse.http.RateLimitFamily;
import dev.gatehouse.http.RateLimitFilter;
import dev.gatehouse.oauth.ClientAuthentication;
import dev.gatehouse.oauth.OAuthError;
import dev.gatehouse.oauth.OAuthEvents;
import dev.gatehouse.oauth.OAuthFailure;
import dev.gatehouse.oauth.OidcScopes;
import dev.gatehouse.oauth.grants.ClientCredentialsGrant;
import dev.gatehouse.oauth.grants.CodeGrant;
import dev.gatehouse.oauth.grants.RefreshGrant;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.AuthorizationServers;
import dev.gatehouse.oauth.tokens.IssuedTokenStore;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.LogText;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
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
    private final Database db;
    private final SystemLog log;
    private final RateLimitFilter rateLimits;
    private final IssuedTokenStore tokens;

    public TokenEndpoint(AuthorizationServers servers, ClientAuthentication clients, CodeGrant codeGrant, RefreshGrant refreshGrant,
                         ClientCredentialsGrant clientCredentialsGrant, IssuedTokenStore tokens, Database db, SystemLog log,
                         RateLimitFilter rateLimits) {
        this.rateLimits = rateLimits;
        this.tokens = tokens;
        this.servers = servers;
        this.clients = clients;
        this.codeGrant = codeGrant;
        this.refreshGrant = refreshGrant;
        this.clientCredentialsGrant = clientCredentialsGrant;
        this.db = db;
        this.log = log;
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
            client = clients.authenticate(ClientAuthentication.Presented.of(ctx.header("Authorization"), ctx.formParam("client_id"),
                    ctx.formParam("client_secret"), ctx.formParam("client_assertion_type"), ctx.header("Origin")));
            EventContext asClient = event.as(new Actor(client.clientId(), "PublicClientApp", client.clientId(), client.label()));
            TokenRequest request = parse(ctx);
            if (request instanceof TokenRequest.RefreshRequest r && !withinPerUserLimit(ctx, client, r)) {
                return;
            }
            String issuer = servers.issuer(as);
            TokenResponse response = switch (request) {
                case TokenRequest.CodeExchange r -> codeGrant.handle(r, client, as, issuer, asClient);
                case TokenRequest.RefreshRequest r -> refreshGrant.handle(r, client, as, issuer, asClient);
                case TokenRequest.ClientCredentialsRequest r -> clientCredentialsGrant.handle(r, client, as, issuer, asClient);
            };
            ctx.json(response.json());
        } catch (OAuthFailure f) {
            App failed = client;
            // Only a form body is read: asking Javalin for form fields of another body (multipart) parses it, and may throw.
            String grantType = formEncoded ? LogText.ifPlausible(String.valueOf(ctx.formParam("grant_type")), 128) : "";
            db.inTx(h -> {
                log.record(h, event, SystemLog.Entry.failure(OAuthEvents.type(as, "token.grant"), "OAuth2 token granted",
                        f.error().code(), failed == null ? new Target("unknown", "AppInstance", "unknown", "unknown")
                                : new Target(failed.clientId(), "AppInstance", failed.label(), failed.label()))
                        .withDebug(Map.of("grant_type", grantType, "error_description", f.description(),
                                "detail", f.logDetail() == null ? "" : f.logDetail())));
            });
            write(ctx, f.error().status(), f.error().code(), f.description());
        }
    }

    /**
     * Okta's per-user {@code /token} limit (4 a second), keyed by app and refresh-token family: one sign-in of one person
     * in one app, whichever token of the family is presented. Checked before the grant runs, so a refused refresh
     * rotates nothing and revokes nothing; an unknown token is left to the grant (invalid_grant). Code exchanges are
     * single-use and client-credentials grants have no user, so only the org-wide {@code token} family counts those.
     */
    private boolean withinPerUserLimit(Context ctx, App client, TokenRequest.RefreshRequest r) {
        if (r.refreshToken() == null || !rateLimits.limits(RateLimitFamily.TOKEN_PER_USER)) {
            return true;
        }
        return db.read(h -> tokens.findRefreshToken(h, Hashes.sha256(r.refreshToken())))
                .map(t -> rateLimits.admit(ctx, RateLimitFamily.TOKEN_PER_USER, client.clientId() + ":" + t.familyId()))
                .orElse(true);
    }

    static TokenRequest parse(Context ctx) {
        String grantType = ctx.formParam("grant_type");
        if (grantType == null || grantType.isBlank()) {
            throw OAuthError.INVALID_REQUEST.because("The 'grant_type' parameter is required.");
        }
        String scope = ctx.formParam("scope");
        return switch (grantType) {
            case "authorization_code" -> new TokenRequest.CodeExchange(ctx.formParam("code"), ctx.formParam("redirect_uri"), ctx.formParam("code_verifier"));
            case "refresh_token" -> new TokenRequest.RefreshRequest(ctx.formParam("refresh_token"), scope == null ? null : OidcScopes.parse(scope));
            case "client_credentials" -> new TokenRequest.ClientCredentialsRequest(OidcScopes.parse(scope));
            default -> throw OAuthError.UNSUPPORTED_GRANT_TYPE.because("The grant type in the request isn't supported.");
        };
    }

    public static void write(Context ctx, int status, String error, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        ctx.status(status).json(body);
    }
}
