package dev.gatehouse.api;

import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.errors.ApiError;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.http.Edge;
import dev.gatehouse.http.Json;
import dev.gatehouse.syslog.EventContext;
import io.javalin.http.Context;

/** Reading management-API requests at the edge: the caller, the event context and the JSON body. */
public final class ApiRequests {

    static final String CALLER = "gatehouse.apiCaller";

    private ApiRequests() {
    }

    public static ApiCaller caller(Context ctx) {
        ApiCaller caller = ctx.attribute(CALLER);
        if (caller == null) {
            throw ApiError.of(ErrorCode.E0000011);
        }
        return caller;
    }

    public static EventContext event(Context ctx) {
        return Edge.event(ctx, caller(ctx).actor());
    }

    /** The body as a JSON object; anything else is 400 E0000003 before any work is done. */
    public static JsonNode object(Context ctx) {
        String body = ctx.body();
        JsonNode node = body.isBlank() ? null : Json.readTree(body);
        if (node == null || !node.isObject()) {
            throw ApiError.of(ErrorCode.E0000003);
        }
        return node;
    }

    /** A string member, or null when absent or null; any other JSON type is a validation error naming it. */
    public static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiError.validation(field, "Does not match required type: string");
        }
        return v.asText();
    }
}
