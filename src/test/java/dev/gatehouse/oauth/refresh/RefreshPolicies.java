package dev.gatehouse.oauth.refresh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.TestServer;

import static org.assertj.core.api.Assertions.assertThat;

/** Setting an SPA's refresh-token policy through the API and getting its first tokens, for the refresh tests. */
final class RefreshPolicies {

    private RefreshPolicies() {
    }

    static OAuthFlow spa(TestServer server, String rotation, Integer leeway) {
        OAuthFlow flow = OAuthFlow.spa(server);
        ApiClient api = ApiClient.of(server);
        ObjectNode app = (ObjectNode) api.get("/api/v1/apps/" + flow.clientId()).json();
        ObjectNode rt = (ObjectNode) app.get("settings").get("oauthClient").get("refresh_token");
        rt.put("rotation_type", rotation);
        if (leeway != null) {
            rt.put("leeway", leeway);
        }
        Http.Response r = api.put("/api/v1/apps/" + flow.clientId(), app.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return flow;
    }

    static JsonNode firstTokens(TestServer server, OAuthFlow flow) {
        return flow.tokens(OAuthFlow.signedIn(server), OAuthFlow.ALL_SCOPES);
    }
}
