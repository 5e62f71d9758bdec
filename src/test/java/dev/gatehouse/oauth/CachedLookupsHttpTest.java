package dev.gatehouse.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.apps.App;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gatehouse.support.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token path answers from memory (apps by client_id, authorization servers, their scopes), yet a change made
 * on this node is in force at its very next request: each test first warms the cache with a request that succeeds,
 * changes something through the management API, and expects the next request to follow the change. On H2 and
 * PostgreSQL. (Other nodes: {@code MultiNodeTest}.)
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class CachedLookupsHttpTest {

    private static final AtomicInteger SEQ = new AtomicInteger();

    @Parameter
    TestDatabase database;

    static TestServer server;
    static ApiClient api;
    static Http http;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = ApiClient.of(server);
        http = server.http();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    /** A service app on its own server with one custom scope: {@code [serverId, clientId, secret, appId, scope]}. */
    private record Setup(String serverId, String clientId, String secret, String appId, String scope, String scopeId) {
    }

    private static Setup serviceApp() {
        int n = SEQ.incrementAndGet();
        JsonNode server = ok(api.send("POST", "/api/v1/authorizationServers",
                "{\"name\":\"cache-" + n + "-" + System.nanoTime() + "\",\"audiences\":[\"api://cache" + n + "\"]}"));
        String serverId = server.get("id").asText();
        JsonNode scope = ok(api.send("POST", "/api/v1/authorizationServers/" + serverId + "/scopes", "{\"name\":\"reports:read\"}"));
        dev.gatehouse.support.OAuthFlow.allowAll(api, serverId);   // a new custom server issues nothing without an access policy
        JsonNode app = ok(api.send("POST", "/api/v1/apps",
                "{\"label\":\"Cache " + n + "\",\"settings\":{\"oauthClient\":{\"application_type\":\"service\"}}}"));
        JsonNode credentials = app.get("credentials").get("oauthClient");
        return new Setup(serverId, credentials.get("client_id").asText(), credentials.get("client_secret").asText(),
                app.get("id").asText(), "reports:read", scope.get("id").asText());
    }

    private static Http.Response token(Setup s, String secret, String scope) {
        String basic = Base64.getEncoder().encodeToString((s.clientId() + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return http.send("POST", "/oauth2/" + s.serverId() + "/v1/token", "grant_type=client_credentials&scope=" + scope,
                "Authorization", "Basic " + basic, "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json");
    }

    private static void assertToken(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("access_token").asText()).isNotBlank();
    }

    @Test
    void aDeactivatedAppGetsNoTokenAtItsNextRequestAndAReactivatedOneDoes() {
        Setup s = serviceApp();
        assertToken(token(s, s.secret(), s.scope()));

        ok(api.send("POST", "/api/v1/apps/" + s.appId() + "/lifecycle/deactivate", null));
        Http.Response refused = token(s, s.secret(), s.scope());
        assertThat(refused.status()).as(refused.body()).isEqualTo(401);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_client");

        ok(api.send("POST", "/api/v1/apps/" + s.appId() + "/lifecycle/activate", null));
        assertToken(token(s, s.secret(), s.scope()));
    }

    @Test
    void aRotatedSecretReplacesTheOldOneAtOnce() {
        Setup s = serviceApp();
        assertToken(token(s, s.secret(), s.scope()));

        String newSecret = ok(api.send("POST", "/api/v1/apps/" + s.appId() + "/credentials/secrets", null)).get("client_secret").asText();

        Http.Response old = token(s, s.secret(), s.scope());
        assertThat(old.status()).as(old.body()).isEqualTo(401);
        assertToken(token(s, newSecret, s.scope()));
    }

    @Test
    void aRemovedRedirectUriIsGoneFromTheCachedAppAtOnce() {
        JsonNode app = ok(api.send("POST", "/api/v1/apps", """
                {"label":"Cache SPA","settings":{"oauthClient":{"application_type":"browser",
                 "redirect_uris":["http://localhost:8080/login/callback","http://localhost:8080/old/callback"]}}}"""));
        String clientId = app.get("credentials").get("oauthClient").get("client_id").asText();
        assertThat(cachedApp(clientId).settings().redirectUris()).contains("http://localhost:8080/old/callback");

        ((com.fasterxml.jackson.databind.node.ArrayNode) app.get("settings").get("oauthClient").get("redirect_uris")).remove(1);
        ok(api.send("PUT", "/api/v1/apps/" + app.get("id").asText(), app.toString()));

        assertThat(cachedApp(clientId).settings().redirectUris()).containsExactly("http://localhost:8080/login/callback");
        assertThat(cachedApp(clientId).implicitAssignment()).isFalse();
        ok(api.send("PUT", "/api/v1/apps/" + app.get("id").asText() + "/groups/" + everyoneGroupId(), null));
        assertThat(cachedApp(clientId).implicitAssignment()).as("implicitAssignment follows the Everyone assignment").isTrue();
    }

    private static App cachedApp(String clientId) {
        return server.wiring().apps.findByClientId(clientId).orElseThrow();
    }

    private static String everyoneGroupId() {
        return ok(api.get("/api/v1/groups?q=Everyone")).get(0).get("id").asText();
    }

    @Test
    void aDeletedScopeIsRefusedAtTheNextRequestAndANewOneAccepted() {
        Setup s = serviceApp();
        assertToken(token(s, s.secret(), s.scope()));
        Http.Response unknown = token(s, s.secret(), "reports:write");
        assertThat(unknown.json().get("error").asText()).as(unknown.body()).isEqualTo("invalid_scope");

        ok(api.send("POST", "/api/v1/authorizationServers/" + s.serverId() + "/scopes", "{\"name\":\"reports:write\"}"));
        assertToken(token(s, s.secret(), "reports:write"));

        ok(api.send("DELETE", "/api/v1/authorizationServers/" + s.serverId() + "/scopes/" + s.scopeId(), null));
        Http.Response deleted = token(s, s.secret(), s.scope());
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(400);
        assertThat(deleted.json().get("error").asText()).isEqualTo("invalid_scope");
    }

    @Test
    void aDeactivatedAuthorizationServerIssuesNothingAtTheNextRequest() {
        Setup s = serviceApp();
        assertToken(token(s, s.secret(), s.scope()));

        ok(api.send("POST", "/api/v1/authorizationServers/" + s.serverId() + "/lifecycle/deactivate", null));
        assertThat(token(s, s.secret(), s.scope()).status()).isEqualTo(404);

        ok(api.send("POST", "/api/v1/authorizationServers/" + s.serverId() + "/lifecycle/activate", null));
        assertToken(token(s, s.secret(), s.scope()));
    }
}
