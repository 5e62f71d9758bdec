package dev.gatehouse.syslog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.syslog.LogEvent.Outcome;
import dev.gatehouse.syslog.LogEvent.Severity;
import dev.gatehouse.storage.Filter;
import dev.gatehouse.storage.Listing;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes and reads the System Log. Every capability records its security-relevant acts here, in
 * the same transaction as the change itself, so a change that rolls back leaves no event behind.
 */
public final class SystemLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private final SignInProblemStore problems;

    public SystemLog(Clock clock, SignInProblemStore problems) {
        this.clock = clock;
        this.problems = problems;
    }

    /**
     * What to record: the event type, its message, the outcome and what it acted on; for a refusal on the sign-in path,
     * its {@link Problem} (issue #21): then {@code debugData.cause} names the cause and the refusal is counted for the
     * sign-in doctor in the same transaction ({@link SignInProblemStore}), once per app among the targets.
     */
    public record Entry(String eventType, String displayMessage, Severity severity, Outcome outcome,
                        List<Target> targets, Map<String, Object> debugData, Problem problem) {

        public Entry(String eventType, String displayMessage, Severity severity, Outcome outcome, List<Target> targets,
                     Map<String, Object> debugData) {
            this(eventType, displayMessage, severity, outcome, targets, debugData, null);
        }

        public static Entry success(String eventType, String displayMessage, Target... targets) {
            return new Entry(eventType, displayMessage, Severity.INFO, Outcome.SUCCESS, List.of(targets), Map.of());
        }

        public static Entry failure(String eventType, String displayMessage, String reason, Target... targets) {
            return new Entry(eventType, displayMessage, Severity.WARN, Outcome.failure(reason), List.of(targets), Map.of());
        }

        public Entry withDebug(Map<String, Object> data) {
            return new Entry(eventType, displayMessage, severity, outcome, targets, data, problem);
        }

        /** This refusal's diagnosis; null leaves the entry as it is. */
        public Entry withProblem(Problem p) {
            return p == null ? this : new Entry(eventType, displayMessage, severity, outcome, targets, debugData, p);
        }
    }

    /** The sign-in doctor's counts, for the pages and the API that read them. */
    public SignInProblemStore problems() {
        return problems;
    }

    /** Now, by the clock events are stamped with. */
    public Instant now() {
        return clock.instant();
    }

    /** Records the entry; every field is bounded first ({@link LogText}), whatever the entry or the request carried. */
    public void record(Handle h, EventContext ctx, Entry e) {
        Actor a = ctx.actor();
        Map<String, Object> omitted = new LinkedHashMap<>();
        List<Target> targets = LogText.targets(e.targets(), omitted);
        h.createUpdate("""
                        INSERT INTO system_log_events (uuid, published, event_type, display_message, severity,
                            actor_id, actor_type, actor_alternate_id, actor_display_name, client_ip, client_user_agent,
                            outcome_result, outcome_reason, targets, transaction_id, debug_data)
                        VALUES (:uuid, :published, :eventType, :message, :severity, :actorId, :actorType, :actorAlt,
                            :actorName, :ip, :ua, :result, :reason, :targets, :tx, :debug)""")
                .bind("uuid", UUID.randomUUID().toString())
                .bind("published", clock.instant())
                .bind("eventType", LogText.bounded(e.eventType(), LogText.EVENT_TYPE))
                .bind("message", LogText.bounded(e.displayMessage(), LogText.TEXT))
                .bind("severity", e.severity().name())
                .bind("actorId", LogText.bounded(a.id(), LogText.ACTOR_ID))
                .bind("actorType", LogText.bounded(a.type(), LogText.ACTOR_TYPE))
                .bind("actorAlt", LogText.bounded(a.alternateId(), LogText.TEXT))
                .bind("actorName", LogText.bounded(a.displayName(), LogText.TEXT))
                .bind("ip", LogText.bounded(ctx.ipAddress(), LogText.SHORT))
                .bind("ua", LogText.bounded(ctx.userAgent(), LogText.USER_AGENT))
                .bind("result", LogText.bounded(e.outcome().result(), LogText.OUTCOME_RESULT))
                .bind("reason", LogText.bounded(e.outcome().reason(), LogText.TEXT))
                .bind("targets", write(targets))
                .bind("tx", LogText.bounded(ctx.requestId(), LogText.SHORT))
                .bind("debug", debug(ctx, e, omitted))
                .execute();
        if (e.problem() != null) {
            countProblem(h, e.problem(), targets, 1);
        }
    }

    /**
     * Counts {@code times} refusals of {@code p} for each app among {@code targets} (a target of type AppInstance with a
     * real id), or for the org when there is none. {@link #record} calls it for an entry's problem; an aggregating caller
     * (the CORS refusals, counted per origin on each node) calls it through {@link #recordCounted}.
     */
    private void countProblem(Handle h, Problem p, List<Target> targets, long times) {
        List<String> apps = p.appId() != null ? List.of(p.appId())
                : targets.stream().filter(t -> APP.equals(t.type()) && t.id() != null && !"unknown".equals(t.id())).map(Target::id).distinct().toList();
        Instant now = clock.instant();
        if (apps.isEmpty()) {
            problems.record(h, SignInProblemStore.ORG, p, times, now);
        }
        for (String app : apps) {
            problems.record(h, app, p, times, now);
        }
    }

    /** One event standing for {@code times} refusals of the entry's problem (aggregated by the caller), counted that often. */
    public void recordCounted(Handle h, EventContext ctx, Entry e, long times) {
        record(h, ctx, new Entry(e.eventType(), e.displayMessage(), e.severity(), e.outcome(), e.targets(),
                withCause(e.debugData(), e.problem()), null));
        if (e.problem() != null) {
            countProblem(h, e.problem(), LogText.targets(e.targets(), new LinkedHashMap<>()), times);
        }
    }

    private static final String APP = "AppInstance";

    /** The debug data with the problem's cause and facts (the entry's own keys win). */
    private static Map<String, Object> withCause(Map<String, Object> debug, Problem p) {
        if (p == null) {
            return debug;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cause", p.cause().name());
        p.example().forEach(out::putIfAbsent);
        debug.forEach(out::put);
        return out;
    }

    /**
     * A page of events in {@code published} order (then insertion order), oldest first unless {@code descending}.
     * {@code filter} comes from {@link #parseFilter}; every one of {@code keywords} must occur (in any case) in the
     * message, event type, actor, targets, outcome reason or client address; {@code after} is the last event of the
     * previous page. Any of them may be null.
     */
    public record Query(Instant since, Instant until, Filter filter, List<String> keywords, Cursor after, int limit, boolean descending) {
    }

    /** Where a page ended: the last event's {@code published} and sequence number, as an opaque {@code after} value. */
    public record Cursor(Instant published, long seq) {
        private static final Pattern FORMAT = Pattern.compile("(\\d{1,19})_(\\d{1,19})");

        public static Cursor of(LogEvent e) {
            return new Cursor(e.published(), e.seq());
        }

        public String value() {
            return ChronoUnit.MICROS.between(Instant.EPOCH, published) + "_" + seq;
        }

        /** The cursor {@link #value()} wrote, or empty for anything else. */
        public static Optional<Cursor> parse(String value) {
            Matcher m = FORMAT.matcher(value);
            if (!m.matches()) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Cursor(Instant.EPOCH.plus(Long.parseLong(m.group(1)), ChronoUnit.MICROS), Long.parseLong(m.group(2))));
            } catch (NumberFormatException | java.time.DateTimeException e) {
                return Optional.empty();
            }
        }
    }

    /** A {@code filter} expression checked against what the System Log can answer (see {@link LogFilter}). */
    public static Filter parseFilter(String expression) throws Filter.InvalidFilter {
        Filter f = Filter.parse(expression);
        LogFilter.toSql(f, new HashMap<>());
        return f;
    }

    public List<LogEvent> list(Handle h, Query query) {
        Map<String, Object> binds = new HashMap<>();
        StringBuilder sql = new StringBuilder("SELECT * FROM system_log_events WHERE ").append(conditions(query, binds));
        if (query.after() != null) {
            String cmp = query.descending() ? "<" : ">";
            sql.append(" AND (published ").append(cmp).append(" :afterPublished OR (published = :afterPublished AND seq ")
                    .append(cmp).append(" :afterSeq))");
            binds.put("afterPublished", query.after().published());
            binds.put("afterSeq", query.after().seq());
        }
        String order = query.descending() ? "DESC" : "ASC";
        sql.append(" ORDER BY published ").append(order).append(", seq ").append(order).append(" LIMIT :limit");
        binds.put("limit", query.limit());
        return h.createQuery(sql.toString()).bindMap(binds).map((rs, c) -> read(rs)).list();
    }

    /** The WHERE condition of {@code query} without its cursor. */
    private static String conditions(Query query, Map<String, Object> binds) {
        List<String> where = new ArrayList<>(List.of("1 = 1"));
        if (query.since() != null) {
            where.add("published >= :since");
            binds.put("since", query.since());
        }
        if (query.until() != null) {
            where.add("published < :until");
            binds.put("until", query.until());
        }
        if (query.filter() != null) {
            where.add(LogFilter.toSql(query.filter(), binds));
        }
        List<String> keywords = query.keywords() == null ? List.of() : query.keywords();
        for (int i = 0; i < keywords.size(); i++) {
            String k = ":q" + i;
            where.add(KEYWORD_COLUMNS.stream().map(c -> "LOWER(" + c + ") LIKE " + k + " ESCAPE '!'")
                    .collect(Collectors.joining(" OR ", "(", ")")));
            binds.put("q" + i, "%" + Listing.escapeLike(keywords.get(i).toLowerCase(Locale.ROOT)) + "%");
        }
        return String.join(" AND ", where);
    }

    private static final List<String> KEYWORD_COLUMNS = List.of("display_message", "event_type", "actor_id", "actor_alternate_id",
            "actor_display_name", "targets", "outcome_reason", "client_ip");

    /** Every event type the log holds, for the console's suggestions. */
    public List<String> eventTypes(Handle h) {
        return h.createQuery("SELECT DISTINCT event_type FROM system_log_events ORDER BY event_type").mapTo(String.class).list();
    }

    public long count(Handle h, String eventType) {
        return h.createQuery("SELECT COUNT(*) FROM system_log_events WHERE event_type = :t").bind("t", eventType).mapTo(Long.class).one();
    }

    /**
     * How many events of each {@code series} fall in each of the {@code buckets} consecutive intervals of
     * {@code width} from {@code start}: one pass over the range, {@code result[series][bucket]}.
     */
    public long[][] countPerBucket(Handle h, List<Series> series, Instant start, Duration width, int buckets) {
        Map<String, Object> binds = new HashMap<>();
        List<String> columns = new ArrayList<>();
        for (int b = 0; b <= buckets; b++) {
            binds.put("b" + b, start.plus(width.multipliedBy(b)));
        }
        for (int s = 0; s < series.size(); s++) {
            for (int b = 0; b < buckets; b++) {
                columns.add("COUNT(CASE WHEN published >= :b" + b + " AND published < :b" + (b + 1) + " AND " + series.get(s).condition
                        + " THEN 1 END) AS c" + s + "_" + b);
            }
        }
        String sql = "SELECT " + String.join(", ", columns) + " FROM system_log_events WHERE published >= :b0 AND published < :b" + buckets;
        return h.createQuery(sql).bindMap(binds).map((rs, c) -> {
            long[][] out = new long[series.size()][buckets];
            for (int s = 0; s < series.size(); s++) {
                for (int b = 0; b < buckets; b++) {
                    out[s][b] = rs.getLong("c" + s + "_" + b);
                }
            }
            return out;
        }).one();
    }

    /** What the console's chart counts; each condition is trusted SQL over one row. */
    public enum Series {
        SIGN_INS("Sign-ins", "event_type = 'user.session.start' AND outcome_result = 'SUCCESS'"),
        TOKEN_GRANTS("Token grants", "event_type IN ('app.oauth2.as.token.grant', 'app.oauth2.token.grant') AND outcome_result = 'SUCCESS'"),
        FAILURES("Failures", "outcome_result = 'FAILURE'");

        public final String label;
        private final String condition;

        Series(String label, String condition) {
            this.label = label;
            this.condition = condition;
        }
    }

    /**
     * Deletes at most {@code batch} events published before {@code cutoff}, the earliest recorded first, and says how many.
     * Two statements that use the primary key: find the sequence number that ends the batch, then delete up to it. Safe on
     * several nodes at once: a row another node deleted first is simply not there any more (0 rows is a fine answer).
     */
    public int purgeBefore(Handle h, Instant cutoff, int batch) {
        Long last = h.createQuery("""
                        SELECT MAX(seq) FROM (SELECT seq FROM system_log_events WHERE published < :cutoff ORDER BY seq LIMIT :batch) oldest""")
                .bind("cutoff", cutoff).bind("batch", batch).mapTo(Long.class).findOne().orElse(null);
        if (last == null) {
            return 0;
        }
        return h.createUpdate("DELETE FROM system_log_events WHERE seq <= :last AND published < :cutoff")
                .bind("last", last).bind("cutoff", cutoff).execute();
    }

    /** The entry's own debug data plus where the request came in, bounded; null when there is nothing to keep. */
    private static String debug(EventContext ctx, Entry e, Map<String, Object> omitted) {
        Map<String, Object> data = new LinkedHashMap<>(withCause(e.debugData(), e.problem()));
        if (ctx.requestUri() != null) {
            data.putIfAbsent(REQUEST_URI, ctx.requestUri());
        }
        data.putAll(omitted);
        return data.isEmpty() ? null : write(LogText.debugData(data, v -> write(v).length()));
    }

    /** The key of {@code debugData} that holds the request path; its presence marks a WEB transaction. */
    public static final String REQUEST_URI = "requestUri";

    private static LogEvent read(ResultSet rs) throws SQLException {
        return new LogEvent(rs.getLong("seq"), rs.getString("uuid"), rs.getTimestamp("published").toInstant(),
                rs.getString("event_type"), rs.getString("display_message"), Severity.valueOf(rs.getString("severity")),
                new Actor(rs.getString("actor_id"), rs.getString("actor_type"), rs.getString("actor_alternate_id"), rs.getString("actor_display_name")),
                rs.getString("client_ip"), rs.getString("client_user_agent"),
                new Outcome(rs.getString("outcome_result"), rs.getString("outcome_reason")),
                readTargets(rs.getString("targets")), rs.getString("transaction_id"),
                rs.getString("debug_data") == null ? Map.of() : readMap(rs.getString("debug_data")));
    }

    private static List<Target> readTargets(String json) {
        try {
            return new ArrayList<>(JSON.readValue(json, new TypeReference<List<Target>>() { }));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable targets in the System Log", e);
        }
    }

    private static Map<String, Object> readMap(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable debug data in the System Log", e);
        }
    }

    private static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
