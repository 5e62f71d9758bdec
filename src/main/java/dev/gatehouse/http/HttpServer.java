package dev.gatehouse.http;

import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.storage.Ids;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Javalin on Jetty 12 with virtual threads: the plain HTTP connector, an optional HTTPS one, and
 * what every response gets whatever the surface (request id, security headers, access log,
 * metrics, error mapping). The surfaces themselves come in as {@link Routes}.
 *
 * <p>Jetty's own limits: at most {@code GATEHOUSE_MAX_CONNECTIONS} connections open at once over both connectors
 * (beyond that Jetty stops accepting, and new connections wait in the listen backlog until one closes), an idle
 * timeout ({@code GATEHOUSE_IDLE_TIMEOUT_SECONDS}) and a header timeout ({@code GATEHOUSE_HEADER_TIMEOUT_SECONDS},
 * {@link HeaderTimeout}); the responses Jetty writes itself carry the same headers as every other ({@link JettyErrors}).
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger ACCESS = LoggerFactory.getLogger("gatehouse.access");

    /** Default Content-Security-Policy; a page that needs more (e.g. a post-message relay) sets its own. */
    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    /** The methods the {@code method} tag names; any other (a client may invent one) is counted as {@code OTHER}. */
    static final Set<String> STANDARD_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    private final Javalin app;
    private final GatehouseConfig config;
    private ServerConnector httpConnector;
    private ServerConnector httpsConnector;
    private HeaderTimeout headerTimeout;

    public HttpServer(GatehouseConfig config, Optional<Tls.Material> tls, Ids ids, ErrorMapper errors,
                      MeterRegistry metrics, List<Routes> surfaces) {
        this.config = config;
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.concurrency.useVirtualThreads = true;
            c.jsonMapper(new Json());
            c.http.prefer405over404 = true;
            c.http.maxRequestSize = 1_000_000;
            c.router.ignoreTrailingSlashes = true;
            c.jetty.modifyServer(server -> {
                server.setStopTimeout(TimeUnit.SECONDS.toMillis(10));
                server.setErrorHandler(new JettyErrors(ids));
                // Counts the connections of every connector of the server together (HTTP and HTTPS).
                server.addBean(new NetworkConnectionLimit(config.maxConnections(), server));
            });
            c.jetty.modifyHttpConfiguration(hc -> {
                hc.setSendServerVersion(false);
                hc.setSendXPoweredBy(false);
            });
            c.staticFiles.add(sf -> {
                sf.hostedPath = "/assets";
                sf.directory = "/public";
                sf.location = Location.CLASSPATH;
                sf.headers = java.util.Map.of("Cache-Control", "public, max-age=3600");
            });
            // Javalin drops its default connector once any connector is added, so both are added here: each needs the idle timeout.
            c.jetty.addConnector((server, httpConfig) -> {
                httpConnector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                httpConnector.setHost(config.bind());
                httpConnector.setPort(config.port());
                httpConnector.setIdleTimeout(TimeUnit.SECONDS.toMillis(config.idleTimeoutSeconds()));
                return httpConnector;
            });
            tls.ifPresent(material -> c.jetty.addConnector((server, httpConfig) -> {
                SslContextFactory.Server ssl = new SslContextFactory.Server();
                ssl.setKeyStore(material.keyStore());
                ssl.setKeyStorePassword(new String(material.password()));
                HttpConfiguration https = new HttpConfiguration(httpConfig);
                https.addCustomizer(new SecureRequestCustomizer(false));
                httpsConnector = new ServerConnector(server,
                        new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(https));
                httpsConnector.setHost(config.bind());
                httpsConnector.setPort(config.httpsPort().orElse(0));
                httpsConnector.setIdleTimeout(TimeUnit.SECONDS.toMillis(config.idleTimeoutSeconds()));
                return httpsConnector;
            }));
            c.requestLogger.http((ctx, ms) -> {
                String route = route(ctx);
                Timer.builder("http.server.requests").tag("method", methodTag(ctx.method().name())).tag("route", route)
                        .tag("status", statusTag(ctx.statusCode())).register(metrics)
                        .record((long) (ms * 1_000_000), TimeUnit.NANOSECONDS);
                ACCESS.info("{} {} {} {}ms id={} ip={}", ctx.method(), loggedPath(ctx.path()), ctx.statusCode(), Math.round(ms),
                        Edge.requestId(ctx), ctx.ip());
            });
            c.routes.before(ctx -> {
                String id = ids.base62(27);
                ctx.attribute(Edge.REQUEST_ID, id);
                ctx.header(Edge.REQUEST_ID_HEADER, id);
                SecurityHeaders.apply("https".equals(ctx.scheme()), ctx::header);
            });
            c.routes.before(ctx -> NulCharacters.refuse(ctx, errors));   // after the headers, so its refusals carry them
            errors.register(c.routes);
            surfaces.forEach(s -> s.register(c.routes));
        });
    }

    /**
     * The {@code route} tag: a path registered at start, never the request's own path. That is the matched route's
     * template, or {@code *} when only the filters matched (a 404 or 405, an invented method), or {@code unmatched}
     * when Javalin names no endpoint at all.
     */
    private static String route(Context ctx) {
        try {
            return ctx.endpoint().path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    /** The {@code method} tag: a standard method by name, anything else (methods are client-chosen tokens) as OTHER. */
    static String methodTag(String method) {
        return STANDARD_METHODS.contains(method) ? method : "OTHER";
    }

    /** The {@code status} tag: 100-599 by number, anything else as OTHER (only Gatehouse's code sets statuses, but a tag set must be bounded). */
    static String statusTag(int status) {
        return status >= 100 && status <= 599 ? Integer.toString(status) : "OTHER";
    }

    /** Starts listening; a port in use becomes a {@link ConfigException} that says which and how to fix it. */
    public HttpServer start() {
        try {
            app.start();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException || (t instanceof IOException io && String.valueOf(io.getMessage()).contains("bind"))) {
                    throw new ConfigException("Cannot listen on the configured address (" + t.getMessage()
                            + "): another program uses the port. Stop it, or choose another with GATEHOUSE_PORT / GATEHOUSE_HTTPS_PORT.");
                }
            }
            throw e;
        }
        List<Connector> connectors = new ArrayList<>(List.of(httpConnector));
        if (httpsConnector != null) {
            connectors.add(httpsConnector);
        }
        headerTimeout = new HeaderTimeout(Duration.ofSeconds(config.headerTimeoutSeconds()), () -> connectors);
        return this;
    }

    public int port() {
        return httpConnector.getLocalPort();
    }

    /** The bound HTTPS port, or -1 when HTTPS is off. */
    public int httpsPort() {
        return httpsConnector == null ? -1 : httpsConnector.getLocalPort();
    }

    @Override
    public void close() {
        if (headerTimeout != null) {
            headerTimeout.close();
        }
        app.stop();
    }

    /**
     * One-time link tokens in a path (the TOTP QR link's {@code …/qr/{token}}, the activation link's {@code /welcome/{token}}
     * and Okta's {@code /tokens/{token}/verify}): secrets, so never in the access log nor the System Log (Edge.event).
     */
    private static final java.util.regex.Pattern PATH_SECRET = java.util.regex.Pattern.compile("(/qr/|^/welcome/|^/tokens/)[^/]+");

    /** The path as the access log writes it: with any one-time token replaced by {@code {token}}. */
    public static String loggedPath(String path) {
        return path == null ? null : PATH_SECRET.matcher(path).replaceAll("$1{token}");
    }
}
