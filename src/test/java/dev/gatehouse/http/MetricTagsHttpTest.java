package dev.gatehouse.http;

import dev.gatehouse.support.Http;
import dev.gatehouse.support.RawHttp;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outside review, finding 3: the {@code http.server.requests} timer was tagged with the method exactly as sent, so
 * 2,000 requests with invented methods made thousands of series (~5 KB of heap each), without signing in. Now every
 * tag takes values from a fixed set: the standard methods or {@code OTHER}, a registered route template or
 * {@code unmatched}, a status from 100 to 599. Sent over raw sockets: the JDK's client refuses invented methods.
 * Metrics do not touch the database, so this runs on H2 only.
 */
class MetricTagsHttpTest {

    private static final Pattern SERIES = Pattern.compile("^http_server_requests_seconds_count\\{([^}]*)}", Pattern.MULTILINE);

    static TestServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2);
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void twoThousandInventedMethodsAddAtMostAFewSeries() throws IOException {
        List<String> paths = List.of("/health/live", "/oauth2/v1/token", "/api/v1/users", "/signin", "/no-such-page");
        for (int i = 0; i < paths.size(); i++) {
            send(3, paths.get(i), "GET");   // the standard method's series exist before the count starts
        }
        Set<String> before = series();

        int sent = 0;
        while (sent < 2_000) {
            try (Socket s = RawHttp.plain(server.wiring().port())) {
                for (int i = 0; i < 100 && sent < 2_000; i++, sent++) {
                    String method = "M" + Integer.toString(sent, 36).toUpperCase() + "X" + sent;
                    RawHttp.write(s, method + " " + paths.get(sent % paths.size()) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
                    RawHttp.Reply r = RawHttp.read(s.getInputStream());
                    assertThat(r.status()).as(method).isBetween(400, 499);
                    if ("close".equalsIgnoreCase(r.header("Connection"))) {
                        sent++;
                        break;
                    }
                }
            }
        }
        Set<String> after = series();

        Set<String> added = new TreeSet<>(after);
        added.removeAll(before);
        System.out.printf("MEASURE http_server_requests series: %d before, %d after 2,000 invented methods, added %s%n",
                before.size(), after.size(), added);
        assertThat(added).as("series added by 2,000 invented methods").hasSizeLessThanOrEqualTo(paths.size() * 2)
                .allSatisfy(s -> assertThat(s).contains("method=\"OTHER\""));
        assertThat(after.stream().filter(s -> s.contains("method=\"M")).toList()).as("no invented method is a tag value").isEmpty();
    }

    @Test
    void distinctPathsAndStandardMethodsDoNotMultiplySeriesEither() throws IOException {
        send(2, "/no-such-page-0", "GET");
        send(2, "/assets/missing-0.css", "GET");
        Set<String> before = series();

        for (int i = 1; i <= 300; i++) {
            send(1, "/no-such-page-" + i, i % 2 == 0 ? "GET" : "DELETE");
            send(1, "/assets/missing-" + i + ".css", "GET");
            send(1, "/api/v1/users/00u" + i, "GET");   // a route template: one series whatever the id
        }
        Set<String> added = new TreeSet<>(series());
        added.removeAll(before);

        assertThat(added).as("new series").hasSizeLessThanOrEqualTo(4);
        assertThat(series()).noneMatch(s -> s.contains("no-such-page") || s.contains("missing-") || s.contains("00u1"));
    }

    private static void send(int times, String path, String method) throws IOException {
        for (int i = 0; i < times; i++) {
            RawHttp.exchange(RawHttp.plain(server.wiring().port()), method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        }
    }

    private static Set<String> series() {
        Http.Response r = http.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        Set<String> out = new TreeSet<>();
        Matcher m = SERIES.matcher(r.body());
        while (m.find()) {
            out.add(m.group(1));
        }
        assertThat(out).as("the timer is exported").isNotEmpty();
        return out;
    }
}
