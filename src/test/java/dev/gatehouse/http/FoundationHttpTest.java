package dev.gatehouse.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Http;
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

import static dev.gatehouse.support.Http.ssws;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** What every response of every surface gets, and the management API's error answers, on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class FoundationHttpTest {

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

    @Test
    void readinessAndLivenessAnswerUp() {
        assertThat(http.get("/health/ready").status()).isEqualTo(200);
        assertThat(http.get("/health/ready").json().get("database").asText()).isEqualTo("UP");
        assertThat(http.get("/health/live").status()).isEqualTo(200);
    }

    @Test
    void metricsArePrometheusText() {
        http.get("/health/live");
        Http.Response r = http.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        assertThat(r.body()).contains("http_server_requests_seconds_count").contains("jvm_memory_used_bytes");
    }

    @ParameterizedTest
    @CsvSource({"/health/ready", "/", "/api/v1/api-tokens", "/no/such/page", "/api/v1/nothing"})
    void everyResponseCarriesARequestIdAndSecurityHeaders(String path) {
        Http.Response r = http.get(path);
        assertThat(r.header("X-Okta-Request-Id")).matches("[A-Za-z0-9]{27}");
        assertThat(r.header("Content-Security-Policy")).contains("frame-ancestors 'none'").contains("default-src 'self'");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(r.header("Strict-Transport-Security")).as("no HSTS over plain HTTP").isNull();
        assertThat(r.header("Server")).isNull();
    }

    @Test
    void unknownApiPathIsE0000007() {
        Http.Response r = http.get("/api/v1/unknown-thing", ssws(TestServer.API_TOKEN));
        assertOktaError(r, 404, "E0000007");
        assertThat(r.json().get("errorSummary").asText()).startsWith("Not found: ");
    }

    @Test
    void wrongMethodIsE0000022() {
        assertOktaError(http.send("POST", "/api/v1/api-tokens", null, ssws(TestServer.API_TOKEN)), 405, "E0000022");
        assertOktaError(http.send("PATCH", "/api/v1/logs", null, ssws(TestServer.API_TOKEN)), 405, "E0000022");
    }

    @ParameterizedTest
    @CsvSource(nullValues = "none", value = {
            "none", "SSWS", "SSWS wrong-token-value", "Bearer " + TestServer.API_TOKEN, "SSWS " + TestServer.API_TOKEN + "x"})
    void missingOrBadTokenIsE0000011(String authorization) {
        Http.Response r = authorization == null ? http.get("/api/v1/api-tokens") : http.get("/api/v1/api-tokens", "Authorization", authorization);
        assertOktaError(r, 401, "E0000011");
        assertThat(r.json().get("errorSummary").asText()).isEqualTo("Invalid token provided");
    }

    @Test
    void malformedJsonIsE0000003AndChangesNothing() {
        String id = http.get("/api/v1/api-tokens/current", ssws(TestServer.API_TOKEN)).json().get("id").asText();
        long events = eventCount("system.api_token.update");
        for (String body : new String[]{"{\"name\": ", "[1,2]", "not json", "{\"name\":\"x\"} trailing"}) {
            Http.Response r = http.send("PUT", "/api/v1/api-tokens/" + id, body, ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
            assertOktaError(r, 400, "E0000003");
        }
        assertThat(http.get("/api/v1/api-tokens/" + id, ssws(TestServer.API_TOKEN)).json().get("name").asText())
                .isEqualTo("Automation (GATEHOUSE_API_TOKEN)");
        assertThat(eventCount("system.api_token.update")).isEqualTo(events);
    }

    @Test
    void wrongContentTypeOrAcceptIsE0000021() {
        String id = http.get("/api/v1/api-tokens/current", ssws(TestServer.API_TOKEN)).json().get("id").asText();
        assertOktaError(http.send("PUT", "/api/v1/api-tokens/" + id, "name=x",
                "Authorization", "SSWS " + TestServer.API_TOKEN, "Content-Type", "application/x-www-form-urlencoded"), 400, "E0000021");
        assertOktaError(http.get("/api/v1/api-tokens", "Authorization", "SSWS " + TestServer.API_TOKEN, "Accept", "text/html"), 400, "E0000021");
        assertThat(http.get("/api/v1/api-tokens/" + id, ssws(TestServer.API_TOKEN)).json().get("name").asText())
                .isEqualTo("Automation (GATEHOUSE_API_TOKEN)");
    }

    @Test
    void validationErrorsNameTheFieldAndChangeNothing() {
        String id = http.get("/api/v1/api-tokens/current", ssws(TestServer.API_TOKEN)).json().get("id").asText();
        Http.Response r = http.send("PUT", "/api/v1/api-tokens/" + id, "{\"name\":\"  \"}", ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertOktaError(r, 400, "E0000001");
        assertThat(r.json().get("errorSummary").asText()).isEqualTo("Api validation failed: name");
        assertThat(r.json().get("errorCauses").get(0).get("errorSummary").asText()).startsWith("name: ");
    }

    @Test
    void unknownPageIsAReadableHtmlPage() {
        Http.Response r = http.get("/no/such/page");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Type")).startsWith("text/html");
        assertThat(r.body()).contains("Page not found").contains(r.header("X-Okta-Request-Id")).doesNotContain("Exception");
    }

    @Test
    void apiDatesUseOktasFormat() {
        JsonNode token = http.get("/api/v1/api-tokens/current", ssws(TestServer.API_TOKEN)).json();
        assertThat(token.get("created").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    }

    private static long eventCount(String type) {
        return server.wiring().db.read(h -> server.wiring().systemLog.count(h, type));
    }
}
