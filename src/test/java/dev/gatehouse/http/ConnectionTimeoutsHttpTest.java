package dev.gatehouse.http;

import dev.gatehouse.support.RawHttp;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.support.TrustedHttps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Outside review, finding 8: Jetty had no connection limit and only its default idle timeout, so a client could hold
 * connections open without end, e.g. by sending a request header one byte at a time. The server here runs with
 * {@code --max-connections 3 --idle-timeout-seconds 6 --header-timeout-seconds 1} and an HTTPS port, and each limit is
 * shown to apply over raw sockets (the header timeout over HTTP and HTTPS, the connection limit across both), together
 * with the legitimate request that still gets through. Connection handling does not touch
 * the database, so this runs on H2 only. Only raw sockets talk to this server: an HTTP client's pooled connections
 * would count against the limit of 3.
 */
class ConnectionTimeoutsHttpTest {

    static final int IDLE_SECONDS = 6;

    static TrustedHttps https;
    static TestServer server;

    @BeforeAll
    static void start() {
        https = TrustedHttps.start(TestDatabase.H2, "--max-connections", "3", "--idle-timeout-seconds", Integer.toString(IDLE_SECONDS),
                "--header-timeout-seconds", "1");
        server = https.server;
    }

    @AfterAll
    static void stop() {
        https.close();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "TLS {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aHeaderSentOneByteAtATimeIsCutOffAfterTheHeaderTimeout(boolean tls) throws IOException {
        try (Socket s = tls ? tlsSocket() : socket()) {
            s.setSoTimeout(150);
            long start = System.nanoTime();
            RawHttp.write(s, "GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
            boolean closed = false;
            while (!closed && millisSince(start) < 5_000) {
                try {
                    RawHttp.write(s, "a");   // a byte every ~150 ms: the idle timeout alone would never fire
                } catch (IOException reset) {
                    closed = true;
                    break;
                }
                closed = RawHttp.closedByServer(s);
            }
            long elapsed = millisSince(start);
            assertThat(closed).as("closed by the server").isTrue();
            assertThat(elapsed).as("ms until closed; header timeout 1 s, idle timeout %d s", IDLE_SECONDS).isBetween(900L, 3_500L);
        }
    }

    @Test
    void aHeaderThatArrivesInPiecesWithinTheTimeoutIsServed() throws Exception {
        try (Socket s = socket()) {
            RawHttp.write(s, "GET /health/live HTTP/1.1\r\n");
            Thread.sleep(300);
            RawHttp.write(s, "Host: localhost\r\n");
            Thread.sleep(300);
            RawHttp.write(s, "Connection: close\r\n\r\n");
            assertThat(RawHttp.read(s.getInputStream()).status()).isEqualTo(200);
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws IOException {
        try (Socket s = socket()) {
            s.setSoTimeout((IDLE_SECONDS + 10) * 1000);
            long start = System.nanoTime();
            assertThat(RawHttp.closedByServer(s)).isTrue();
            assertThat(millisSince(start)).as("ms until closed").isBetween(IDLE_SECONDS * 1000L - 500, IDLE_SECONDS * 1000L + 5_000);
        }
    }

    @Test
    void beyondTheConnectionLimitANewConnectionWaitsUntilOneCloses() throws IOException {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = i == 1 ? tlsSocket() : socket();   // the limit counts both connectors together
                held.add(s);
                RawHttp.write(s, "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");   // kept alive: surely accepted, then idle
                assertThat(RawHttp.read(s.getInputStream()).status()).isEqualTo(200);
            }
            try (Socket fourth = socket()) {
                fourth.setSoTimeout(1_500);
                RawHttp.write(fourth, "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                assertThatThrownBy(() -> RawHttp.read(fourth.getInputStream())).as("not accepted while 3 are open")
                        .isInstanceOf(SocketTimeoutException.class);

                held.removeFirst().close();
                fourth.setSoTimeout(4_000);
                assertThat(RawHttp.read(fourth.getInputStream()).status()).as("accepted once one closed").isEqualTo(200);
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static Socket socket() {
        return RawHttp.plain(server.wiring().port());
    }

    private static Socket tlsSocket() {
        return RawHttp.tls(https.sslContext(), server.wiring().httpsPort());
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
