package dev.gatehouse.reports;

import dev.gatehouse.syslog.LogEvent;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.Target;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.http.Json;
import dev.gatehouse.support.OktaSchema;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Okta's LogEvent JSON for events Gatehouse knows little about, checked against Okta's schema (issue #24). */
class LogEventJsonTest {

    private static LogEvent event(String ip, String userAgent, List<Target> targets) {
        return new LogEvent(1, "0a1b2c3d-0000-4000-8000-000000000001", Instant.parse("2026-01-01T00:00:00Z"), "system.job.run",
                "Job run", LogEvent.Severity.INFO, Actor.SYSTEM, ip, userAgent, LogEvent.Outcome.SUCCESS, targets, "tx1", Map.of());
    }

    private static JsonNode json(LogEvent e) {
        return Json.MAPPER.valueToTree(LogEventJson.of(e));
    }

    private static List<String> differences(JsonNode event) {
        return OktaSchema.get().differences("GET", "/api/v1/logs", 200, "application/json", "[" + event + "]");
    }

    @Test
    void anEventWithoutAClientLeavesOutWhatItDoesNotKnowInsteadOfNull() {
        JsonNode e = json(event(null, null, List.of()));
        assertThat(e.get("client").has("ipAddress")).isFalse();
        assertThat(e.get("client").has("userAgent")).isFalse();
        assertThat(e.get("client").has("geographicalContext")).isFalse();
        assertThat(e.get("client").get("device").asText()).isEqualTo("Unknown");
        assertThat(e.get("authenticationContext").has("externalSessionId")).isFalse();
        assertThat(e.has("device")).isFalse();
        assertThat(e.get("request").get("ipChain")).isEmpty();
        assertThat(differences(e)).isEmpty();
    }

    @Test
    void anEventOfABrowserRequestInASessionCarriesAllOfIt() {
        JsonNode e = json(event("203.0.113.7", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
                List.of(new Target("102sessionid", "Session", "ada@gatehouse.test", "Ada Lovelace"))));
        assertThat(e.get("client").get("ipAddress").asText()).isEqualTo("203.0.113.7");
        assertThat(e.get("client").get("userAgent").get("rawUserAgent").asText()).startsWith("Mozilla/5.0");
        assertThat(e.get("authenticationContext").get("externalSessionId").asText()).isEqualTo("102sessionid");
        assertThat(e.get("request").get("ipChain").get(0).get("ip").asText()).isEqualTo("203.0.113.7");
        assertThat(differences(e)).isEmpty();
    }
}
