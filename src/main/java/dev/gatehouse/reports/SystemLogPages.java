package dev.gatehouse.reports;

import dev.gatehouse.syslog.LogEvent;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.ClientUserAgent;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.storage.Filter;
import dev.gatehouse.storage.Filter.Comparison;
import dev.gatehouse.storage.Filter.Op;
import dev.gatehouse.console.Console;
import dev.gatehouse.console.ConsoleFrame;
import dev.gatehouse.console.Nav;
import dev.gatehouse.http.Json;
import dev.gatehouse.storage.Database;
import io.javalin.http.Context;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reports › System Log: a filter form (time range, event type, outcome, actor, target, keywords), a chart of
 * sign-ins, token grants and failures over the range, the matching events newest first with paging, and each event's
 * details ({@code ?event=<uuid>}: every field, and the LogEvent JSON the API returns). The page reads the same
 * {@link SystemLog} queries as {@code /api/v1/logs}; the form's fields become a {@link Filter}.
 */
public final class SystemLogPages {

    static final int PAGE_SIZE = 50;
    static final List<String> OUTCOMES = List.of("SUCCESS", "FAILURE", "SKIPPED", "ALLOW", "DENY", "CHALLENGE", "UNKNOWN");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

    /** A choice of the time-range menu; {@code custom} uses the from/to fields. */
    public record Range(String value, String label, Duration length) {
    }

    public static final List<Range> RANGES = List.of(new Range("1h", "Last hour", Duration.ofHours(1)),
            new Range("24h", "Last 24 hours", Duration.ofHours(24)), new Range("7d", "Last 7 days", Duration.ofDays(7)),
            new Range("30d", "Last 30 days", Duration.ofDays(30)), new Range("90d", "Last 90 days", Duration.ofDays(90)),
            new Range("custom", "Custom (UTC)", null));

    /** The form as typed (echoed back into the inputs). */
    public record Form(String range, String from, String to, String eventType, String outcome, String actor, String target, String q) {
        static Form read(Context ctx) {
            return new Form(value(ctx, "range", "24h"), value(ctx, "from", ""), value(ctx, "to", ""), value(ctx, "eventType", ""),
                    value(ctx, "outcome", ""), value(ctx, "actor", ""), value(ctx, "target", ""), value(ctx, "q", ""));
        }

        private static String value(Context ctx, String name, String otherwise) {
            String v = ctx.queryParam(name);
            return v == null || v.isBlank() ? otherwise : v.trim();
        }

        /** The query string of this form, for paging links. */
        String query() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("range", range);
            m.put("from", from);
            m.put("to", to);
            m.put("eventType", eventType);
            m.put("outcome", outcome);
            m.put("actor", actor);
            m.put("target", target);
            m.put("q", q);
            return m.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                    .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        }
    }

    /** The model of {@code syslog/system-log.jte}; {@code error} is a message for the person when the form is not usable. */
    public record SystemLogPage(ConsoleFrame frame, Form form, List<Range> ranges, List<String> outcomes, List<String> eventTypes,
                                Instant since, Instant until, LogChart chart, List<LogEvent> events, String olderUrl, String newestUrl,
                                String error, String backQuery) {
    }

    /** The model of {@code syslog/event.jte}. */
    public record EventPage(ConsoleFrame frame, LogEvent event, ClientUserAgent userAgent, String json, String backUrl) {
    }

    private final Console console;
    private final Database db;
    private final SystemLog log;

    public SystemLogPages(Console console, Database db, SystemLog log) {
        this.console = console;
        this.db = db;
        this.log = log;
    }

    public void show(Context ctx) {
        String uuid = ctx.queryParam("event");
        if (uuid != null && !uuid.isBlank()) {
            event(ctx, uuid.trim());
            return;
        }
        Form form = Form.read(ctx);
        ConsoleFrame frame = console.frame(ctx, Nav.SYSTEM_LOG);
        List<String> types = db.read(log::eventTypes);
        Instant now = log.now();
        Instant until = now;
        Instant since;
        Filter filter;
        List<String> keywords;
        SystemLog.Cursor after = Optional.ofNullable(ctx.queryParam("after")).flatMap(SystemLog.Cursor::parse).orElse(null);
        try {
            Range range = RANGES.stream().filter(r -> r.value().equals(form.range())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("Choose a time range from the list."));
            if (range.length() == null) {
                since = local(form.from(), "From");
                until = form.to().isEmpty() ? now : local(form.to(), "To");
                if (!since.isBefore(until)) {
                    throw new IllegalArgumentException("“From” must be before “To”.");
                }
            } else {
                since = now.minus(range.length());
            }
            filter = filter(form);
            keywords = LogsApi.keywords(form.q());
        } catch (IllegalArgumentException | ApiError e) {
            String message = e instanceof ApiError api ? String.join(" ", Console.messages(api)) : e.getMessage();
            console.render(ctx, "syslog/system-log.jte", new SystemLogPage(frame, form, RANGES, OUTCOMES, types, null, null, null,
                    List.of(), null, null, message, ""));
            return;
        }
        Instant from = since;
        Instant to = until;
        // "Last …" ranges run up to now inclusive: an event stamped this very instant is listed too.
        Instant listUntil = form.range().equals("custom") ? to : null;
        SystemLog.Query query = new SystemLog.Query(from, listUntil, filter, keywords, after, PAGE_SIZE + 1, true);
        LogChart.Layout layout = LogChart.Layout.covering(from, to);
        List<SystemLog.Series> series = List.of(SystemLog.Series.values());
        record Read(List<LogEvent> events, long[][] counts) {
        }
        Read read = db.read(h -> new Read(log.list(h, query),
                log.countPerBucket(h, series, layout.start(), layout.width(), layout.count())));
        List<LogEvent> events = read.events().size() > PAGE_SIZE ? read.events().subList(0, PAGE_SIZE) : read.events();
        String base = Nav.SYSTEM_LOG.path() + "?" + form.query();
        String older = read.events().size() > PAGE_SIZE ? base + "&after=" + SystemLog.Cursor.of(events.getLast()).value() : null;
        console.render(ctx, "syslog/system-log.jte", new SystemLogPage(frame, form, RANGES, OUTCOMES, types, from, to,
                LogChart.of(layout, series, read.counts()), events, older, after == null ? null : base, null,
                form.query() + (after == null ? "" : "&after=" + after.value())));
    }

    private void event(Context ctx, String uuid) {
        Filter byUuid = new Comparison("uuid", Op.EQ, uuid);
        List<LogEvent> found = db.read(h -> log.list(h, new SystemLog.Query(null, null, byUuid, null, null, 1, true)));
        ConsoleFrame frame = console.frame(ctx, Nav.SYSTEM_LOG);
        // The list the person came from: its query string only, always on this page's path.
        String back = Nav.SYSTEM_LOG.path() + Optional.ofNullable(ctx.queryParam("back")).filter(b -> !b.isBlank()).map(b -> "?" + b).orElse("");
        if (found.isEmpty()) {
            ctx.status(404);
            console.render(ctx, "syslog/event.jte", new EventPage(frame, null, null, null, Nav.SYSTEM_LOG.path()));
            return;
        }
        LogEvent e = found.getFirst();
        console.render(ctx, "syslog/event.jte", new EventPage(frame, e, ClientUserAgent.parse(e.clientUserAgent()), pretty(e), back));
    }

    /** The form's fields as one filter: every filled field must match. */
    static Filter filter(Form form) {
        List<Filter> all = new ArrayList<>();
        if (!form.eventType().isEmpty()) {
            all.add(new Comparison("eventType", Op.EQ, form.eventType()));
        }
        if (!form.outcome().isEmpty()) {
            if (!OUTCOMES.contains(form.outcome())) {
                throw new IllegalArgumentException("Choose an outcome from the list.");
            }
            all.add(new Comparison("outcome.result", Op.EQ, form.outcome()));
        }
        if (!form.actor().isEmpty()) {
            all.add(new Filter.Or(new Comparison("actor.id", Op.EQ, form.actor()),
                    new Filter.Or(new Comparison("actor.alternateId", Op.CO, form.actor()),
                            new Comparison("actor.displayName", Op.CO, form.actor()))));
        }
        if (!form.target().isEmpty()) {
            all.add(new Filter.Or(new Comparison("target.id", Op.EQ, form.target()),
                    new Filter.Or(new Comparison("target.alternateId", Op.EQ, form.target()),
                            new Comparison("target.displayName", Op.EQ, form.target()))));
        }
        return all.stream().reduce(Filter.And::new).orElse(null);
    }

    /** A {@code datetime-local} value, read as UTC (the page says so). */
    private static Instant local(String value, String field) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("“" + field + "” needs a date and time for a custom range.");
        }
        try {
            return LocalDateTime.parse(value.length() > 16 ? value.substring(0, 16) : value, LOCAL).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("“" + field + "” must be a date and time such as 2026-01-31T14:00.");
        }
    }

    private static String pretty(LogEvent e) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(LogEventJson.of(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Truncates to the minute for the form's custom fields. */
    public static String local(Instant instant) {
        return instant == null ? "" : LOCAL.format(instant.truncatedTo(ChronoUnit.MINUTES).atOffset(ZoneOffset.UTC));
    }
}
