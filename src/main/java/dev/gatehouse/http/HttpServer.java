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
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Javalin on Jetty 12 with virtual threads: the plain HTTP connector, an optional HTTPS one, and
 * what every response gets whatever the surface (request id, security headers, access log,
 * metrics, error mapping). The surfaces themselves come in as {@link Routes}.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger ACCESS = LoggerFactory.getLogger("gatehouse.access");

    /** Default Content-Security-Policy; a page that needs more (e.g. a post-message relay) sets its own. */
    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private final Javalin app;
    private ServerConnector httpConnector;
    private ServerConnector httpsConnector;

    public HttpServer(GatehouseConfig config, Optional<Tls.Material> tls, Ids ids, ErrorMapper errors,
                      MeterRegistry metrics, List<Routes> surfaces) {
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.concurrency.useVirtualThreads = true;
            c.jsonMapper(new Json());
            c.http.prefer405over404 = true;
            c.http.maxRequestSize = 1_000_000;
            c.router.ignoreTrailingSlashes = true;
            c.jetty.host = config.bind();
            c.jetty.port = config.port();
            c.jetty.modifyServer(server -> server.setStopTimeout(TimeUnit.SECONDS.toMillis(10)));
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
            // Javalin drops its default connector once any connector is added, so with TLS both are added here.
            tls.ifPresent(material -> c.jetty.addConnector((server, httpConfig) -> {
                httpConnector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                httpConnector.setHost(config.bind());
                httpConnector.setPort(config.port());
                return httpConnector;
            }));
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
                return httpsConnector;
            }));
            c.requestLogger.http((ctx, ms) -> {
                String route = route(ctx);
                Timer.builder("http.server.requests").tag("method", ctx.method().name()).tag("route", route)
                        .tag("status", Integer.toString(ctx.statusCode())).register(metrics)
                        .record((long) (ms * 1_000_000), TimeUnit.NANOSECONDS);
                ACCESS.info("{} {} {} {}ms id={} ip={}", ctx.method(), ctx.path(), ctx.statusCode(), Math.round(ms),
                        Edge.requestId(ctx), ctx.ip());
            });
            c.routes.before(ctx -> {
                String id = ids.base62(27);
                ctx.attribute(Edge.REQUEST_ID, id);
                ctx.header(Edge.REQUEST_ID_HEADER, id);
                ctx.header("Content-Security-Policy", CSP);
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("X-Frame-Options", "DENY");
                ctx.header("Referrer-Policy", "no-referrer");
                ctx.header("Cache-Control", "no-store");
                if ("https".equals(ctx.scheme())) {
                    ctx.header("Strict-Transport-Security", "max-age=31536000");
                }
            });
            c.routes.before(ctx -> NulCharacters.refuse(ctx, errors));   // after the headers, so its refusals carry them
            errors.register(c.routes);
            surfaces.forEach(s -> s.register(c.routes));
        });
    }

    private static String route(Context ctx) {
        try {
            return ctx.endpoint().path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
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
        return this;
    }

    public int port() {
        return httpConnector == null ? app.port() : httpConnector.getLocalPort();
    }

    /** The bound HTTPS port, or -1 when HTTPS is off. */
    public int httpsPort() {
        return httpsConnector == null ? -1 : httpsConnector.getLocalPort();
    }

    @Override
    public void close() {
        app.stop();
    }
}
