package dev.gatehouse;

import dev.gatehouse.api.ApiAuth;
import dev.gatehouse.api.ApiRoutes;
import dev.gatehouse.api.ApiTokenStore;
import dev.gatehouse.api.ApiTokens;
import dev.gatehouse.api.ApiTokensApi;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.directory.PasswordHasher;
import dev.gatehouse.directory.UserStore;
import dev.gatehouse.http.ErrorMapper;
import dev.gatehouse.http.HealthRoutes;
import dev.gatehouse.http.HomeRoutes;
import dev.gatehouse.http.HttpServer;
import dev.gatehouse.http.Pages;
import dev.gatehouse.http.Tls;
import dev.gatehouse.org.OrgBootstrap;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.LogsApi;
import dev.gatehouse.syslog.SystemLog;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The composition root: every long-lived object is built here, by constructor, in dependency
 * order. Reading this file top to bottom is reading how Gatehouse fits together.
 */
public final class Wiring implements AutoCloseable {

    public final GatehouseConfig config;
    public final Database db;
    public final OrgBootstrap.FirstStart firstStart;
    public final ApiTokens apiTokens;
    public final SystemLog systemLog;
    public final Optional<Path> certificate;
    public final boolean certificateGenerated;
    private final HttpServer server;

    private Wiring(GatehouseConfig config, Database db, OrgBootstrap.FirstStart firstStart, ApiTokens apiTokens, SystemLog systemLog,
                   Optional<Tls.Material> tls, boolean certificateGenerated, HttpServer server) {
        this.config = config;
        this.db = db;
        this.apiTokens = apiTokens;
        this.systemLog = systemLog;
        this.firstStart = firstStart;
        this.certificate = tls.map(Tls.Material::certificatePath);
        this.certificateGenerated = certificateGenerated;
        this.server = server;
    }

    /** Opens the store, creates the org on first start, and starts listening. */
    public static Wiring start(GatehouseConfig config, Clock clock) {
        Optional<Tls.Material> tls = Optional.empty();
        boolean generated = false;
        if (config.httpsPort().isPresent()) {
            if (config.tlsCert().isPresent()) {
                tls = Optional.of(Tls.load(config.tlsCert().get(), config.tlsKey().orElseThrow()));
            } else {
                Tls.DevCertificate dev = Tls.developmentCertificate(config.dataDir(), config.baseUri().getHost());
                tls = Optional.of(dev.material());
                generated = dev.generated();
            }
        }
        SecureRandom random = new SecureRandom();
        Ids ids = new Ids(random);
        Database db = Database.open(config);
        try {
            SystemLog log = new SystemLog(clock);
            UserStore users = new UserStore();
            PasswordHasher hasher = new PasswordHasher(PasswordHasher.Params.DEFAULT, random);
            ApiTokens apiTokens = new ApiTokens(db, new ApiTokenStore(), users, log, ids, clock);
            OrgBootstrap.FirstStart first = new OrgBootstrap(db, users, apiTokens, hasher, log, ids, clock).ensure(config);

            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(metrics);
            new JvmThreadMetrics().bindTo(metrics);
            new ProcessorMetrics().bindTo(metrics);

            Pages pages = new Pages();
            ApiRoutes api = new ApiRoutes(
                    new ApiAuth(apiTokens, Set.of()),
                    new ApiTokensApi(apiTokens, config.baseUrl()),
                    new LogsApi(db, log, config.baseUrl()));
            HttpServer server = new HttpServer(config, tls, ids, new ErrorMapper(ids, pages), metrics, List.of(
                    new HealthRoutes(db, metrics),
                    new HomeRoutes(config, pages),
                    api)).start();
            return new Wiring(config, db, first, apiTokens, log, tls, generated, server);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    public int httpsPort() {
        return server.httpsPort();
    }

    @Override
    public void close() {
        server.close();
        db.close();
    }
}
