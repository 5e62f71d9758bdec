package dev.gatehouse.http;

import dev.gatehouse.config.GatehouseConfig;
import io.javalin.config.RoutesConfig;

/** The org's start page: where people land at the base URL. */
public final class HomeRoutes implements Routes {

    /** The model of {@code home.jte}. */
    public record HomePage(String orgName, String consoleUrl, String issuer) {
    }

    private final GatehouseConfig config;
    private final Pages pages;

    public HomeRoutes(GatehouseConfig config, Pages pages) {
        this.config = config;
        this.pages = pages;
    }

    @Override
    public void register(RoutesConfig routes) {
        // No icon yet: answer browsers' automatic request quietly instead of with a 404 page.
        routes.get("/favicon.ico", ctx -> ctx.status(204).header("Cache-Control", "public, max-age=86400"));
        routes.get("/", ctx -> pages.render(ctx, "home.jte", new HomePage(config.orgName(), config.consoleUrl(), config.orgIssuer())));
    }
}
