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

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v1/authorizationServers}: Okta's JSON, validation, lifecycle and delete rules, on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class AuthorizationServersHttpTest {

    static final String DATE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
    private static final AtomicInteger SEQ = new AtomicInteger();

    @Parameter
    TestDatabase database;

    static TestServer server;
    static ApiClient api;
    static String base;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = ApiClient.of(server);
        base = server.wiring().config.baseUrl();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    static String unique(String prefix) {
        return prefix + " " + SEQ.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 100_000, 36);
    }

    static JsonNode create(String name, String audience) {
        Http.Response r = api.send("POST", "/api/v1/authorizationServers",
                "{\"name\":\"" + name + "\",\"description\":\"for tests\",\"audiences\":[\"" + audience + "\"]}");
        assertThat(r.status()).as("201 Created, as Okta: " + r.body()).isEqualTo(201);
        return r.json();
    }

    static long events(String type) {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = '" + type + "'");
    }

    @Test
    void createdServerHasOktasShapeAndIsLogged() {
        long created = events("oauth2.as.created");
        String name = unique("Orders API");
        JsonNode s = create(name, "api://orders");
        String id = s.get("id").asText();
        assertThat(id).matches("aus[A-Za-z0-9]{17}");
        assertThat(s.get("name").asText()).isEqualTo(name);
        assertThat(s.get("description").asText()).isEqualTo("for tests");
        assertThat(s.get("audiences")).extracting(JsonNode::asText).containsExactly("api://orders");
        assertThat(s.get("issuer").asText()).isEqualTo(base + "/oauth2/" + id);
        assertThat(s.get("issuerMode").asText()).isEqualTo("ORG_URL");
        assertThat(s.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(s.get("default").asBoolean()).isFalse();
        assertThat(s.get("created").asText()).matches(DATE);
        assertThat(s.get("lastUpdated").asText()).matches(DATE);
        JsonNode signing = s.get("credentials").get("signing");
        assertThat(signing.get("rotationMode").asText()).isEqualTo("AUTO");
        assertThat(Instant.parse(signing.get("nextRotation").asText()))
                .isEqualTo(Instant.parse(signing.get("lastRotated").asText()).plus(Duration.ofDays(90)));
        assertThat(signing.get("kid").asText()).isEqualTo(server.wiring().signingKeys.activeSigner(id).kid());
        String self = base + "/api/v1/authorizationServers/" + id;
        JsonNode links = s.get("_links");
        assertThat(links.get("self").get("href").asText()).isEqualTo(self);
        assertThat(links.get("scopes").get("href").asText()).isEqualTo(self + "/scopes");
        assertThat(links.get("claims").get("href").asText()).isEqualTo(self + "/claims");
        assertThat(links.get("policies").get("href").asText()).isEqualTo(self + "/policies");
        assertThat(links.get("rotateKey").get("href").asText()).isEqualTo(self + "/credentials/lifecycle/keyRotate");
        assertThat(links.get("keys").get("href").asText()).isEqualTo(self + "/credentials/keys");
        assertThat(links.get("deactivate").get("href").asText()).isEqualTo(self + "/lifecycle/deactivate");
        assertThat(links.get("metadata")).extracting(m -> m.get("href").asText()).containsExactly(
                base + "/oauth2/" + id + "/.well-known/oauth-authorization-server", base + "/oauth2/" + id + "/.well-known/openid-configuration");
        assertThat(api.send("GET", "/api/v1/authorizationServers/" + id, null).json()).isEqualTo(s);
        assertThat(events("oauth2.as.created")).isEqualTo(created + 1);
    }

    @Test
    void defaultIsThereWithOktasIdNameAndAudience() {
        JsonNode d = api.send("GET", "/api/v1/authorizationServers/default", null).json();
        assertThat(d.get("id").asText()).isEqualTo("default");
        assertThat(d.get("name").asText()).isEqualTo("default");
        assertThat(d.get("audiences")).extracting(JsonNode::asText).containsExactly("api://default");
        assertThat(d.get("issuer").asText()).isEqualTo(base + "/oauth2/default");
        assertThat(d.get("default").asBoolean()).isTrue();
    }

    @Test
    void theOrgServerIsNotPartOfTheApi() {
        assertOktaError(api.send("GET", "/api/v1/authorizationServers/org", null), 404, "E0000007");
        assertOktaError(api.send("GET", "/api/v1/authorizationServers/org/scopes", null), 404, "E0000007");
        List<String> ids = new ArrayList<>();
        api.send("GET", "/api/v1/authorizationServers", null).json().forEach(s -> ids.add(s.get("id").asText()));
        assertThat(ids).contains("default").doesNotContain("org");
    }

    @Test
    void listFindsServersByNameOrAudienceAndPages() {
        String tag = unique("Paging").replace(" ", "-").toLowerCase();
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(create(tag + " " + i, "api://" + (i == 2 ? "other-" + tag : "x")).get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String next = "/api/v1/authorizationServers?limit=2&q=" + tag.toUpperCase();
        int pages = 0;
        while (next != null) {
            Http.Response r = api.send("GET", next, null);
            assertThat(r.status()).isEqualTo(200);
            r.json().forEach(s -> seen.add(s.get("id").asText()));
            String link = r.header("Link");
            next = link != null && link.contains("rel=\"next\"")
                    ? link.replaceAll(".*<([^>]+)>; rel=\"next\".*", "$1").replace(base, "") : null;
            pages++;
        }
        assertThat(pages).isEqualTo(2);
        assertThat(seen).containsExactlyElementsOf(made.stream().sorted().toList());
        JsonNode byAudience = api.send("GET", "/api/v1/authorizationServers?q=other-" + tag, null).json();
        assertThat(byAudience).extracting(s -> s.get("id").asText()).containsExactly(made.get(2));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no name | {\"audiences\":[\"api://a\"]} | name: The field cannot be left blank",
            "blank name | {\"name\":\" \",\"audiences\":[\"api://a\"]} | name: The field cannot be left blank",
            "number name | {\"name\":12,\"audiences\":[\"api://a\"]} | name: Does not match required type: string",
            "no audience | {\"name\":\"No audience\"} | audiences: An audience is required, e.g. api://default",
            "two audiences | {\"name\":\"Two\",\"audiences\":[\"api://a\",\"api://b\"]} | audiences: Only one audience is supported",
            "audience not a list | {\"name\":\"Str\",\"audiences\":\"api://a\"} | audiences: Must be an array of strings",
            "bad rotation mode | {\"name\":\"Rot\",\"audiences\":[\"api://a\"],\"credentials\":{\"signing\":{\"rotationMode\":\"SOMETIMES\"}}} | credentials.signing.rotationMode: Must be AUTO or MANUAL",
            "duplicate of default | {\"name\":\"DEFAULT\",\"audiences\":[\"api://a\"]} | name: An object with this field already exists in the current organization",
    })
    void invalidServerIsRejectedAndChangesNothing(String why, String body, String cause) {
        long servers = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_servers");
        long allEvents = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events");
        Http.Response r = api.send("POST", "/api/v1/authorizationServers", body);
        assertOktaError(r, 400, "E0000001");
        assertThat(r.json().get("errorCauses").get(0).get("errorSummary").asText()).isEqualTo(cause);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_servers")).isEqualTo(servers);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events")).isEqualTo(allEvents);
    }

    @Test
    void updateReplacesNameAudienceAndRotationMode() {
        JsonNode s = create(unique("Before"), "api://before");
        String id = s.get("id").asText();
        long updates = events("oauth2.as.updated");
        String name = unique("After");
        Http.Response r = api.send("PUT", "/api/v1/authorizationServers/" + id, "{\"name\":\"" + name + "\",\"audiences\":[\"api://after\"],"
                + "\"credentials\":{\"signing\":{\"rotationMode\":\"MANUAL\"}}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("name").asText()).isEqualTo(name);
        assertThat(r.json().has("description")).as("replaced without one: left out, never null").isFalse();
        assertThat(r.json().get("audiences").get(0).asText()).isEqualTo("api://after");
        assertThat(r.json().get("issuer").asText()).isEqualTo(s.get("issuer").asText());
        JsonNode signing = r.json().get("credentials").get("signing");
        assertThat(signing.get("rotationMode").asText()).isEqualTo("MANUAL");
        assertThat(signing.has("nextRotation")).isFalse();
        assertThat(signing.get("kid").asText()).as("switching modes keeps the active key").isEqualTo(s.get("credentials").get("signing").get("kid").asText());
        assertThat(events("oauth2.as.updated")).isEqualTo(updates + 1);
        assertOktaError(api.send("PUT", "/api/v1/authorizationServers/" + id, "{\"name\":\"\",\"audiences\":[\"api://after\"]}"), 400, "E0000001");
    }

    @Test
    void lifecycleAnswers204AndLogsOnlyRealChanges() {
        String id = create(unique("Lifecycle"), "api://l").get("id").asText();
        long deactivated = events("oauth2.as.deactivated");
        long activated = events("oauth2.as.activated");
        assertThat(api.send("POST", "/api/v1/authorizationServers/" + id + "/lifecycle/deactivate", null).status()).isEqualTo(204);
        assertThat(api.send("POST", "/api/v1/authorizationServers/" + id + "/lifecycle/deactivate", null).status()).isEqualTo(204);
        JsonNode inactive = api.send("GET", "/api/v1/authorizationServers/" + id, null).json();
        assertThat(inactive.get("status").asText()).isEqualTo("INACTIVE");
        assertThat(inactive.get("_links").has("activate")).isTrue();
        assertThat(events("oauth2.as.deactivated")).isEqualTo(deactivated + 1);
        assertThat(api.send("POST", "/api/v1/authorizationServers/" + id + "/lifecycle/activate", null).status()).isEqualTo(204);
        assertThat(events("oauth2.as.activated")).isEqualTo(activated + 1);
        assertOktaError(api.send("POST", "/api/v1/authorizationServers/" + id + "/lifecycle/suspend", null), 404, "E0000007");
    }

    @Test
    void onlyAnInactiveServerCanBeDeletedAndItTakesScopesAndKeysAlong() {
        String id = create(unique("Doomed"), "api://doomed").get("id").asText();
        Http.Response active = api.send("DELETE", "/api/v1/authorizationServers/" + id, null);
        assertOktaError(active, 400, "E0000001");
        assertThat(active.json().get("errorCauses").get(0).get("errorSummary").asText())
                .isEqualTo("status: The authorization server must be deactivated before it can be deleted");
        api.send("POST", "/api/v1/authorizationServers/" + id + "/lifecycle/deactivate", null);
        long deleted = events("oauth2.as.deleted");
        assertThat(api.send("DELETE", "/api/v1/authorizationServers/" + id, null).status()).isEqualTo(204);
        assertOktaError(api.send("GET", "/api/v1/authorizationServers/" + id, null), 404, "E0000007");
        assertThat(events("oauth2.as.deleted")).isEqualTo(deleted + 1);
        for (String table : List.of("authorization_server_scopes", "signing_keys", "signing_key_schedules")) {
            assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM " + table + " WHERE authorization_server_id = '" + id + "'"))
                    .as(table).isZero();
        }
        assertOktaError(api.send("DELETE", "/api/v1/authorizationServers/" + id, null), 404, "E0000007");
    }

    @Test
    void defaultCannotBeDeleted() {
        Http.Response r = api.send("DELETE", "/api/v1/authorizationServers/default", null);
        assertOktaError(r, 403, "E0000006");
        assertThat(api.send("GET", "/api/v1/authorizationServers/default", null).status()).isEqualTo(200);
    }

    @Test
    void tokenLifetimesAreKeptPerServerAndChangesAreLogged() {
        String id = create(unique("Lifetimes"), "api://lifetimes").get("id").asText();
        var servers = server.wiring().authorizationServers;
        assertThat(servers.find(id).orElseThrow().lifetimes()).isEqualTo(TokenLifetimes.DEFAULTS);
        long updates = events("oauth2.as.updated");
        TokenLifetimes shorter = TokenLifetimes.ofMinutes(5, 10, 30, 120);
        servers.updateLifetimes(dev.gatehouse.syslog.EventContext.system("test"), id, shorter);
        assertThat(servers.find(id).orElseThrow().lifetimes()).isEqualTo(shorter);
        assertThat(servers.find("default").orElseThrow().lifetimes()).isEqualTo(TokenLifetimes.DEFAULTS);
        assertThat(events("oauth2.as.updated")).isEqualTo(updates + 1);
    }

    @Test
    void theApiNeedsAnApiToken() {
        assertOktaError(server.http().get("/api/v1/authorizationServers"), 401, "E0000011");
        assertOktaError(server.http().get("/api/v1/authorizationServers", "Authorization", "SSWS nope"), 401, "E0000011");
    }
}
