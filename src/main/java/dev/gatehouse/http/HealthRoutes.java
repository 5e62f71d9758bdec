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
    private final java.util.function.BooleanSupplier started;

    /** {@code started}: whether the start is complete (the org file, if any, applied): not ready before. */
    public HealthRoutes(Database db, PrometheusMeterRegistry metrics, java.util.function.BooleanSupplier started) {
        this.db = db;
        this.metrics = metrics;
        this.started = started;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(LIVE, ctx -> ctx.json(Map.of("status", "UP")));
        routes.get(READY, ctx -> {
            boolean database = db.ready();
            boolean up = database && started.getAsBoolean();
            ctx.status(up ? 200 : 503).json(Map.of("status", up ? "UP" : "DOWN", "database", database ? "UP" : "DOWN"));
        });
        routes.get(METRICS, ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    }
}
