package dev.gatehouse.reports;

import dev.gatehouse.syslog.LogEvent;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.storage.Filter;
import dev.gatehouse.api.Paging;
import dev.gatehouse.storage.Database;
import io.javalin.http.Context;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code GET /api/v1/logs}: the System Log in Okta's LogEvent JSON ({@link LogEventJson}), as Okta answers it:
 * <ul>
 *   <li>{@code since}/{@code until}: ISO-8601 dates (any offset), {@code since} inclusive, {@code until} exclusive;
 *       {@code since} defaults to 7 days before {@code until} (or now). A malformed date is 400 E0000030.</li>
 *   <li>{@code filter}: the subset of Okta's expressions {@code syslog.LogFilter} lists; anything else is 400 E0000031.</li>
 *   <li>{@code q}: up to 10 space-separated keywords, each found in any case (Gatehouse matches parts of words;
 *       Okta matches whole words).</li>
 *   <li>{@code sortOrder}: {@code ASCENDING} (default) or {@code DESCENDING} by {@code published}.</li>
 *   <li>{@code limit} (default 100, at most 1000) and {@code after}, an opaque cursor from the {@code Link} header.
 *       A <em>polling</em> request (ascending, no {@code until}) always gets a {@code rel="next"} link, so a
 *       client can keep following it for new events; a bounded one gets it only while more events remain.</li>
 * </ul>
 */
public final class LogsApi {

    static final Duration DEFAULT_WINDOW = Duration.ofDays(7);
    static final int MAX_KEYWORDS = 10;
    static final int MAX_KEYWORD_LENGTH = 40;

    private final Database db;
    private final SystemLog log;
    private final String baseUrl;

    public LogsApi(Database db, SystemLog log, String baseUrl) {
        this.db = db;
        this.log = log;
        this.baseUrl = baseUrl;
    }

    public void list(Context ctx) {
        Paging paging = Paging.of(ctx, 100, 1000);
        Instant until = instant(ctx.queryParam("until"));
        Instant since = instant(ctx.queryParam("since"));
        if (since == null) {
            since = (until == null ? log.now() : until).minus(DEFAULT_WINDOW);
        }
        if (until != null && !since.isBefore(until)) {
            throw ApiError.validation("since", "must be before until");
        }
        boolean descending = descending(ctx.queryParam("sortOrder"));
        SystemLog.Cursor after = paging.after() == null ? null : SystemLog.Cursor.parse(paging.after())
                .orElseThrow(() -> ApiError.validation("after", "is not a cursor returned by this API"));
        SystemLog.Query query = new SystemLog.Query(since, until, filter(ctx.queryParam("filter")), keywords(ctx.queryParam("q")),
                after, paging.limit() + 1, descending);
        List<LogEvent> fetched = db.read(h -> log.list(h, query));
        boolean more = fetched.size() > paging.limit();
        List<LogEvent> page = more ? fetched.subList(0, paging.limit()) : fetched;
        boolean polling = !descending && until == null;
        StringBuilder link = new StringBuilder("<" + url(ctx, ctx.queryParam("after")) + ">; rel=\"self\"");
        if (more || polling) {
            String next = page.isEmpty() ? paging.after() : SystemLog.Cursor.of(page.getLast()).value();
            link.append(", <").append(next == null ? url(ctx, null) : url(ctx, next)).append(">; rel=\"next\"");
        }
        ctx.header("Link", link.toString());
        ctx.json(page.stream().map(LogEventJson::of).toList());
    }

    /** Okta's dates: {@code 2026-01-01T00:00:00.000Z} or with an offset ({@code -07:00}); fractions optional. */
    static Instant instant(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(raw.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiError.of(ErrorCode.E0000030);
        }
    }

    private static boolean descending(String raw) {
        if (raw == null || raw.isBlank() || raw.equals("ASCENDING")) {
            return false;
        }
        if (raw.equals("DESCENDING")) {
            return true;
        }
        throw ApiError.validation("sortOrder", "must be ASCENDING or DESCENDING");
    }

    private static Filter filter(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return SystemLog.parseFilter(raw);
        } catch (Filter.InvalidFilter e) {
            throw new ApiError(ErrorCode.E0000031, ErrorCode.E0000031.summary(null), List.of(new ApiError.Cause("filter", e.getMessage())));
        }
    }

    static List<String> keywords(String raw) {
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        List<String> words = Arrays.stream(raw.trim().split("\\s+")).toList();
        if (words.size() > MAX_KEYWORDS || words.stream().anyMatch(w -> w.length() > MAX_KEYWORD_LENGTH)) {
            throw ApiError.validation("q", "at most " + MAX_KEYWORDS + " keywords of at most " + MAX_KEYWORD_LENGTH + " characters each");
        }
        return words;
    }

    /** This request's URL with {@code after} replaced (or removed when null). */
    private String url(Context ctx, String after) {
        Map<String, List<String>> params = new LinkedHashMap<>(ctx.queryParamMap());
        params.remove("after");
        if (after != null) {
            params.put("after", List.of(after));
        }
        String q = params.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> enc(e.getKey()) + "=" + enc(v)))
                .collect(Collectors.joining("&"));
        return baseUrl + ctx.path() + (q.isEmpty() ? "" : "?" + q);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
