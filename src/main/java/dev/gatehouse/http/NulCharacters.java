package dev.gatehouse.http;

import dev.gatehouse.errors.ApiError;
import io.javalin.http.Context;
import io.javalin.http.Header;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Refuses, before any handler runs, a request whose text carries U+0000. No field of Gatehouse may hold it (ids,
 * logins, names, URIs, tokens), and PostgreSQL cannot store or even compare it ("invalid byte sequence for encoding
 * UTF8: 0x00"), so such a value reaching a query was a 500 — found by {@code FuzzHttpTest} with a NUL in a
 * {@code client_id}. Checked: the path, query and form parameters, a JSON body (a raw NUL or the escape
 * {@code \u0000}), and the client credentials of an {@code Authorization: Basic} header. Each surface gets its own
 * error shape: Okta's error JSON on /api/v1, OAuth's {@code invalid_request} on the /oauth2 JSON endpoints, a readable
 * page elsewhere (the /authorize and /logout pages included: the redirect URI is not trusted yet at this point).
 */
final class NulCharacters {

    private static final String WHY = "The request contains a NUL character (U+0000), which no field accepts.";
    /** {@code \u0000} in JSON text, unless its backslash is itself escaped ({@code \\u0000} is the six characters). */
    private static final Pattern JSON_ESCAPE = Pattern.compile("(?<!\\\\)(\\\\\\\\)*\\\\u0000");

    private NulCharacters() {
    }

    static void refuse(Context ctx, ErrorMapper errors) {
        if (!carried(ctx)) {
            return;
        }
        String path = ctx.path();
        if (ErrorMapper.isApi(ctx)) {
            errors.writeApi(ctx, ApiError.validation(List.of(new ApiError.Cause(null, WHY))));
        } else if (path.startsWith("/oauth2/") && !path.endsWith("/authorize") && !path.endsWith("/logout")) {
            OAuthErrorJson.write(ctx, 400, "invalid_request", WHY);
        } else {
            errors.writePage(ctx, 400, "Request not accepted", WHY);
        }
        ctx.skipRemainingHandlers();
    }

    private static boolean carried(Context ctx) {
        if (has(ctx.path()) || ctx.path().contains("%00") || any(ctx.queryParamMap())) {
            return true;
        }
        String type = String.valueOf(ctx.contentType());
        if (type.startsWith("application/x-www-form-urlencoded") && any(ctx.formParamMap())) {
            return true;
        }
        if (type.contains("json") && ctx.bodyAsBytes().length > 0) {
            String body = ctx.body();
            if (has(body) || JSON_ESCAPE.matcher(body).find()) {
                return true;
            }
        }
        String authorization = ctx.header(Header.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String credentials = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
                return has(credentials) || credentials.contains("%00");   // client_id and secret are form-encoded in Basic
            } catch (IllegalArgumentException notBase64) {
                return false;   // the client authentication refuses it in its own words
            }
        }
        return false;
    }

    private static boolean any(Map<String, ? extends Collection<String>> params) {
        return params.entrySet().stream().anyMatch(e -> has(e.getKey()) || e.getValue().stream().anyMatch(NulCharacters::has));
    }

    private static boolean has(String s) {
        return s != null && s.indexOf('\0') >= 0;
    }
}
