package dev.gatehouse.syslog;

import dev.gatehouse.api.ApiError;
import dev.gatehouse.api.Paging;
import dev.gatehouse.storage.Database;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/logs}: the System Log in Okta's LogEvent JSON, with {@code since}, {@code until},
 * {@code q}, {@code sortOrder}, {@code limit}/{@code after} and {@code filter=eventType eq "…"}.
 */
public final class LogsApi {

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
        boolean descending = "DESCENDING".equalsIgnoreCase(ctx.queryParam("sortOrder"));
        Long after = null;
        if (paging.after() != null) {
            try {
                after = Long.parseLong(paging.after());
            } catch (NumberFormatException e) {
                throw ApiError.validation("after", "is not a cursor returned by this API");
            }
        }
        String eventType = eventTypeFilter(ctx.queryParam("filter"));
        SystemLog.Query query = new SystemLog.Query(instant(ctx, "since"), instant(ctx, "until"), eventType,
                blankToNull(ctx.queryParam("q")), after, paging.limit() + 1, descending);
        List<LogEvent> events = paging.respond(ctx, baseUrl, db.read(h -> log.list(h, query)), e -> Long.toString(e.seq()));
        ctx.json(events.stream().map(LogsApi::json).toList());
    }

    /** Supports the filters the console and SDK users need: {@code eventType eq "x"}. */
    private static String eventTypeFilter(String filter) {
        if (filter == null || filter.isBlank()) {
            return null;
        }
        var m = java.util.regex.Pattern.compile("\\s*eventType\\s+eq\\s+\"([^\"]+)\"\\s*", java.util.regex.Pattern.CASE_INSENSITIVE).matcher(filter);
        if (!m.matches()) {
            throw ApiError.validation("filter", "only 'eventType eq \"…\"' is supported");
        }
        return m.group(1);
    }

    private static Instant instant(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw ApiError.validation(name, "must be an ISO 8601 date such as 2026-01-01T00:00:00.000Z");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static Map<String, Object> json(LogEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", e.uuid());
        m.put("published", e.published());
        m.put("eventType", e.eventType());
        m.put("version", "0");
        m.put("severity", e.severity().name());
        m.put("displayMessage", e.displayMessage());
        m.put("actor", actor(e.actor()));
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("userAgent", e.clientUserAgent() == null ? null : Map.of("rawUserAgent", e.clientUserAgent()));
        client.put("ipAddress", e.clientIp());
        m.put("client", client);
        Map<String, Object> outcome = new HashMap<>();
        outcome.put("result", e.outcome().result());
        outcome.put("reason", e.outcome().reason());
        m.put("outcome", outcome);
        m.put("target", e.targets().stream().map(t -> {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("id", t.id());
            tm.put("type", t.type());
            tm.put("alternateId", t.alternateId());
            tm.put("displayName", t.displayName());
            return tm;
        }).toList());
        m.put("transaction", Map.of("type", "WEB", "id", e.transactionId() == null ? "" : e.transactionId(), "detail", Map.of()));
        m.put("debugContext", Map.of("debugData", e.debugData()));
        return m;
    }

    private static Map<String, Object> actor(Actor a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("type", a.type());
        m.put("alternateId", a.alternateId());
        m.put("displayName", a.displayName());
        return m;
    }
}
