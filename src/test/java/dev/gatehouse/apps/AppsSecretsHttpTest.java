package dev.gatehouse.apps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.EventContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static dev.gatehouse.apps.AppClient.SPA;
import static dev.gatehouse.apps.AppClient.WEB;
import static dev.gatehouse.apps.AppClient.credentials;
import static dev.gatehouse.apps.AppClient.edit;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** Client secrets of web and service apps: shown once, stored hashed, verified, rotated; on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class AppsSecretsHttpTest {

    @Parameter
    TestDatabase database;

    static TestServer server;
    static AppClient api;
    static Apps apps;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = new AppClient(server);
        apps = server.wiring().apps;
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @Test
    void webAppGetsASecretInTheCreateResponseOnlyAndItVerifies() {
        JsonNode created = api.create(WEB);
        String id = created.get("id").asText();
        JsonNode client = created.get("credentials").get("oauthClient");
        String secret = client.get("client_secret").asText();
        assertThat(secret).matches("[A-Za-z0-9]{64}");
        assertThat(client.get("token_endpoint_auth_method").asText()).isEqualTo("client_secret_basic");
        assertThat(client.get("pkce_required").asBoolean()).isFalse();
        assertThat(created.get("settings").get("oauthClient").get("refresh_token").toString())
                .isEqualTo("{\"rotation_type\":\"STATIC\",\"leeway\":30}");

        JsonNode read = api.app(id);
        assertThat(read.get("credentials").get("oauthClient").has("client_secret")).isFalse();
        assertThat(read.toString()).doesNotContain(secret);
        assertThat(api.get("/api/v1/apps?filter=id%20eq%20%22" + id + "%22").body()).doesNotContain(secret);

        App app = apps.get(id);
        assertThat(apps.verifySecret(app, secret)).isTrue();
        assertThat(apps.verifySecret(app, secret.substring(1))).isFalse();
        assertThat(apps.verifySecret(app, secret.toUpperCase())).isFalse();
        assertThat(apps.verifySecret(app, null)).isFalse();
        assertThat(apps.findByClientId(id)).map(App::id).contains(id);
        assertThat(app.toString()).doesNotContain(app.secret().hash());
    }

    @Test
    void secretsAreStoredOnlyAsTheirHash() {
        String secret = api.create(WEB).get("credentials").get("oauthClient").get("client_secret").asText();
        List<Map<String, Object>> rows = server.wiring().db.read(h -> h.createQuery("SELECT * FROM apps").mapToMap().list());
        assertThat(rows.toString()).doesNotContain(secret);
        assertThat(api.count("SELECT COUNT(*) FROM apps WHERE client_secret_hash IS NOT NULL")).isPositive();
        assertThat(api.count("SELECT COUNT(*) FROM system_log_events WHERE debug_data LIKE '%" + secret + "%' OR targets LIKE '%"
                + secret + "%'")).isZero();
    }

    @Test
    void rotatingGivesANewSecretOnceAndTheOldOneStopsWorking() {
        JsonNode created = api.create(WEB);
        String id = created.get("id").asText();
        String old = created.get("credentials").get("oauthClient").get("client_secret").asText();
        long rotations = api.events("app.oauth2.credentials.lifecycle.create");

        Http.Response r = api.post("/api/v1/apps/" + id + "/credentials/secrets", null);
        assertThat(r.status()).as("201 Created, as Okta: " + r.body()).isEqualTo(201);
        String fresh = r.json().get("client_secret").asText();
        assertThat(fresh).matches("[A-Za-z0-9]{64}").isNotEqualTo(old);
        assertThat(r.json().get("id").asText()).startsWith("ocs");
        assertThat(r.json().get("status").asText()).isEqualTo("ACTIVE");

        App app = apps.get(id);
        assertThat(apps.verifySecret(app, fresh)).isTrue();
        assertThat(apps.verifySecret(app, old)).isFalse();
        assertThat(api.app(id).toString()).doesNotContain(fresh);
        assertThat(api.events("app.oauth2.credentials.lifecycle.create")).isEqualTo(rotations + 1);

        String third = apps.rotateSecret(EventContext.system("test"), id);
        assertThat(apps.verifySecret(apps.get(id), third)).isTrue();
        assertThat(apps.verifySecret(apps.get(id), fresh)).isFalse();
    }

    @Test
    void publicClientsHaveNoSecretToRotate() {
        String id = api.createId(SPA);
        JsonNode before = api.app(id);
        String rows = api.rows();
        Http.Response r = api.post("/api/v1/apps/" + id + "/credentials/secrets", "{}");
        assertOktaError(r, 400, "E0000001");
        assertThat(AppClient.firstCause(r))
                .isEqualTo("client_secret: A single-page app (browser) is a public client: it has no client secret to rotate");
        assertThat(api.app(id)).isEqualTo(before);
        assertThat(api.rows()).isEqualTo(rows);
        assertThat(apps.verifySecret(apps.get(id), "anything")).isFalse();
        assertOktaError(api.post("/api/v1/apps/" + api.createId(WEB) + "/credentials/secrets", "{\"client_secret\":\"mine-mine-mine-mine\"}"),
                400, "E0000001");
    }

    @Test
    void secretEchoedBackUnchangedOnUpdateIsAcceptedAndKept() {
        JsonNode created = api.create(WEB);
        String id = created.get("id").asText();
        String secret = created.get("credentials").get("oauthClient").get("client_secret").asText();
        String echoed = edit(created.toString(), a -> {
            a.put("label", "Echoed");
            credentials(a).put("token_endpoint_auth_method", "client_secret_post");
        });
        Http.Response r = api.put("/api/v1/apps/" + id, echoed);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("credentials").get("oauthClient").get("token_endpoint_auth_method").asText()).isEqualTo("client_secret_post");
        assertThat(r.body()).doesNotContain(secret);
        assertThat(apps.verifySecret(apps.get(id), secret)).as("switching basic to post keeps the secret").isTrue();
    }

    @Test
    void serviceAppIsAConfidentialClientCredentialsClient() {
        JsonNode created = api.create("""
                {"label":"Backend job","settings":{"oauthClient":{"application_type":"service"}}}""");
        JsonNode client = created.get("settings").get("oauthClient");
        assertThat(client.get("grant_types").toString()).isEqualTo("[\"client_credentials\"]");
        assertThat(client.get("response_types").toString()).isEqualTo("[\"token\"]");
        assertThat(client.get("redirect_uris")).isEmpty();
        assertThat(client.has("refresh_token")).isFalse();
        assertThat(created.get("credentials").get("oauthClient").get("client_secret").asText()).hasSize(64);
    }

    @Test
    void nativeAppIsAPublicClientAndMayUseAPrivateUseScheme() {
        JsonNode created = api.create("""
                {"label":"Phone","settings":{"oauthClient":{"application_type":"native",
                 "grant_types":["authorization_code","refresh_token","password"],"redirect_uris":["com.example.app:/callback"]}}}""");
        JsonNode credentials = created.get("credentials").get("oauthClient");
        assertThat(credentials.has("client_secret")).isFalse();
        assertThat(credentials.get("token_endpoint_auth_method").asText()).isEqualTo("none");
        assertThat(credentials.get("pkce_required").asBoolean()).isTrue();
        assertThat(created.get("settings").get("oauthClient").get("refresh_token").get("rotation_type").asText()).isEqualTo("STATIC");
    }

    @Test
    void chosenClientIdIsUniqueAndFindsTheApp() {
        String clientId = "portal-" + System.nanoTime();
        JsonNode created = api.create(edit(SPA, a -> credentials(a).put("client_id", clientId)));
        assertThat(created.get("credentials").get("oauthClient").get("client_id").asText()).isEqualTo(clientId);
        assertThat(apps.findByClientId(clientId)).map(App::id).contains(created.get("id").asText());
        assertThat(apps.findByClientId(created.get("id").asText())).as("the id is not the client_id now").isEmpty();

        String rows = api.rows();
        Http.Response again = api.post("/api/v1/apps", edit(SPA, a -> credentials(a).put("client_id", clientId)));
        assertOktaError(again, 400, "E0000001");
        assertThat(AppClient.firstCause(again)).isEqualTo("client_id: An object with this field already exists in the current organization");
        assertThat(api.rows()).isEqualTo(rows);
        assertThat(apps.findByClientId("no-such-client")).isEmpty();
    }

    @Test
    void aClientIdThatIsAUsersIdOrAnAppsIdIsRefusedAndWritesNothing() {
        // Issue #14: a service app whose client_id is a user's id would mint client-credentials tokens whose sub (the
        // client_id) is that user's ID-token sub; one that is another app's id makes /api/v1/apps/{id} and the client_id
        // name two different apps.
        String userId = server.http().get("/api/v1/users/me", dev.gatehouse.support.Http.ssws(dev.gatehouse.support.TestServer.API_TOKEN))
                .json().get("id").asText();
        JsonNode named = api.create(edit(SPA, a -> credentials(a).put("client_id", "named-" + System.nanoTime())));
        String appId = named.get("id").asText();
        String service = """
                {"name":"oidc_client","label":"Impostor","signOnMode":"OPENID_CONNECT","credentials":{"oauthClient":{"client_id":"%s"}},
                 "settings":{"oauthClient":{"application_type":"service","grant_types":["client_credentials"],"response_types":["token"]}}}""";
        String[][] cases = {
                {userId, "client_id: '" + userId + "' is the id of a user: a client_id must not name another object (it would be the sub "
                        + "of this app's client-credentials tokens)"},
                {appId, "client_id: '" + appId + "' is the id of another app: a client_id must not name another object"},
                {named.get("credentials").get("oauthClient").get("client_id").asText(),
                        "client_id: An object with this field already exists in the current organization"}};
        for (String[] c : cases) {
            String rows = api.rows();
            long events = dev.gatehouse.support.OAuthFlow.events(server, "application.lifecycle.create", "SUCCESS");
            Http.Response r = api.post("/api/v1/apps", service.formatted(c[0]));
            assertOktaError(r, 400, "E0000001");
            assertThat(r.json().get("errorSummary").asText()).isEqualTo("Api validation failed: client_id");
            assertThat(AppClient.firstCause(r)).isEqualTo(c[1]);
            assertThat(api.rows()).as("nothing written for " + c[0]).isEqualTo(rows);
            assertThat(dev.gatehouse.support.OAuthFlow.events(server, "application.lifecycle.create", "SUCCESS")).isEqualTo(events);
            assertThat(apps.findByClientId(c[0]).map(App::label)).as(c[0]).isNotEqualTo(java.util.Optional.of("Impostor"));
        }

        // The legitimate path: a client_id that names nothing else (an Okta-shaped 0oa… one included, as when moving an app).
        String oktaShaped = "0oa" + Long.toString(System.nanoTime(), 36) + "AbCdEfGh";
        JsonNode moved = api.create(service.formatted(oktaShaped));
        assertThat(moved.get("credentials").get("oauthClient").get("client_id").asText()).isEqualTo(oktaShaped);

        // Update: the client_id cannot change at all, so not to a user's id either; nothing is written.
        String rows = api.rows();
        Http.Response update = api.send("PUT", "/api/v1/apps/" + moved.get("id").asText(), service.formatted(userId));
        assertOktaError(update, 400, "E0000001");
        assertThat(AppClient.firstCause(update)).startsWith("client_id: The client_id cannot be changed");
        assertThat(api.rows()).isEqualTo(rows);
        assertThat(apps.findByClientId(oktaShaped)).map(App::id).contains(moved.get("id").asText());
    }
}
