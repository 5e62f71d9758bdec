package dev.gatehouse.oauth.servers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v1/authorizationServers/{id}/scopes}: system and custom scopes, on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class ScopesHttpTest {

    private static final String SCOPES = "/api/v1/authorizationServers/default/scopes";
    private static final AtomicInteger SEQ = new AtomicInteger();

    @Parameter
    TestDatabase database;

    static TestServer server;
    static ApiClient api;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = ApiClient.of(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static String unique(String prefix) {
        return prefix + SEQ.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 100_000, 36);
    }

    private static long events(String type) {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = '" + type + "'");
    }

    private static JsonNode systemScope(String name) {
        for (JsonNode s : api.send("GET", SCOPES, null).json()) {
            if (s.get("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no scope " + name);
    }

    @Test
    void everyServerHasTheReservedOidcScopesAsSystemScopes() {
        JsonNode scopes = api.send("GET", SCOPES, null).json();
        List<String> system = new java.util.ArrayList<>();
        scopes.forEach(s -> {
            if (s.get("system").asBoolean()) {
                system.add(s.get("name").asText());
                assertThat(s.get("id").asText()).matches("scp[A-Za-z0-9]{17}");
                assertThat(s.get("metadataPublish").asText()).isEqualTo("ALL_CLIENTS");
                assertThat(s.get("consent").asText()).isEqualTo("IMPLICIT");
                assertThat(s.get("default").asBoolean()).isFalse();
                assertThat(s.get("description").asText()).isNotBlank();
                assertThat(s.get("displayName").isTextual()).as("a display name, never null (issue #24): " + s).isTrue();
            }
        });
        // The display names Okta's own built-in scopes carry in its recorded responses.
        assertThat(systemScope("profile").get("displayName").asText()).isEqualTo("View your profile information.");
        assertThat(systemScope("offline_access").get("displayName").asText()).isEqualTo("Keep you signed in to the app.");
        assertThat(system).containsExactly("openid", "profile", "email", "address", "phone", "offline_access", "groups");
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_server_scopes WHERE authorization_server_id = 'org' AND is_system"))
                .isEqualTo(7);
    }

    @Test
    void aCustomScopeIsCreatedWithOktasDefaultsReadUpdatedAndDeleted() {
        long created = events("oauth2.scope.created");
        String name = unique("orders:read");
        Http.Response r = api.send("POST", SCOPES, "{\"name\":\"" + name + "\",\"description\":\"Read orders\"}");
        assertThat(r.status()).as("201 Created, as Okta: " + r.body()).isEqualTo(201);
        JsonNode s = r.json();
        String id = s.get("id").asText();
        assertThat(id).matches("scp[A-Za-z0-9]{17}");
        assertThat(s.get("name").asText()).isEqualTo(name);
        assertThat(s.get("description").asText()).isEqualTo("Read orders");
        assertThat(s.get("system").asBoolean()).isFalse();
        assertThat(s.get("metadataPublish").asText()).isEqualTo("NO_CLIENTS");
        assertThat(s.get("default").asBoolean()).isFalse();
        assertThat(s.get("consent").asText()).isEqualTo("IMPLICIT");
        assertThat(events("oauth2.scope.created")).isEqualTo(created + 1);
        assertThat(api.send("GET", SCOPES + "/" + id, null).json()).isEqualTo(s);
        assertThat(api.send("GET", SCOPES, null).json().get(0).get("system").asBoolean()).as("custom scopes come first").isFalse();

        long updated = events("oauth2.scope.updated");
        Http.Response put = api.send("PUT", SCOPES + "/" + id, "{\"name\":\"" + name + ":all\",\"consent\":\"REQUIRED\",\"metadataPublish\":\"ALL_CLIENTS\",\"default\":true}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("name").asText()).isEqualTo(name + ":all");
        assertThat(put.json().get("description").asText()).as("left out: kept").isEqualTo("Read orders");
        assertThat(put.json().get("consent").asText()).isEqualTo("REQUIRED");
        assertThat(put.json().get("metadataPublish").asText()).isEqualTo("ALL_CLIENTS");
        assertThat(put.json().get("default").asBoolean()).isTrue();
        assertThat(events("oauth2.scope.updated")).isEqualTo(updated + 1);

        long deleted = events("oauth2.scope.deleted");
        assertThat(api.send("DELETE", SCOPES + "/" + id, null).status()).isEqualTo(204);
        assertOktaError(api.send("GET", SCOPES + "/" + id, null), 404, "E0000007");
        assertThat(events("oauth2.scope.deleted")).isEqualTo(deleted + 1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "blank | {\"name\":\"\"} | name: The field cannot be left blank",
            "space | {\"name\":\"read orders\"} | name: A scope name may contain only printable ASCII characters, without spaces, double quotes or backslashes",
            "backslash | {\"name\":\"a\\\\b\"} | name: A scope name may contain only printable ASCII characters, without spaces, double quotes or backslashes",
            "okta prefix | {\"name\":\"okta.users.read\"} | name: A scope name must not be 'okta' or '*', nor start with 'okta.' or 'okta:'",
            "star | {\"name\":\"*\"} | name: A scope name must not be 'okta' or '*', nor start with 'okta.' or 'okta:'",
            "reserved name | {\"name\":\"openid\"} | name: An object with this field already exists in the current organization",
            "bad consent | {\"name\":\"c1\",\"consent\":\"ALWAYS\"} | consent: Must be IMPLICIT, REQUIRED or FLEXIBLE",
            "bad publish | {\"name\":\"c2\",\"metadataPublish\":\"SOME\"} | metadataPublish: Must be NO_CLIENTS or ALL_CLIENTS",
            "default not boolean | {\"name\":\"c3\",\"default\":\"yes\"} | default: Does not match required type: boolean",
    })
    void invalidScopeIsRejectedAndChangesNothing(String why, String body, String cause) {
        long scopes = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_server_scopes");
        Http.Response r = api.send("POST", SCOPES, body);
        assertOktaError(r, 400, "E0000001");
        assertThat(r.json().get("errorCauses").get(0).get("errorSummary").asText()).isEqualTo(cause);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_server_scopes")).isEqualTo(scopes);
    }

    @Test
    void systemScopesCannotBeDeletedOrRenamedButCanBeDescribed() {
        JsonNode openid = systemScope("openid");
        String path = SCOPES + "/" + openid.get("id").asText();
        assertOktaError(api.send("DELETE", path, null), 403, "E0000006");
        assertOktaError(api.send("PUT", path, "{\"name\":\"openid2\"}"), 403, "E0000006");
        Http.Response r = api.send("PUT", path, "{\"name\":\"openid\",\"description\":\"Sign in with OpenID Connect.\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("description").asText()).isEqualTo("Sign in with OpenID Connect.");
        assertThat(r.json().get("metadataPublish").asText()).isEqualTo("ALL_CLIENTS");
        assertThat(r.json().get("system").asBoolean()).isTrue();
    }

    @Test
    void scopeNamesAreUniquePerServerOnly() {
        String name = unique("shared:scope");
        assertThat(api.send("POST", SCOPES, "{\"name\":\"" + name + "\"}").status()).isEqualTo(201);
        assertOktaError(api.send("POST", SCOPES, "{\"name\":\"" + name + "\"}"), 400, "E0000001");
        Http.Response other = api.send("POST", "/api/v1/authorizationServers",
                "{\"name\":\"" + unique("Other") + "\",\"audiences\":[\"api://other\"]}");
        String otherId = other.json().get("id").asText();
        assertThat(api.send("POST", "/api/v1/authorizationServers/" + otherId + "/scopes", "{\"name\":\"" + name + "\"}").status()).isEqualTo(201);
    }

    @Test
    void unknownServersAndScopesAreNotFound() {
        assertOktaError(api.send("GET", "/api/v1/authorizationServers/ausNoSuchServer000001/scopes", null), 404, "E0000007");
        assertOktaError(api.send("GET", SCOPES + "/scpNoSuchScope0000001", null), 404, "E0000007");
        assertOktaError(api.send("DELETE", SCOPES + "/scpNoSuchScope0000001", null), 404, "E0000007");
        assertOktaError(api.send("POST", SCOPES, "not json"), 400, "E0000003");
    }
}
