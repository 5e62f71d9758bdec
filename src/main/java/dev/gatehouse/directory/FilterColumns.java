package dev.gatehouse.directory;

import dev.gatehouse.storage.Filter;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What an Okta {@code filter}/{@code search} may name on one table: each attribute's SQL column,
 * which attributes hold dates (values are ISO-8601 strings, compared as instants), which strings
 * compare without regard to case, and which are compared on a key column through a key function
 * ({@code keyed}: the value is put through it before it is bound). Everything else is refused with a
 * message for the API caller.
 */
record FilterColumns(Map<String, String> columns, Set<String> dates, Set<String> caseInsensitive,
                     Map<String, UnaryOperator<String>> keyed) {

    FilterColumns(Map<String, String> columns, Set<String> dates, Set<String> caseInsensitive) {
        this(columns, dates, caseInsensitive, Map.of());
    }

    /** A SQL condition for {@code filter}, its values added to {@code binds}; see {@link Filter#toSql}. */
    String toSql(Filter filter, Map<String, Object> binds) throws Filter.InvalidFilter {
        return Filter.toSql(typed(filter), columns, caseInsensitive, binds);
    }

    private Filter typed(Filter f) {
        return switch (f) {
            case Filter.And(Filter l, Filter r) -> new Filter.And(typed(l), typed(r));
            case Filter.Or(Filter l, Filter r) -> new Filter.Or(typed(l), typed(r));
            case Filter.Not(Filter inner) -> new Filter.Not(typed(inner));
            case Filter.Comparison c -> typed(c);
        };
    }

    private Filter.Comparison typed(Filter.Comparison c) {
        if (!columns.containsKey(c.attribute()) || c.value() == null) {
            return c;
        }
        String op = c.op().name().toLowerCase(Locale.ROOT);
        if (!dates.contains(c.attribute())) {
            if (!(c.value() instanceof String s)) {
                throw new Filter.InvalidFilter("Invalid filter: '" + c.attribute() + " " + op + "' needs a quoted string value");
            }
            UnaryOperator<String> key = keyed.get(c.attribute());
            return key == null ? c : new Filter.Comparison(c.attribute(), c.op(), key.apply(s));
        }
        if (c.op() == Filter.Op.SW || c.op() == Filter.Op.EW || c.op() == Filter.Op.CO || !(c.value() instanceof String s)) {
            throw new Filter.InvalidFilter("Invalid filter: '" + c.attribute() + " " + op
                    + "' needs eq, ne, gt, ge, lt or le and a date such as \"2026-01-01T00:00:00.000Z\"");
        }
        try {
            return new Filter.Comparison(c.attribute(), c.op(), Instant.parse(s));
        } catch (DateTimeParseException e) {
            throw new Filter.InvalidFilter("Invalid filter: '" + s + "' is not a date such as \"2026-01-01T00:00:00.000Z\"");
        }
    }
}
