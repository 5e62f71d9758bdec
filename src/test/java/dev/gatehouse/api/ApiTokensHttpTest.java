package dev.gatehouse.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.gatehouse.support.Http.ssws;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v1/api-tokens}, SSWS authentication, cursor pagination and the System Log API. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class ApiTokensHttpTest {

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

    private static String adminId() {
        return http.get("/api/v1/api-tokens/current", ssws(TestServer.API_TOKEN)).json().get("userId").asText();
    }

    @Test
    void configuredTokenAuthenticatesAndRecordsItsLastUse() {
        JsonNode current = http.get("/api/v1/api-tokens/current", ssws(TestServer.API_TOKEN)).json();
        assertThat(current.get("id").asText()).matches("00T[A-Za-z0-9]{17}");
        assertThat(current.get("tokenWindow").asText()).isEqualTo("P30D");
        assertThat(current.get("_links").get("self").get("href").asText()).endsWith("/api/v1/api-tokens/" + current.get("id").asText());
        assertThat(current.has("token")).as("the value is never echoed").isFalse();
        assertThat(http.get("/api/v1/api-tokens/current", ssws(TestServer.API_TOKEN)).body()).doesNotContain(TestServer.API_TOKEN);
        long used = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM api_tokens WHERE last_used_at IS NOT NULL");
        assertThat(used).isGreaterThanOrEqualTo(1);
    }

    @Test
    void tokensAreStoredOnlyAsHashes() {
        List<String> stored = server.wiring().db.read(h -> h.createQuery("SELECT token_hash FROM api_tokens").mapTo(String.class).list());
        assertThat(stored).isNotEmpty().noneMatch(s -> s.contains(TestServer.API_TOKEN));
    }

    @Test
    void listingPagesWithLinkHeaders() {
        String admin = adminId();
        for (int i = 0; i < 3; i++) {
            server.wiring().apiTokens.create(EventContext.system("test"), admin, "paging " + i);
        }
        List<String> seen = new ArrayList<>();
        String next = "/api/v1/api-tokens?limit=2";
        int pages = 0;
        while (next != null) {
            Http.Response r = http.get(next, ssws(TestServer.API_TOKEN));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().size()).isLessThanOrEqualTo(2);
            r.json().forEach(t -> seen.add(t.get("id").asText()));
            assertThat(r.header("Link")).contains("rel=\"self\"");
            next = nextLink(r.header("Link"));
            pages++;
        }
        assertThat(pages).isGreaterThanOrEqualTo(2);
        assertThat(seen).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void badLimitIsAValidationError() {
        Http.Response r = http.get("/api/v1/api-tokens?limit=abc", ssws(TestServer.API_TOKEN));
        assertOktaError(r, 400, "E0000001");
    }

    @Test
    void revokedTokenIsRefusedAndTheRevocationIsLogged() {
        var created = server.wiring().apiTokens.create(EventContext.system("test"), adminId(), "to revoke");
        assertThat(http.get("/api/v1/api-tokens", ssws(created.value())).status()).isEqualTo(200);
        assertThat(http.send("DELETE", "/api/v1/api-tokens/" + created.token().id(), null, ssws(TestServer.API_TOKEN)).status()).isEqualTo(204);
        assertOktaError(http.get("/api/v1/api-tokens", ssws(created.value())), 401, "E0000011");
        assertOktaError(
                http.send("DELETE", "/api/v1/api-tokens/" + created.token().id(), null, ssws(TestServer.API_TOKEN)), 404, "E0000007");
        JsonNode events = http.get("/api/v1/logs?filter=" + enc("eventType eq \"system.api_token.revoke\""), ssws(TestServer.API_TOKEN)).json();
        assertThat(events).anySatisfy(e -> assertThat(e.get("target").get(0).get("id").asText()).isEqualTo(created.token().id()));
    }

    @Test
    void renameChangesOnlyTheName() {
        var created = server.wiring().apiTokens.create(EventContext.system("test"), adminId(), "before");
        Http.Response r = http.send("PUT", "/api/v1/api-tokens/" + created.token().id(), "{\"name\":\"after\",\"userId\":\"00uSomeoneElse\"}",
                ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("name").asText()).isEqualTo("after");
        assertThat(r.json().get("userId").asText()).isEqualTo(adminId());
    }

    @Test
    void systemLogRecordsTheFirstStart() {
        JsonNode events = http.get("/api/v1/logs?limit=100", ssws(TestServer.API_TOKEN)).json();
        assertThat(events).extracting(e -> e.get("eventType").asText())
                .contains("user.lifecycle.create", "user.lifecycle.activate", "system.api_token.create");
        JsonNode create = events.get(0);
        assertThat(create.get("uuid").asText()).hasSize(36);
        assertThat(create.get("published").asText()).endsWith("Z");
        assertThat(create.get("outcome").get("result").asText()).isEqualTo("SUCCESS");
        assertThat(create.get("actor").get("type").asText()).isNotBlank();
        assertThat(create.get("target").get(0).get("alternateId").asText()).isEqualTo(TestServer.ADMIN);
    }

    private static String nextLink(String link) {
        Matcher m = Pattern.compile("<([^>]+)>; rel=\"next\"").matcher(link);
        return m.find() ? m.group(1).replaceFirst("^https?://[^/]+", "") : null;
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
