package dev.gatehouse.http;

import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one writer of OAuth's error answer on the /oauth2 JSON endpoints (token, introspect, revoke, userinfo, and a
 * request refused before them): {@code {"error": …, "error_description": …}}, in that order, as Okta answers.
 */
public final class OAuthErrorJson {

    private OAuthErrorJson() {
    }

    public static void write(Context ctx, int status, String error, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        ctx.status(status).json(body);
    }
}
