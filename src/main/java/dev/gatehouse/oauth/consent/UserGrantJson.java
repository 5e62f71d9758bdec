package dev.gatehouse.oauth.consent;

import dev.gatehouse.apps.App;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.AuthorizationServers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Okta's OAuth2ScopeConsentGrant and OAuth2Client JSON (research notes §7.3), in the key order of Okta's example. */
public final class UserGrantJson {

    private final String baseUrl;
    private final AuthorizationServers servers;
    private final Consents consents;
    private final Function<String, Optional<String>> userName;

    public UserGrantJson(String baseUrl, AuthorizationServers servers, Consents consents,
                         Function<String, Optional<String>> userName) {
        this.baseUrl = baseUrl;
        this.servers = servers;
        this.consents = consents;
        this.userName = userName;
    }

    public Map<String, Object> grant(ConsentGrant g, boolean expandScope) {
        Optional<AuthorizationServer> server = consents.server(g.serverId());
        Optional<App> app = consents.app(g.clientId());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", g.id());
        m.put("status", g.status().name());
        m.put("created", dev.gatehouse.http.Json.date(g.created()));
        m.put("createdBy", Map.of("id", g.createdBy(), "type", g.createdByType()));
        m.put("lastUpdated", dev.gatehouse.http.Json.date(g.lastUpdated()));
        m.put("issuer", server.map(servers::issuer).orElse(baseUrl + "/oauth2/" + g.serverId()));
        m.put("clientId", g.clientId());
        m.put("userId", g.userId());
        m.put("scopeId", g.scopeId());
        m.put("source", g.source());
        if (expandScope) {
            m.put("_embedded", Map.of("scope", Map.of("id", g.scopeId())));   // Okta's schema: the embedded scope is its id
        }
        Map<String, Object> links = new LinkedHashMap<>();
        String appTitle = app.map(App::label).orElse(g.clientId());
        links.put("app", titled(baseUrl + "/api/v1/apps/" + app.map(App::id).orElse(g.clientId()), appTitle));
        links.put("authorizationServer", titled(baseUrl + "/api/v1/authorizationServers/" + g.serverId(),
                server.map(AuthorizationServer::name).orElse(g.serverId())));
        links.put("scope", titled(baseUrl + "/api/v1/authorizationServers/" + g.serverId() + "/scopes/" + g.scopeId(), g.scopeName()));
        links.put("self", Map.of("href", baseUrl + "/api/v1/users/" + g.userId() + "/grants/" + g.id(),
                "hints", Map.of("allow", List.of("GET", "DELETE"))));
        links.put("client", titled(baseUrl + "/oauth2/v1/clients/" + g.clientId(), appTitle));
        links.put("user", titled(baseUrl + "/api/v1/users/" + g.userId(), userName.apply(g.userId()).orElse(g.userId())));
        m.put("_links", links);
        return m;
    }

    /** An OAuth2Client item of {@code GET /api/v1/users/{userId}/clients}. */
    public Map<String, Object> client(String userId, App app) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client_id", app.clientId());
        m.put("client_name", app.label());
        String base = baseUrl + "/api/v1/users/" + userId + "/clients/" + app.clientId();
        m.put("_links", Map.of("grants", Map.of("href", base + "/grants"), "tokens", Map.of("href", base + "/tokens")));
        return m;
    }

    private static Map<String, Object> titled(String href, String title) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("href", href);
        m.put("title", title);
        return m;
    }
}
