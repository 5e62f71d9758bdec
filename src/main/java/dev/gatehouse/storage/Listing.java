package dev.gatehouse.storage;

import java.util.Map;

/**
 * The two pieces every list query of the stores shares: a LIKE pattern with the user's text escaped
 * (use with {@code ESCAPE '!'}, which works the same on H2 and PostgreSQL), and keyset paging by id.
 */
public final class Listing {

    private Listing() {
    }

    /** {@code text} with {@code ! % _} escaped by {@code !}, for a {@code LIKE … ESCAPE '!'} pattern. */
    public static String escapeLike(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    /** A pattern matching values that start with {@code text}. */
    public static String startsWith(String text) {
        return escapeLike(text) + "%";
    }

    /** Appends {@code AND <idColumn> > :after ORDER BY <idColumn> LIMIT :limit} and binds both. */
    public static void page(StringBuilder sql, Map<String, Object> binds, String idColumn, String after, int limit) {
        if (after != null) {
            sql.append(" AND ").append(idColumn).append(" > :after");
            binds.put("after", after);
        }
        sql.append(" ORDER BY ").append(idColumn).append(" LIMIT :limit");
        binds.put("limit", limit);
    }
}
