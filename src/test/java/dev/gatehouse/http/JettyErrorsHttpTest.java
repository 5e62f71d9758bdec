package dev.gatehouse.http;

import dev.gatehouse.support.RawHttp;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TrustedHttps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.Socket;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outside review, finding 7: the responses Jetty writes itself, before Javalin sees the request (a request line or
 * header it cannot parse, a URI or header block too long, an HTTP version it does not speak), carried neither the
 * security headers nor {@code X-Okta-Request-Id}, and Jetty's page echoed its parser's message. Sent over raw sockets
 * (the JDK's client refuses to write such requests), over HTTP and HTTPS. Jetty's parsing does not touch the database,
 * so this runs on H2 only.
 */
class JettyErrorsHttpTest {

    static TrustedHttps https;

    @BeforeAll
    static void start() {
        https = TrustedHttps.start(TestDatabase.H2);
    }

    @AfterAll
    static void stop() {
        https.close();
    }

    static Stream<Arguments> malformedRequests() {
        String host = "Host: localhost\r\n";
        Stream<Arguments> cases = Stream.of(
                Arguments.of("control character in the request line", "GET /health/live\u0001 HTTP/1.1\r\n" + host + "\r\n", 400),
                Arguments.of("URI too long", "GET /" + "a".repeat(9_000) + " HTTP/1.1\r\n" + host + "\r\n", 414),
                Arguments.of("headers too large", "GET /health/live HTTP/1.1\r\n" + host + "X-Big: " + "b".repeat(9_000) + "\r\n\r\n", 431),
                Arguments.of("header line without a colon", "GET /health/live HTTP/1.1\r\nNot A Header\r\n" + host + "\r\n", 400),
                Arguments.of("no Host", "GET /health/live HTTP/1.1\r\n\r\n", 400),
                Arguments.of("unknown HTTP version", "GET /health/live HTTP/9.9\r\n" + host + "\r\n", 505),
                Arguments.of("Content-Length not a number", "POST /oauth2/v1/token HTTP/1.1\r\n" + host + "Content-Length: abc\r\n\r\n", 400),
                Arguments.of("Content-Length and chunked", "POST /oauth2/v1/token HTTP/1.1\r\n" + host
                        + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
                Arguments.of("bad percent-encoding", "GET /%ZZ HTTP/1.1\r\n" + host + "\r\n", 400),
                Arguments.of("path escaping the root", "GET /a/../../admin HTTP/1.1\r\n" + host + "\r\n", 400));
        return cases.flatMap(c -> Stream.of(false, true).map(tls -> Arguments.of(c.get()[0], c.get()[1], c.get()[2], tls)));
    }

    @ParameterizedTest(name = "{0}, TLS {3}")
    @MethodSource("malformedRequests")
    void jettysOwnErrorCarriesTheSecurityHeadersARequestIdAndNothingInternal(String what, String request, int status, boolean tls) {
        RawHttp.Reply r = RawHttp.exchange(socket(tls), request);

        assertThat(r.status()).as(what).isEqualTo(status);
        assertSecurityHeaders(r, tls);
        String id = r.header("X-Okta-Request-Id");
        assertThat(id).as("request id").matches("[A-Za-z0-9]{27}");
        assertThat(r.body()).as("a short text with the status and the id").hasSizeLessThan(200).contains(Integer.toString(status)).contains(id)
                .doesNotContainIgnoringCase("jetty").doesNotContainIgnoringCase("illegal").doesNotContain("<");
        assertThat(r.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(r.header("Server")).isNull();
    }

    @ParameterizedTest(name = "TLS {0}")
    @MethodSource("tlsOrNot")
    void aWellFormedRequestOverARawSocketGetsTheSameHeadersFromGatehouse(boolean tls) {
        RawHttp.Reply r = RawHttp.exchange(socket(tls), "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(r.status()).isEqualTo(200);
        assertSecurityHeaders(r, tls);
        assertThat(r.header("X-Okta-Request-Id")).matches("[A-Za-z0-9]{27}");
    }

    static Stream<Boolean> tlsOrNot() {
        return Stream.of(false, true);
    }

    private static Socket socket(boolean tls) {
        return tls ? RawHttp.tls(https.sslContext(), https.server.wiring().httpsPort()) : RawHttp.plain(https.server.wiring().port());
    }

    static void assertSecurityHeaders(RawHttp.Reply r, boolean tls) {
        assertThat(r.header("Content-Security-Policy")).isEqualTo(HttpServer.CSP);
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.header("Strict-Transport-Security")).as("HSTS only over HTTPS").isEqualTo(tls ? "max-age=31536000" : null);
    }
}
