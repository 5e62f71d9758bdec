package dev.gatehouse.features;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.Sql;
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

/** /api/v1/features and the gate it puts on refresh tokens for single-page apps, on a new org (feature off). */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class FeaturesHttpTest {

    @Parameter
    TestDatabase database;

    static TestServer server;
    static Http http;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database, "--features", "");
        http = server.http();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    static JsonNode rotation() {
        for (JsonNode f : http.get("/api/v1/features", ssws(TestServer.API_TOKEN)).json()) {
            if (f.get("name").asText().equals("Refresh Token Rotation for SPA")) {
                return f;
            }
        }
        throw new AssertionError("feature not listed");
    }

    static void set(boolean enabled) {
        Http.Response r = http.send("POST", "/api/v1/features/" + rotation().get("id").asText() + (enabled ? "/enable" : "/disable"), null,
                ssws(TestServer.API_TOKEN));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static Http.Response createSpa(String grants) {
        String body = """
                {"name":"oidc_client","label":"Gated SPA","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"none"}},
                 "settings":{"implicitAssignment":true,"oauthClient":{"application_type":"browser",
                   "redirect_uris":["http://localhost:8080/login/callback"],"grant_types":%s}}}""".formatted(grants);
        return http.send("POST", "/api/v1/apps", body, ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
    }

    @Test
    void featuresAreListedInOktasShape() {
        set(false);
        JsonNode f = rotation();
        assertThat(f.get("id").asText()).matches("ftr[A-Za-z0-9]{17}");
        assertThat(f.get("type").asText()).isEqualTo("self-service");
        assertThat(f.get("status").asText()).isEqualTo("DISABLED");
        assertThat(f.get("stage").get("value").asText()).isEqualTo("EA");
        assertThat(f.get("_links").get("enable").get("hints").get("allow").get(0).asText()).isEqualTo("POST");
        assertThat(f.get("_links").has("disable")).isFalse();
        assertThat(http.get("/api/v1/features/" + f.get("id").asText() + "/dependencies", ssws(TestServer.API_TOKEN)).json().isArray()).isTrue();
    }

    @Test
    void enablingAndDisablingReturnTheFeatureAndAreLogged() {
        set(false);
        String id = rotation().get("id").asText();
        Http.Response on = http.send("POST", "/api/v1/features/" + id + "/enable", null, ssws(TestServer.API_TOKEN));
        assertThat(on.json().get("status").asText()).isEqualTo("ENABLED");
        assertThat(on.json().get("_links").has("disable")).isTrue();
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'system.feature.enable'")).isPositive();
        assertThat(http.send("POST", "/api/v1/features/" + id + "/disable", null, ssws(TestServer.API_TOKEN)).json().get("status").asText())
                .isEqualTo("DISABLED");
    }

    @Test
    void unknownFeatureAndLifecycleAreRefused() {
        assertOktaError(http.get("/api/v1/features/ftrNope", ssws(TestServer.API_TOKEN)), 404, "E0000007");
        assertOktaError(http.send("POST", "/api/v1/features/" + rotation().get("id").asText() + "/explode", null, ssws(TestServer.API_TOKEN)),
                405, "E0000022");
    }

    @Test
    void whileOffASinglePageAppCannotGetTheRefreshTokenGrant() {
        set(false);
        long apps = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM apps");
        Http.Response r = createSpa("[\"authorization_code\",\"refresh_token\"]");
        assertOktaError(r, 400, "E0000001");
        assertThat(r.json().get("errorCauses").get(0).get("errorSummary").asText())
                .startsWith("grant_types: ").contains("Refresh Token Rotation for SPA").contains("Settings › Features");
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM apps")).isEqualTo(apps);
        assertThat(createSpa("[\"authorization_code\"]").status()).as("without refresh tokens a SPA is fine").isEqualTo(200);
        set(true);
        assertThat(createSpa("[\"authorization_code\",\"refresh_token\"]").status()).isEqualTo(200);
    }

    @Test
    void disablingItLaterKeepsExistingAppsAndTheirTokensWorking() {
        set(true);
        OAuthFlow flow = OAuthFlow.spa(server);
        String refresh = flow.tokens(OAuthFlow.signedIn(server), OAuthFlow.ALL_SCOPES).get("refresh_token").asText();
        set(false);
        Http.Response r = flow.refresh(refresh);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode app = http.get("/api/v1/apps/" + flow.clientId(), ssws(TestServer.API_TOKEN)).json();
        assertThat(app.get("settings").get("oauthClient").get("grant_types").toString()).contains("refresh_token");
        Http.Response unchanged = http.send("PUT", "/api/v1/apps/" + flow.clientId(), app.toString(),
                ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(unchanged.status()).as("saving an app that already has the grant").isEqualTo(200);
    }
}
