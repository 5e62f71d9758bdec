package dev.gatehouse.api;

import dev.gatehouse.errors.ApiError;
import io.javalin.http.Context;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Okta's cursor pagination: {@code limit} and an opaque {@code after} cursor in, a {@code Link}
 * header with {@code rel="self"} and, while more remain, {@code rel="next"} out.
 */
public record Paging(int limit, String after) {

    /** Reads {@code limit} (1..max, default {@code defaultLimit}; larger values are clamped as Okta does) and {@code after}. */
    public static Paging of(Context ctx, int defaultLimit, int max) {
        String raw = ctx.queryParam("limit");
        int limit = defaultLimit;
        if (raw != null && !raw.isBlank()) {
            try {
                limit = Integer.parseInt(raw.trim());
            } catch (NumberFormatException e) {
                throw ApiError.validation("limit", "must be a whole number from 1 to " + max);
            }
            if (limit < 1) {
                throw ApiError.validation("limit", "must be a whole number from 1 to " + max);
            }
            limit = Math.min(limit, max);
        }
        String after = ctx.queryParam("after");
        return new Paging(limit, after == null || after.isBlank() ? null : after);
    }

    /**
     * Fetches one row more than the page to know whether a next page exists, writes the Link header,
     * and returns the page itself. {@code cursor} gives the cursor value of an item.
     */
    public <T> List<T> respond(Context ctx, String baseUrl, List<T> fetchedLimitPlusOne, java.util.function.Function<T, String> cursor) {
        boolean more = fetchedLimitPlusOne.size() > limit;
        List<T> page = more ? fetchedLimitPlusOne.subList(0, limit) : fetchedLimitPlusOne;
        String self = baseUrl + ctx.path() + query(ctx.queryParamMap(), null);
        StringBuilder link = new StringBuilder("<" + self + ">; rel=\"self\"");
        if (more) {
            String next = baseUrl + ctx.path() + query(ctx.queryParamMap(), cursor.apply(page.getLast()));
            link.append(", <").append(next).append(">; rel=\"next\"");
        }
        ctx.header("Link", link.toString());
        return page;
    }

    private String query(Map<String, List<String>> params, String nextAfter) {
        Map<String, List<String>> copy = new java.util.LinkedHashMap<>(params);
        if (nextAfter != null) {
            copy.remove("after");
            copy.put("limit", List.of(Integer.toString(limit)));
            copy.put("after", List.of(nextAfter));
        }
        String q = copy.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> enc(e.getKey()) + "=" + enc(v)))
                .collect(Collectors.joining("&"));
        return q.isEmpty() ? "" : "?" + q;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
