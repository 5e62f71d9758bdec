package dev.gatehouse.http;

import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import io.javalin.http.Context;

/** What every surface reads off a request the same way: its id, and the event context for the System Log. */
public final class Edge {

    public static final String REQUEST_ID_HEADER = "X-Okta-Request-Id";
    static final String REQUEST_ID = "gatehouse.requestId";

    private Edge() {
    }

    public static String requestId(Context ctx) {
        String id = ctx.attribute(REQUEST_ID);
        return id == null ? "-" : id;
    }

    public static EventContext event(Context ctx, Actor actor) {
        return new EventContext(actor, ctx.ip(), ctx.header("User-Agent"), requestId(ctx), HttpServer.loggedPath(ctx.path()));
    }
}
