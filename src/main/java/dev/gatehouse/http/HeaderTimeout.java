package dev.gatehouse.http;

import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.NanoTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Closes a connection whose request line and headers are not complete within the header timeout of their first byte
 * ({@code GATEHOUSE_HEADER_TIMEOUT_SECONDS}). Jetty's idle timeout restarts at every byte, so without this a client
 * that sends one header byte every few seconds ("slowloris") holds a connection, and a place under the connection
 * limit, for hours. Jetty 12 has no such setting (its {@code minRequestDataRate} applies to the body), so one sweeper
 * looks at every open connection a few times per timeout and closes those whose HTTP parser has been inside a request
 * header for too long; the parser records when the request's first byte arrived ({@code HttpParser#getBeginNanoTime}).
 * A connection waiting between requests (parser at START) is the idle timeout's business, not this one's. Closing is
 * silent, as nginx and Apache do for a header timeout: a client that never finished its request gets no response.
 *
 * <p>Reads Jetty's parser from another thread without a lock: at worst a stale read delays a close by one sweep.
 * {@code ConnectionTimeoutsHttpTest} fails if a Jetty upgrade changes the classes this relies on.
 */
final class HeaderTimeout implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeaderTimeout.class);

    private final long timeoutNanos;
    private final Supplier<List<Connector>> connectors;
    private final ScheduledExecutorService sweeper;

    HeaderTimeout(Duration timeout, Supplier<List<Connector>> connectors) {
        this.timeoutNanos = timeout.toNanos();
        this.connectors = connectors;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("header-timeout").unstarted(r));
        long period = Math.clamp(timeout.toMillis() / 8, 50, 1000);
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            for (Connector connector : connectors.get()) {
                for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                    HttpParser parser = parser(endPoint.getConnection());
                    if (parser != null && !parser.isStart() && parser.inHeaderState()
                            && NanoTime.since(parser.getBeginNanoTime()) > timeoutNanos) {
                        LOG.info("Closed a connection from {}: its request header was not complete within the header timeout",
                                endPoint.getRemoteSocketAddress());
                        endPoint.close();
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Header-timeout sweep failed; the next one runs as scheduled", e);
        }
    }

    /** The HTTP/1 parser of a plain or TLS connection, or null for anything else (e.g. a TLS handshake's other side). */
    private static HttpParser parser(Connection connection) {
        Connection c = connection instanceof SslConnection ssl ? ssl.getSslEndPoint().getConnection() : connection;
        return c instanceof HttpConnection http ? http.getParser() : null;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
