package dev.gatehouse.syslog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.storage.Filter;
import dev.gatehouse.storage.Filter.Comparison;
import dev.gatehouse.storage.Filter.Op;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code filter} may say on {@code /api/v1/logs} (Okta accepts SCIM-like expressions on any LogEvent attribute;
 * Gatehouse supports the subset people use, and answers E0000031 for the rest):
 * <ul>
 *   <li>{@code uuid eventType severity displayMessage actor.id actor.type actor.alternateId actor.displayName
 *       client.ipAddress outcome.result outcome.reason transaction.id}: every operator
 *       ({@code eq ne sw ew co pr}, {@code gt ge lt le} compare as text) with a quoted string;
 *       {@code actor.alternateId} and {@code actor.displayName} compare in any case, the rest exactly;</li>
 *   <li>{@code published}: {@code eq ne gt ge lt le} with a quoted ISO-8601 date;</li>
 *   <li>{@code target.id target.type target.alternateId target.displayName}: {@code eq} and {@code ne} only,
 *       "some target has (or no target has) exactly this value";</li>
 *   <li>all combined with {@code and}, {@code or}, {@code not} and parentheses.</li>
 * </ul>
 */
final class LogFilter {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final Map<String, String> COLUMNS = Map.ofEntries(
            Map.entry("uuid", "uuid"),
            Map.entry("eventType", "event_type"),
            Map.entry("severity", "severity"),
            Map.entry("displayMessage", "display_message"),
            Map.entry("actor.id", "actor_id"),
            Map.entry("actor.type", "actor_type"),
            Map.entry("actor.alternateId", "actor_alternate_id"),
            Map.entry("actor.displayName", "actor_display_name"),
            Map.entry("client.ipAddress", "client_ip"),
            Map.entry("outcome.result", "outcome_result"),
            Map.entry("outcome.reason", "outcome_reason"),
            Map.entry("transaction.id", "transaction_id"),
            Map.entry("published", "published"),
            // the JSON text of target[]; only reached through the rewrite below
            Map.entry("targets", "targets"));

    private static final Set<String> ANY_CASE = Set.of("actor.alternateId", "actor.displayName");
    private static final Set<String> TARGET_FIELDS = Set.of("id", "type", "alternateId", "displayName");

    private LogFilter() {
    }

    /** A SQL condition for {@code f}, its values added to {@code binds}. */
    static String toSql(Filter f, Map<String, Object> binds) throws Filter.InvalidFilter {
        return Filter.toSql(typed(f), COLUMNS, ANY_CASE, binds);
    }

    private static Filter typed(Filter f) {
        return switch (f) {
            case Filter.And(Filter l, Filter r) -> new Filter.And(typed(l), typed(r));
            case Filter.Or(Filter l, Filter r) -> new Filter.Or(typed(l), typed(r));
            case Filter.Not(Filter inner) -> new Filter.Not(typed(inner));
            case Comparison c -> typed(c);
        };
    }

    private static Filter typed(Comparison c) {
        String attribute = c.attribute();
        String op = c.op().name().toLowerCase(Locale.ROOT);
        if (attribute.startsWith("target.") && TARGET_FIELDS.contains(attribute.substring("target.".length()))) {
            if ((c.op() != Op.EQ && c.op() != Op.NE) || !(c.value() instanceof String value)) {
                throw new Filter.InvalidFilter("Invalid filter: '" + attribute + " " + op + "' needs eq or ne and a quoted string value");
            }
            // Targets are stored as a JSON array; a JSON string cannot contain an unescaped quote, so the fragment
            // "alternateId":"value" occurs in the text exactly when some target has that value.
            Comparison has = new Comparison("targets", Op.CO, "\"" + attribute.substring("target.".length()) + "\":" + json(value));
            return c.op() == Op.EQ ? has : new Filter.Not(has);
        }
        if (!COLUMNS.containsKey(attribute) || attribute.equals("targets")) {
            throw new Filter.InvalidFilter("Invalid filter: unsupported attribute '" + attribute + "'");
        }
        if (c.op() == Op.PR) {
            return c;
        }
        if (!(c.value() instanceof String value)) {
            throw new Filter.InvalidFilter("Invalid filter: '" + attribute + " " + op + "' needs a quoted string value");
        }
        if (attribute.equals("published")) {
            if (c.op() == Op.SW || c.op() == Op.EW || c.op() == Op.CO) {
                throw new Filter.InvalidFilter("Invalid filter: 'published " + op + "' is not supported; use eq, ne, gt, ge, lt or le");
            }
            return new Comparison(attribute, c.op(), date(value));
        }
        return c;
    }

    private static Instant date(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new Filter.InvalidFilter("Invalid filter: '" + value + "' is not an ISO-8601 date such as 2026-01-01T00:00:00.000Z");
        }
    }

    private static String json(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
