package dev.gatehouse.oauth.discovery;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.http.ErrorMapper;
import dev.gatehouse.http.Routes;
import dev.gatehouse.oauth.keys.SigningKeys;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.AuthorizationServers;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.Optional;

/**
 * The public, unauthenticated metadata of the authorization servers: discovery documents and JWKS. The org AS
 * answers at the root ({@code /.well-known/openid-configuration}, {@code /oauth2/v1/keys}; it has no
 * {@code oauth-authorization-server} document, as in Okta); a custom server under {@code /oauth2/{asId}}. An unknown
 * or INACTIVE custom server is 404 with Okta's error JSON (E0000007), as Okta answers for a missing server. The
 * JWKS replaces the default {@code no-store} with {@code max-age} (see {@link SigningKeys#published}); discovery
 * documents keep {@code no-store}: they change whenever an admin publishes a scope, and clients cache them anyway.
 * CORS is added by a later change, in one place for the OAuth surface.
 */
public final class DiscoveryRoutes implements Routes {

    public static final String ORG_OPENID_CONFIGURATION = "/.well-known/openid-configuration";
    public static final String ORG_KEYS = "/oauth2/v1/keys";
    public static final String OPENID_CONFIGURATION = "/oauth2/{asId}/.well-known/openid-configuration";
    public static final String OAUTH_AUTHORIZATION_SERVER = "/oauth2/{asId}/.well-known/oauth-authorization-server";
    public static final String KEYS = "/oauth2/{asId}/v1/keys";

    private final AuthorizationServers servers;
    private final SigningKeys keys;
    private final DiscoveryDocuments documents;
    private final ErrorMapper errors;

    public DiscoveryRoutes(AuthorizationServers servers, SigningKeys keys, DiscoveryDocuments documents, ErrorMapper errors) {
        this.servers = servers;
        this.keys = keys;
        this.documents = documents;
        this.errors = errors;
    }

    @Override
    public void register(RoutesConfig r) {
        r.get(ORG_OPENID_CONFIGURATION, ctx -> ctx.json(documents.openIdConfiguration(servers.org())));
        r.get(ORG_KEYS, ctx -> keys(ctx, servers.org()));
        r.get(OPENID_CONFIGURATION, ctx -> custom(ctx).ifPresent(s -> ctx.json(documents.openIdConfiguration(s))));
        r.get(OAUTH_AUTHORIZATION_SERVER, ctx -> custom(ctx).ifPresent(s -> ctx.json(documents.oauthAuthorizationServer(s))));
        r.get(KEYS, ctx -> custom(ctx).ifPresent(s -> keys(ctx, s)));
    }

    private void keys(Context ctx, AuthorizationServer s) {
        SigningKeys.PublishedKeys published = keys.published(s.id());
        ctx.header("Cache-Control", "max-age=" + published.cacheFor().toSeconds() + ", must-revalidate");
        ctx.json(published.jwks().toJSONObject(true));
    }

    /** The active custom server named in the path; otherwise writes the 404 and returns empty. */
    private Optional<AuthorizationServer> custom(Context ctx) {
        String id = ctx.pathParam("asId");
        Optional<AuthorizationServer> s = servers.activeCustom(id);
        if (s.isEmpty()) {
            errors.writeApi(ctx, ApiError.notFound(id, "AuthorizationServer"));
        }
        return s;
    }
}
