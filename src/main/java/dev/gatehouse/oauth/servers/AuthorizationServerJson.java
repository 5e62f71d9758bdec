package dev.gatehouse.oauth.servers;

import dev.gatehouse.oauth.keys.SigningKey;
import dev.gatehouse.oauth.keys.SigningKeys;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Okta's AuthorizationServer, OAuth2Scope and key JSON, with {@code _links} to this server. Links point only at
 * what Gatehouse serves.
 */
public final class AuthorizationServerJson {

    private final AuthorizationServers servers;
    private final SigningKeys keys;
    private final String baseUrl;

    public AuthorizationServerJson(AuthorizationServers servers, SigningKeys keys, String baseUrl) {
        this.servers = servers;
        this.keys = keys;
        this.baseUrl = baseUrl;
    }

    public Map<String, Object> server(AuthorizationServer s) {
        String self = self(s);
        SigningKeys.Signing signing = keys.signing(s.id());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("name", s.name());
        if (s.description() != null) {
            m.put("description", s.description()); // no null in Okta's schema: a server without one has no member
        }
        m.put("audiences", List.of(s.audience()));
        m.put("issuer", servers.issuer(s));
        m.put("issuerMode", "ORG_URL");
        m.put("status", s.status().name());
        m.put("created", s.created());
        m.put("lastUpdated", s.lastUpdated());
        Map<String, Object> sign = new LinkedHashMap<>();
        sign.put("rotationMode", signing.rotationMode().name());
        sign.put("lastRotated", signing.lastRotated());
        if (signing.nextRotation() != null) {
            sign.put("nextRotation", signing.nextRotation());
        }
        sign.put("kid", signing.kid());
        m.put("credentials", Map.of("signing", sign));
        m.put("default", s.id().equals(AuthorizationServers.DEFAULT));
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("scopes", link(self + "/scopes", "GET"));
        links.put("claims", link(self + "/claims", "GET"));
        links.put("policies", link(self + "/policies", "GET"));
        links.put("self", link(self, "GET", "DELETE", "PUT"));
        links.put("metadata", List.of(
                named("oauth-authorization-server", servers.issuer(s) + "/.well-known/oauth-authorization-server"),
                named("openid-configuration", servers.openIdConfigurationUrl(s))));
        links.put("rotateKey", link(self + "/credentials/lifecycle/keyRotate", "POST"));
        links.put("keys", link(self + "/credentials/keys", "GET"));
        links.put(s.active() ? "deactivate" : "activate", link(self + "/lifecycle/" + (s.active() ? "deactivate" : "activate"), "POST"));
        m.put("_links", links);
        return m;
    }

    public Map<String, Object> scope(Scope s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("name", s.name());
        // Okta's schema has no null here: a built-in scope shows Okta's own display name, another scope without a display
        // name or description leaves the member out.
        String displayName = s.displayName() != null ? s.displayName() : s.system() ? Scopes.systemDisplayName(s.name()) : null;
        if (displayName != null) {
            m.put("displayName", displayName);
        }
        if (s.description() != null) {
            m.put("description", s.description());
        }
        m.put("system", s.system());
        m.put("metadataPublish", s.metadataPublish().name());
        m.put("default", s.isDefault());
        m.put("consent", s.consent().name());
        return m;
    }

    /** A key of {@code /credentials/keys}: the public JWK members, its status, and a self link. */
    public Map<String, Object> key(SigningKey k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", k.status().name());
        m.putAll(k.publicJwk().toJSONObject());
        m.put("_links", Map.of("self", link(baseUrl + "/api/v1/authorizationServers/" + k.authorizationServerId()
                + "/credentials/keys/" + k.kid(), "GET")));
        return m;
    }

    private String self(AuthorizationServer s) {
        return baseUrl + "/api/v1/authorizationServers/" + s.id();
    }

    private static Map<String, Object> link(String href, String... allow) {
        return Map.of("href", href, "hints", Map.of("allow", List.of(allow)));
    }

    private static Map<String, Object> named(String name, String href) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("href", href);
        m.put("hints", Map.of("allow", List.of("GET")));
        return m;
    }
}
