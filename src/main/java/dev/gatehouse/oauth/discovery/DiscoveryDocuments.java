package dev.gatehouse.oauth.discovery;

import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.AuthorizationServers;
import dev.gatehouse.oauth.servers.Scopes;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata documents of an authorization server (OKTA-REFERENCE §2): OpenID Provider metadata for every server,
 * RFC 8414 OAuth metadata for custom ones. Members and order follow Okta's examples, with these deliberate
 * differences, each because Gatehouse does not implement the feature and must not advertise it:
 * <ul>
 *   <li>{@code response_types_supported} is only {@code ["code"]}: Gatehouse refuses the implicit and hybrid flows
 *       (RFC 9700 §2.1.2; the browser-apps BCP forbids access tokens from the authorization endpoint), where Okta
 *       lists {@code id_token}, {@code code id_token}, {@code token} …;</li>
 *   <li>{@code grant_types_supported} is {@code authorization_code}, {@code refresh_token}, {@code client_credentials}
 *       (no implicit, password or device_code);</li>
 *   <li>client authentication is {@code client_secret_basic}, {@code client_secret_post} or {@code none} (no JWT-based methods);</li>
 *   <li>{@code request_parameter_supported} is false, and there is no {@code registration_endpoint} (no dynamic client
 *       registration), no {@code id_token_encryption_*}, {@code request_object_signing_alg_values_supported},
 *       {@code device_authorization_endpoint} or {@code pushed_authorization_request_endpoint}.</li>
 * </ul>
 * The {@code client_id} query parameter Okta accepts (to pick an issuer format) is ignored: Gatehouse has one issuer per server.
 */
public final class DiscoveryDocuments {

    static final List<String> RESPONSE_TYPES = List.of("code");
    static final List<String> RESPONSE_MODES = List.of("query", "fragment", "form_post", "okta_post_message");
    static final List<String> GRANT_TYPES = List.of("authorization_code", "refresh_token", "client_credentials");
    static final List<String> AUTH_METHODS = List.of("client_secret_basic", "client_secret_post", "none");
    /** ID-token and userinfo claims, exactly Okta's list (§2.1). */
    static final List<String> OIDC_CLAIMS = List.of("iss", "ver", "sub", "aud", "iat", "exp", "jti", "auth_time", "amr", "idp", "nonce",
            "name", "nickname", "preferred_username", "given_name", "middle_name", "family_name", "email", "email_verified", "profile",
            "zoneinfo", "locale", "address", "phone_number", "picture", "website", "gender", "birthdate", "updated_at", "at_hash", "c_hash");
    /** Access-token claims, exactly Okta's list (§2.2). */
    static final List<String> ACCESS_TOKEN_CLAIMS = List.of("ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub");
    /** The org AS lists its scopes in this order (§2.3). */
    static final List<String> ORG_SCOPE_ORDER = List.of("openid", "email", "profile", "address", "phone", "offline_access", "groups");

    private final AuthorizationServers servers;
    private final Scopes scopes;

    public DiscoveryDocuments(AuthorizationServers servers, Scopes scopes) {
        this.servers = servers;
        this.scopes = scopes;
    }

    /** {@code /.well-known/openid-configuration}: the org AS at the root, a custom one under its issuer. */
    public Map<String, Object> openIdConfiguration(AuthorizationServer s) {
        return document(s, true);
    }

    /** {@code {issuer}/.well-known/oauth-authorization-server} (RFC 8414), custom servers only. */
    public Map<String, Object> oauthAuthorizationServer(AuthorizationServer s) {
        if (s.org()) {
            throw new IllegalArgumentException("The org authorization server has no OAuth metadata document, as in Okta.");
        }
        return document(s, false);
    }

    /** Where the protocol endpoints of a server are: {@code {base}/oauth2/v1} for the org AS, {@code {issuer}/v1} otherwise (§1.1). */
    public String endpointBase(AuthorizationServer s) {
        return s.org() ? servers.issuer(s) + "/oauth2/v1" : servers.issuer(s) + "/v1";
    }

    private Map<String, Object> document(AuthorizationServer s, boolean oidc) {
        String v1 = endpointBase(s);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", servers.issuer(s));
        m.put("authorization_endpoint", v1 + "/authorize");
        m.put("token_endpoint", v1 + "/token");
        if (oidc) {
            m.put("userinfo_endpoint", v1 + "/userinfo");
        }
        m.put("jwks_uri", v1 + "/keys");
        m.put("response_types_supported", RESPONSE_TYPES);
        m.put("response_modes_supported", RESPONSE_MODES);
        m.put("grant_types_supported", GRANT_TYPES);
        m.put("subject_types_supported", List.of("public"));
        if (oidc) {
            m.put("id_token_signing_alg_values_supported", List.of("RS256"));
        }
        m.put("scopes_supported", scopesSupported(s));
        m.put("token_endpoint_auth_methods_supported", AUTH_METHODS);
        m.put("claims_supported", oidc ? OIDC_CLAIMS : ACCESS_TOKEN_CLAIMS);
        m.put("code_challenge_methods_supported", List.of("S256"));
        // Not in Okta's documents (its examples list none); added because step-up is supported (issue #18) and RFC 8414 /
        // OpenID Connect Discovery define the member: a client can see which acr_values this server honours.
        m.put("acr_values_supported", dev.gatehouse.oauth.authorize.AcrValues.SUPPORTED);
        m.put("introspection_endpoint", v1 + "/introspect");
        m.put("introspection_endpoint_auth_methods_supported", AUTH_METHODS);
        m.put("revocation_endpoint", v1 + "/revoke");
        m.put("revocation_endpoint_auth_methods_supported", AUTH_METHODS);
        m.put("end_session_endpoint", v1 + "/logout");
        m.put("request_parameter_supported", false);
        return m;
    }

    /** Custom scopes published to all clients (by name), then the published system scopes (Okta's order for the server kind). */
    private List<String> scopesSupported(AuthorizationServer s) {
        List<String> published = scopes.published(s.id());
        if (!s.org()) {
            return published;
        }
        return published.stream().sorted(Comparator.comparingInt(name -> {
            int i = ORG_SCOPE_ORDER.indexOf(name);
            return i < 0 ? ORG_SCOPE_ORDER.size() : i;
        })).toList();
    }
}
