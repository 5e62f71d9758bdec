package dev.gatehouse.http;

import dev.gatehouse.storage.Database;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Map;

/** Liveness, readiness (the database answers) and Prometheus metrics. */
public final class HealthRoutes implements Routes {

    public static final String LIVE = "/health/live";
    public static final String READY = "/health/ready";
    public static final String METRICS = "/metrics";

    private final Database db;
    private final PrometheusMeterRegistry metrics;

    public HealthRoutes(Database db, PrometheusMeterRegistry metrics) {
        this.db = db;
        this.metrics = metrics;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(LIVE, ctx -> ctx.json(Map.of("status", "UP")));
        routes.get(READY, ctx -> {
            boolean up = db.ready();
            ctx.status(up ? 200 : 503).json(Map.of("status", up ? "UP" : "DOWN", "database", up ? "UP" : "DOWN"));
        });
        routes.get(METRICS, ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    }
}
