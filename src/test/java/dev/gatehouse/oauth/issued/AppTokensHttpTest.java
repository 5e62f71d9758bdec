package dev.gatehouse.oauth.issued;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.gatehouse.support.Http.ssws;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** /api/v1/apps/{id}/tokens, and what deactivating a user or an app, or unassigning a user, does to tokens. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class AppTokensHttpTest {

    @Parameter
    TestDatabase database;

    static TestServer server;
    static Http http;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        http = server.http();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    static String appId(OAuthFlow flow) {
        return http.get("/api/v1/apps/" + flow.clientId(), ssws(TestServer.API_TOKEN)).json().get("id").asText();
    }

    static boolean active(OAuthFlow flow, String token) {
        return flow.form("/introspect", "client_id", flow.clientId(), "token", token).json().get("active").asBoolean();
    }

    @Test
    void anAppsRefreshTokensAreListedAndCanBeRevokedOneByOne() {
        OAuthFlow flow = OAuthFlow.spa(server);
        JsonNode tokens = flow.tokens(OAuthFlow.signedIn(server), OAuthFlow.ALL_SCOPES);
        String app = appId(flow);
        JsonNode list = http.get("/api/v1/apps/" + app + "/tokens", ssws(TestServer.API_TOKEN)).json();
        assertThat(list).hasSize(1);
        JsonNode t = list.get(0);
        assertThat(t.get("id").asText()).matches("oar[A-Za-z0-9]{17}");
        assertThat(t.get("clientId").asText()).isEqualTo(flow.clientId());
        assertThat(t.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(t.get("issuer").asText()).endsWith("/oauth2/default");
        assertThat(t.toString()).doesNotContain(tokens.get("refresh_token").asText());
        assertThat(http.get("/api/v1/apps/" + app + "/tokens/" + t.get("id").asText(), ssws(TestServer.API_TOKEN)).status()).isEqualTo(200);

        assertThat(http.send("DELETE", "/api/v1/apps/" + app + "/tokens/" + t.get("id").asText(), null, ssws(TestServer.API_TOKEN)).status())
                .isEqualTo(204);
        assertThat(flow.refresh(tokens.get("refresh_token").asText()).status()).isEqualTo(400);
        assertThat(active(flow, tokens.get("access_token").asText())).isFalse();
        assertThat(http.get("/api/v1/apps/" + app + "/tokens", ssws(TestServer.API_TOKEN)).json()).isEmpty();
        assertOktaError(http.get("/api/v1/apps/" + app + "/tokens/oarNope", ssws(TestServer.API_TOKEN)), 404, "E0000007");
    }

    @Test
    void revokingAllTokensOfAnAppSignsEveryoneOut() {
        OAuthFlow flow = OAuthFlow.spa(server);
        JsonNode a = flow.tokens(OAuthFlow.signedIn(server), OAuthFlow.ALL_SCOPES);
        JsonNode b = flow.tokens(OAuthFlow.signedIn(server), OAuthFlow.ALL_SCOPES);
        assertThat(http.send("DELETE", "/api/v1/apps/" + appId(flow) + "/tokens", null, ssws(TestServer.API_TOKEN)).status()).isEqualTo(204);
        assertThat(flow.refresh(a.get("refresh_token").asText()).status()).isEqualTo(400);
        assertThat(flow.refresh(b.get("refresh_token").asText()).status()).isEqualTo(400);
    }

    @Test
    void unassigningOrDeactivatingAUserStopsTheirTokens() {
        String login = "tokens-" + database.name().toLowerCase() + "@example.com";
        String userId = People.create(http, login, "Token-Person-Pass-1");
        OAuthFlow flow = OAuthFlow.spa(server);
        JsonNode tokens = flow.tokens(OAuthFlow.signedIn(server, login, "Token-Person-Pass-1"), OAuthFlow.ALL_SCOPES);
        assertThat(flow.refresh(tokens.get("refresh_token").asText()).status()).isEqualTo(200);
        assertThat(http.send("POST", "/api/v1/users/" + userId + "/lifecycle/deactivate", null, ssws(TestServer.API_TOKEN)).status()).isEqualTo(200);
        assertThat(active(flow, tokens.get("access_token").asText())).isFalse();
        assertThat(http.send("POST", "/api/v1/users/" + userId + "/lifecycle/activate", null, ssws(TestServer.API_TOKEN)).status()).isEqualTo(200);

        String app = appId(flow);
        JsonNode again = flow.tokens(OAuthFlow.signedIn(server), OAuthFlow.ALL_SCOPES);
        String body = http.get("/api/v1/apps/" + flow.clientId(), ssws(TestServer.API_TOKEN)).json().toString()
                .replace("\"implicitAssignment\":true", "\"implicitAssignment\":false");
        assertThat(http.send("PUT", "/api/v1/apps/" + app, body, ssws(TestServer.API_TOKEN, "Content-Type", "application/json")).status())
                .isEqualTo(200);
        assertThat(flow.refresh(again.get("refresh_token").asText()).status()).as("no longer assigned").isEqualTo(400);
    }

    @Test
    void deactivatingTheAppStopsItsTokens() {
        OAuthFlow flow = OAuthFlow.spa(server);
        JsonNode tokens = flow.tokens(OAuthFlow.signedIn(server), OAuthFlow.ALL_SCOPES);
        assertThat(http.send("POST", "/api/v1/apps/" + appId(flow) + "/lifecycle/deactivate", null, ssws(TestServer.API_TOKEN)).status())
                .isEqualTo(200);
        assertThat(flow.refresh(tokens.get("refresh_token").asText()).status()).isEqualTo(401);
        Http.Response userinfo = http.get(flow.base() + "/userinfo", "Authorization", "Bearer " + tokens.get("access_token").asText());
        assertThat(userinfo.status()).isEqualTo(401);
    }
}
