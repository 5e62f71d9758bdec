package dev.gatehouse.syslog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.LogEvent.Outcome;
import dev.gatehouse.syslog.LogEvent.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static dev.gatehouse.support.Http.ssws;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/v1/logs}: Okta's LogEvent shape and every query parameter, on each database. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class LogsHttpTest {

    private static final String CHROME = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static Http http;
    /** Events of the filter table, seeded once: name → uuid. */
    static Map<String, String> seeded;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        http = server.http();
        Actor alice = Actor.user("00uAliceAAAAAAAAAAAA", "alice@example.com", "Alice Able");
        Actor bob = Actor.user("00uBobBBBBBBBBBBBBBB", "bob@example.com", "Bob Baker");
        Target app = new Target("0oaApp11111111111111", "AppInstance", "Payroll \"EU\"", "Payroll");
        Target group = new Target("00gGroup222222222222", "UserGroup", "Admins", "Admins");
        seeded = Map.of(
                "a", record(alice, new SystemLog.Entry("test.filter.a", "Alpha happened", Severity.INFO, Outcome.SUCCESS, List.of(app), Map.of())),
                "b", record(bob, new SystemLog.Entry("test.filter.b", "Beta failed", Severity.WARN, Outcome.failure("INVALID_CREDENTIALS"),
                        List.of(group), Map.of())),
                "c", record(alice, new SystemLog.Entry("test.filter.c", "Gamma failed on Payroll", Severity.ERROR, Outcome.failure("ERROR"),
                        List.of(app, group), Map.of())));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    /** Records one event through the real System Log, now by the server's clock; returns its uuid. */
    static String record(Actor actor, SystemLog.Entry entry) {
        return server.wiring().db.tx(h -> {
            server.wiring().systemLog.record(h, new EventContext(actor, "203.0.113.7", CHROME, "req" + UUID.randomUUID(), "/test"), entry);
            return h.createQuery("SELECT uuid FROM system_log_events ORDER BY seq DESC LIMIT 1").mapTo(String.class).one();
        });
    }

    static String record(String eventType) {
        return record(Actor.SYSTEM, SystemLog.Entry.success(eventType, "Test event " + eventType));
    }

    static Http.Response logs(String query) {
        return http.get("/api/v1/logs" + (query.isEmpty() ? "" : "?" + query), ssws(TestServer.API_TOKEN));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static List<String> uuids(JsonNode events) {
        return StreamSupport.stream(events.spliterator(), false).map(e -> e.get("uuid").asText()).toList();
    }

    static String next(Http.Response r) {
        Matcher m = Pattern.compile("<([^>]+)>; rel=\"next\"").matcher(r.header("Link"));
        return m.find() ? m.group(1) : null;
    }

    @Test
    void aSignInEventHasOktasLogEventShape() {
        Browser b = server.browser();
        Http.Response signIn = b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin");
        assertThat(signIn.status()).isEqualTo(303);
        Http.Response r = logs("sortOrder=DESCENDING&limit=1&filter=" + enc("eventType eq \"user.session.start\" and outcome.result eq \"SUCCESS\""));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode e = r.json().get(0);
        assertThat(e.get("uuid").asText()).matches("[0-9a-f-]{36}");
        assertThat(e.get("published").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(e.get("eventType").asText()).isEqualTo("user.session.start");
        assertThat(e.get("version").asText()).isEqualTo("0");
        assertThat(e.get("severity").asText()).isEqualTo("INFO");
        assertThat(e.get("displayMessage").asText()).isEqualTo("User login to Okta");
        assertThat(e.get("actor").get("type").asText()).isEqualTo("User");
        assertThat(e.get("actor").get("alternateId").asText()).isEqualTo(TestServer.ADMIN);
        assertThat(e.get("actor").get("id").asText()).startsWith("00u");
        JsonNode client = e.get("client");
        assertThat(client.get("ipAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(client.get("userAgent").get("rawUserAgent").asText()).startsWith("Java-http-client");
        assertThat(client.get("userAgent").has("os")).isTrue();
        assertThat(client.get("userAgent").has("browser")).isTrue();
        assertThat(client.has("geographicalContext")).as("unknown, and Okta's schema has no null for it: left out").isFalse();
        assertThat(e.has("device")).as("not in Okta's LogEvent schema").isFalse();
        assertThat(e.get("outcome").get("result").asText()).isEqualTo("SUCCESS");
        assertThat(e.get("outcome").has("reason")).isTrue();
        JsonNode session = e.get("target").get(0);
        assertThat(session.get("type").asText()).isEqualTo("Session");
        JsonNode tx = e.get("transaction");
        assertThat(tx.get("type").asText()).isEqualTo("WEB");
        assertThat(tx.get("id").asText()).isEqualTo(signIn.header("X-Okta-Request-Id"));
        assertThat(tx.get("detail").isObject()).isTrue();
        assertThat(e.get("authenticationContext").get("authenticationStep").asInt()).isZero();
        assertThat(e.get("authenticationContext").get("externalSessionId").asText()).isEqualTo(session.get("id").asText());
        JsonNode debug = e.get("debugContext").get("debugData");
        assertThat(debug.get("requestId").asText()).isEqualTo(tx.get("id").asText());
        assertThat(debug.get("requestUri").asText()).isEqualTo("/signin");
        assertThat(e.get("request").get("ipChain").get(0).get("ip").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void theUserAgentIsReadIntoOsAndBrowser() {
        JsonNode e = logs("filter=" + enc("uuid eq \"" + seeded.get("a") + "\"")).json().get(0);
        JsonNode ua = e.get("client").get("userAgent");
        assertThat(ua.get("rawUserAgent").asText()).isEqualTo(CHROME);
        assertThat(ua.get("os").asText()).isEqualTo("Mac OS X");
        assertThat(ua.get("browser").asText()).isEqualTo("CHROME");
        assertThat(e.get("client").get("device").asText()).isEqualTo("Computer");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            eventType eq "test.filter.a"                                              | a
            outcome.result eq "FAILURE" and eventType sw "test.filter."               | b c
            actor.id eq "00uAliceAAAAAAAAAAAA"                                        | a c
            actor.alternateId eq "BOB@example.com"                                    | b
            target.id eq "00gGroup222222222222"                                       | b c
            target.alternateId eq "Payroll \\"EU\\""                                  | a c
            target.id ne "00gGroup222222222222" and eventType sw "test.filter."       | a
            severity eq "WARN" and eventType sw "test.filter."                        | b
            eventType eq "test.filter.a" or eventType eq "test.filter.c"              | a c
            not (eventType eq "test.filter.a") and eventType sw "test.filter."        | b c
            outcome.reason eq "INVALID_CREDENTIALS"                                   | b
            displayMessage co "Payroll" and eventType sw "test.filter."               | c
            eventType sw "test.filter." and (severity eq "ERROR" or actor.displayName eq "bob baker") | b c
            eventType sw "test.filter." and published lt "2000-01-01T00:00:00.000Z"   |
            """)
    void filterSupportsOktasCommonExpressions(String filter, String expected) {
        Http.Response r = logs("filter=" + enc(filter));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> want = expected == null ? List.of() : Arrays.stream(expected.split(" ")).map(seeded::get).toList();
        assertThat(uuids(r.json())).containsExactlyInAnyOrderElementsOf(want);
    }

    @Test
    void qFindsEveryKeywordInAnyCase() {
        assertThat(uuids(logs("q=" + enc("GAMMA payroll")).json())).containsExactly(seeded.get("c"));
        assertThat(uuids(logs("q=" + enc("failed")).json())).contains(seeded.get("b"), seeded.get("c")).doesNotContain(seeded.get("a"));
        assertThat(uuids(logs("q=" + enc("bob@example INVALID_CREDENTIALS")).json())).containsExactly(seeded.get("b"));
        assertThat(uuids(logs("q=" + enc("Gamma nowhere-to-be-found")).json())).isEmpty();
        assertThat(uuids(logs("q=" + enc("100%_!")).json())).as("LIKE characters are plain text").isEmpty();
    }

    @Test
    void sinceAndUntilBoundThePublishedTime() {
        String type = "test.window." + UUID.randomUUID();
        Instant t0 = server.clock.instant();
        String first = record(type);
        server.clock.advance(Duration.ofHours(1));
        String second = record(type);
        server.clock.advance(Duration.ofHours(1));
        String third = record(type);
        String f = "&filter=" + enc("eventType eq \"" + type + "\"");
        assertThat(uuids(logs("since=" + enc(t0.plus(Duration.ofMinutes(30)).toString()) + "&until="
                + enc(t0.plus(Duration.ofMinutes(90)).toString()) + f).json())).containsExactly(second);
        assertThat(uuids(logs("until=" + enc(t0.plus(Duration.ofMinutes(90)).toString()) + f).json())).containsExactly(first, second);
        assertThat(uuids(logs("since=" + enc(t0.plus(Duration.ofHours(1)).toString()) + f).json()))
                .as("since is inclusive").containsExactly(second, third);
        String withOffset = t0.plus(Duration.ofMinutes(30)).atOffset(java.time.ZoneOffset.ofHours(-7)).toString();
        assertThat(uuids(logs("since=" + enc(withOffset) + f).json())).as("offsets as Okta's example").containsExactly(second, third);
    }

    @Test
    void sinceDefaultsToSevenDaysBeforeNow() {
        String type = "test.default-since." + UUID.randomUUID();
        String old = record(type);
        server.clock.advance(Duration.ofDays(8));
        String recent = record(type);
        String f = "filter=" + enc("eventType eq \"" + type + "\"");
        assertThat(uuids(logs(f).json())).containsExactly(recent);
        assertThat(uuids(logs(f + "&sortOrder=DESCENDING").json())).containsExactly(recent);
        assertThat(uuids(logs(f + "&since=" + enc(server.clock.instant().minus(Duration.ofDays(9)).toString())).json()))
                .containsExactly(old, recent);
    }

    @Test
    void limitAndAfterPageThroughLinkHeadersInEitherOrder() {
        String type = "test.paging." + UUID.randomUUID();
        List<String> recorded = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            recorded.add(record(type));
            server.clock.advance(Duration.ofSeconds(1));
        }
        String until = enc(server.clock.instant().plusSeconds(60).toString());
        String f = "filter=" + enc("eventType eq \"" + type + "\"") + "&until=" + until + "&limit=2";
        assertThat(follow("/api/v1/logs?" + f)).containsExactlyElementsOf(recorded);
        assertThat(follow("/api/v1/logs?" + f + "&sortOrder=DESCENDING")).containsExactlyElementsOf(recorded.reversed());
    }

    /** Follows rel="next" until a bounded query ends; every page has at most 2 events. */
    private static List<String> follow(String first) {
        List<String> seen = new ArrayList<>();
        String url = first;
        int pages = 0;
        while (url != null) {
            Http.Response r = http.get(url, ssws(TestServer.API_TOKEN));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.header("Link")).contains("rel=\"self\"");
            assertThat(r.json().size()).isLessThanOrEqualTo(2);
            seen.addAll(uuids(r.json()));
            url = next(r);
            assertThat(++pages).as("paging ends").isLessThan(10);
        }
        return seen;
    }

    @Test
    void aPollingRequestAlwaysLinksToTheNextEvents() {
        String type = "test.polling." + UUID.randomUUID();
        String f = "filter=" + enc("eventType eq \"" + type + "\"");
        String first = record(type);
        Http.Response r = logs(f);
        assertThat(uuids(r.json())).containsExactly(first);
        String next = next(r);
        assertThat(next).as("polling: ascending without until").contains("after=");
        Http.Response empty = http.get(next, ssws(TestServer.API_TOKEN));
        assertThat(empty.json()).isEmpty();
        assertThat(next(empty)).isEqualTo(next);
        server.clock.advance(Duration.ofSeconds(1));
        String second = record(type);
        assertThat(uuids(http.get(next, ssws(TestServer.API_TOKEN)).json())).containsExactly(second);
        assertThat(next(logs(f + "&until=" + enc(server.clock.instant().plusSeconds(5).toString()))))
                .as("bounded: no next when everything fit").isNull();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            since=yesterday                                   | E0000030
            until=2026-13-01T00:00:00Z                         | E0000030
            since=2026-01-01                                   | E0000030
            filter=eventType%20eq                              | E0000031
            filter=foo%20eq%20%22x%22                          | E0000031
            filter=target.id%20co%20%22x%22                    | E0000031
            filter=published%20gt%20%22soon%22                 | E0000031
            filter=eventType%20eq%20%22a%22%20and%20(          | E0000031
            filter=severity%20eq%2042                          | E0000031
            sortOrder=SIDEWAYS                                 | E0000001
            after=not-a-cursor                                 | E0000001
            limit=0                                            | E0000001
            limit=many                                         | E0000001
            q=a%20b%20c%20d%20e%20f%20g%20h%20i%20j%20k         | E0000001
            since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z | E0000001
            """)
    void badInputIsAnOktaErrorAndChangesNothing(String query, String code) {
        long events = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events");
        Http.Response r = logs(query);
        assertOktaError(r, 400, code);
        if (code.equals("E0000030")) {
            assertThat(r.json().get("errorSummary").asText()).startsWith("Bad request. Invalid date.");
        }
        if (code.equals("E0000031")) {
            assertThat(r.json().get("errorSummary").asText()).isEqualTo("Invalid search criteria.");
            assertThat(r.json().get("errorCauses").get(0).get("errorSummary").asText()).startsWith("filter: Invalid filter");
        }
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events")).isEqualTo(events);
    }

    @Test
    void theLogNeedsAnApiToken() {
        Http.Response r = http.get("/api/v1/logs");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).doesNotContain("eventType");
    }
}
