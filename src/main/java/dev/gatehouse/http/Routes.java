package dev.gatehouse.http;

import io.javalin.config.RoutesConfig;

/** A surface's route table (health, management API, console, sign-in, OAuth): paths, handlers and their filters. */
public interface Routes {
    void register(RoutesConfig routes);
}
