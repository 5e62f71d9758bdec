package dev.gatehouse.http;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.storage.Contention;
import dev.gatehouse.storage.Ids;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place errors become responses. The management API gets Okta's error JSON, people get a
 * readable page; an unexpected exception is logged with its request id and answered with a 500
 * that carries that id and nothing else: no stack trace ever reaches a client. Running out of pooled
 * database connections is overload, not a fault: it is a 503 with {@code Retry-After}.
 */
public final class ErrorMapper {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private final Ids ids;
    private final Pages pages;

    public ErrorMapper(Ids ids, Pages pages) {
        this.ids = ids;
        this.pages = pages;
    }

    public void register(RoutesConfig routes) {
        routes.exception(ApiError.class, (e, ctx) -> {
            if (isApi(ctx)) {
                writeApi(ctx, e);
            } else {
                writePage(ctx, e.code().status(), e.code().status() == 404 ? "Not found" : "Request not accepted", e.summary());
            }
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            int status = e.getStatus();
            if (isOAuthJson(ctx) && (status == 413 || status == 400)) {
                // A body over the size limit (or one Javalin cannot read) at /token, /introspect, /revoke, /userinfo: the
                // client reads OAuth's error JSON there, not a page.
                ctx.header("Pragma", "no-cache");
                OAuthErrorJson.write(ctx, status, "invalid_request",
                        status == 413 ? "The request body is too large." : "The request body could not be read.");
                return;
            }
            if (isApi(ctx)) {
                writeApi(ctx, switch (status) {
                    case 404 -> ApiError.notFound(ctx.path(), "Path");
                    case 405 -> ApiError.of(ErrorCode.E0000022);
                    case 413, 400 -> ApiError.of(ErrorCode.E0000003);
                    case 401 -> ApiError.of(ErrorCode.E0000011);
                    case 403 -> ApiError.of(ErrorCode.E0000006);
                    default -> new ApiError(ErrorCode.E0000003, e.getMessage(), List.of());
                }, status);
            } else {
                writePage(ctx, status, switch (status) {
                    case 404 -> "Page not found";
                    case 405 -> "Method not allowed";
                    case 403 -> "Access denied";
                    default -> "Request not accepted";
                }, switch (status) {
                    case 404 -> "There is nothing at this address. Check the link, or go back to the start page.";
                    case 405 -> "This page cannot be used that way.";
                    default -> e.getMessage();
                });
            }
        });
        routes.exception(Exception.class, (e, ctx) -> {
            if (isOverload(e)) {
                writeBusy(ctx, e);
                return;
            }
            LOG.error("Unexpected error in {} {} (request {})", ctx.method(), HttpServer.loggedPath(ctx.path()), Edge.requestId(ctx), e);
            if (isApi(ctx)) {
                Map<String, Object> body = body("E0000009", "Internal Server Error", List.of());
                ctx.status(500).json(body);
            } else {
                writePage(ctx, 500, "Something went wrong",
                        "Gatehouse could not complete this request. Nothing was changed by the failed step. If it keeps happening, "
                                + "give your administrator the request id below.");
            }
        });
    }

    /**
     * The connection pool had no connection free within its wait: the server is overloaded, not broken. The
     * person (or client) gets a 503 that says so and when to retry, not a 500; the log gets a WARN, not a stack.
     */
    private void writeBusy(Context ctx, Exception e) {
        LOG.warn("Busy: {} {} could not complete under load (request {}): {}", ctx.method(), HttpServer.loggedPath(ctx.path()), Edge.requestId(ctx),
                rootMessage(e));
        ctx.header("Retry-After", "1");
        if (isApi(ctx)) {
            ctx.status(503).json(body("E0000009", "Gatehouse is busy. Try again in a moment.", List.of()));
        } else {
            writePage(ctx, 503, "Busy, try again",
                    "Gatehouse is handling many requests right now and could not complete this one. Nothing was changed. "
                            + "Wait a moment and try again.");
        }
    }

    /**
     * True when an exception comes from waiting too long for a pooled connection (Hikari's timeout), or from a record
     * that kept changing under an optimistic update ({@link Contention}).
     */
    static boolean isOverload(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof Contention) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    public void writeApi(Context ctx, ApiError e) {
        writeApi(ctx, e, e.code().status());
    }

    private void writeApi(Context ctx, ApiError e, int status) {
        List<Map<String, String>> causes = e.causes().stream().map(c -> Map.of("errorSummary", c.summary())).toList();
        ctx.status(status).json(body(e.code().name(), e.summary(), causes));
    }

    private Map<String, Object> body(String code, String summary, List<Map<String, String>> causes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errorCode", code);
        body.put("errorSummary", summary);
        body.put("errorLink", code);
        body.put("errorId", "oae" + ids.base62(22));
        body.put("errorCauses", causes);
        return body;
    }

    /** {@link Csrf}'s answer to a form post it refused, wherever no surface gave its own: a 403 page; nothing was changed. */
    public void formExpired(Context ctx) {
        writePage(ctx, 403, "This form has expired",
                "Nothing was changed. The form was older than your session or came from another site. Go back, reload the page and try again.");
    }

    public void writePage(Context ctx, int status, String title, String message) {
        writePage(ctx, status, title, message, null);
    }

    /** The same, with a second paragraph ({@code detail}, or null for none). */
    public void writePage(Context ctx, int status, String title, String message, String detail) {
        ctx.status(status);
        pages.render(ctx, "error.jte", new ErrorPage(status, title, message, Edge.requestId(ctx), detail));
    }

    static boolean isApi(Context ctx) {
        return ctx.path().startsWith("/api/");
    }

    /** The OAuth endpoints that answer JSON: everything under /oauth2/ but the browser's /authorize and /logout. */
    static boolean isOAuthJson(Context ctx) {
        String path = ctx.path();
        return path.startsWith("/oauth2/") && !path.endsWith("/authorize") && !path.endsWith("/logout")
                && !path.endsWith("/authorize/") && !path.endsWith("/logout/");
    }
}
