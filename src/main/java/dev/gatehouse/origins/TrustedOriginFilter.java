package dev.gatehouse.origins;

import dev.gatehouse.storage.Filter;
import dev.gatehouse.origins.TrustedOrigin.Scope;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code filter} may name on trusted origins: {@code id}, {@code name} (any case), {@code origin},
 * {@code status} with string values, and {@code type} with {@code eq}/{@code ne} and a scope type, which
 * reads "has (or has not) that scope" ({@code type eq "CORS"}).
 */
final class TrustedOriginFilter {

    private static final Map<String, String> COLUMNS = Map.of("id", "id", "name", "name", "origin", "origin", "status", "status",
            "scope.CORS", "cors", "scope.REDIRECT", "redirect");

    private TrustedOriginFilter() {
    }

    static String toSql(Filter f, Map<String, Object> binds) throws Filter.InvalidFilter {
        return Filter.toSql(typed(f), COLUMNS, Set.of("name"), binds);
    }

    private static Filter typed(Filter f) {
        return switch (f) {
            case Filter.And(Filter l, Filter r) -> new Filter.And(typed(l), typed(r));
            case Filter.Or(Filter l, Filter r) -> new Filter.Or(typed(l), typed(r));
            case Filter.Not(Filter inner) -> new Filter.Not(typed(inner));
            case Filter.Comparison c -> typed(c);
        };
    }

    private static Filter typed(Filter.Comparison c) {
        String op = c.op().name().toLowerCase(Locale.ROOT);
        if (c.attribute().startsWith("scope.")) {
            throw new Filter.InvalidFilter("Invalid filter: unsupported attribute '" + c.attribute() + "'");
        }
        if (c.attribute().equals("type")) {
            if ((c.op() != Filter.Op.EQ && c.op() != Filter.Op.NE) || !(c.value() instanceof String type)
                    || Arrays.stream(Scope.values()).noneMatch(s -> s.name().equals(type))) {
                throw new Filter.InvalidFilter("Invalid filter: 'type " + op + "' needs eq or ne and \"CORS\" or \"REDIRECT\"");
            }
            return new Filter.Comparison("scope." + type, Filter.Op.EQ, c.op() == Filter.Op.EQ);
        }
        if (COLUMNS.containsKey(c.attribute()) && c.op() != Filter.Op.PR && !(c.value() instanceof String)) {
            throw new Filter.InvalidFilter("Invalid filter: '" + c.attribute() + " " + op + "' needs a quoted string value");
        }
        return c;
    }
}
