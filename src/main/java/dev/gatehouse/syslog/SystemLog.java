package dev.gatehouse.syslog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.syslog.LogEvent.Outcome;
import dev.gatehouse.syslog.LogEvent.Severity;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes and reads the System Log. Every capability records its security-relevant acts here, in
 * the same transaction as the change itself, so a change that rolls back leaves no event behind.
 */
public final class SystemLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;

    public SystemLog(Clock clock) {
        this.clock = clock;
    }

    /** What to record: the event type, its message, the outcome and what it acted on. */
    public record Entry(String eventType, String displayMessage, Severity severity, Outcome outcome,
                        List<Target> targets, Map<String, Object> debugData) {
        public static Entry success(String eventType, String displayMessage, Target... targets) {
            return new Entry(eventType, displayMessage, Severity.INFO, Outcome.SUCCESS, List.of(targets), Map.of());
        }

        public static Entry failure(String eventType, String displayMessage, String reason, Target... targets) {
            return new Entry(eventType, displayMessage, Severity.WARN, Outcome.failure(reason), List.of(targets), Map.of());
        }

        public Entry withDebug(Map<String, Object> data) {
            return new Entry(eventType, displayMessage, severity, outcome, targets, data);
        }
    }

    public void record(Handle h, EventContext ctx, Entry e) {
        Actor a = ctx.actor();
        h.createUpdate("""
                        INSERT INTO system_log_events (uuid, published, event_type, display_message, severity,
                            actor_id, actor_type, actor_alternate_id, actor_display_name, client_ip, client_user_agent,
                            outcome_result, outcome_reason, targets, transaction_id, debug_data)
                        VALUES (:uuid, :published, :eventType, :message, :severity, :actorId, :actorType, :actorAlt,
                            :actorName, :ip, :ua, :result, :reason, :targets, :tx, :debug)""")
                .bind("uuid", UUID.randomUUID().toString())
                .bind("published", clock.instant())
                .bind("eventType", e.eventType())
                .bind("message", truncate(e.displayMessage(), 255))
                .bind("severity", e.severity().name())
                .bind("actorId", a.id())
                .bind("actorType", a.type())
                .bind("actorAlt", truncate(a.alternateId(), 255))
                .bind("actorName", truncate(a.displayName(), 255))
                .bind("ip", ctx.ipAddress())
                .bind("ua", truncate(ctx.userAgent(), 512))
                .bind("result", e.outcome().result())
                .bind("reason", truncate(e.outcome().reason(), 255))
                .bind("targets", write(e.targets()))
                .bind("tx", ctx.requestId())
                .bind("debug", e.debugData().isEmpty() ? null : write(e.debugData()))
                .execute();
    }

    /** A page of events, oldest first unless {@code descending}; {@code afterSeq} is the cursor. */
    public record Query(Instant since, Instant until, String eventType, String q, Long afterSeq, int limit, boolean descending) {
    }

    public List<LogEvent> list(Handle h, Query query) {
        StringBuilder sql = new StringBuilder("SELECT * FROM system_log_events WHERE 1 = 1");
        if (query.since() != null) sql.append(" AND published >= :since");
        if (query.until() != null) sql.append(" AND published < :until");
        if (query.eventType() != null) sql.append(" AND event_type = :eventType");
        if (query.q() != null) sql.append(" AND (LOWER(display_message) LIKE :q OR LOWER(actor_alternate_id) LIKE :q OR LOWER(targets) LIKE :q)");
        if (query.afterSeq() != null) sql.append(query.descending() ? " AND seq < :after" : " AND seq > :after");
        sql.append(" ORDER BY seq ").append(query.descending() ? "DESC" : "ASC").append(" LIMIT :limit");
        org.jdbi.v3.core.statement.Query stmt = h.createQuery(sql.toString());
        if (query.since() != null) stmt.bind("since", query.since());
        if (query.until() != null) stmt.bind("until", query.until());
        if (query.eventType() != null) stmt.bind("eventType", query.eventType());
        if (query.q() != null) stmt.bind("q", "%" + query.q().toLowerCase() + "%");
        if (query.afterSeq() != null) stmt.bind("after", query.afterSeq());
        return stmt.bind("limit", query.limit()).map((rs, c) -> read(rs)).list();
    }

    public long count(Handle h, String eventType) {
        return h.createQuery("SELECT COUNT(*) FROM system_log_events WHERE event_type = :t").bind("t", eventType).mapTo(Long.class).one();
    }

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

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
