package dev.gatehouse.support;

import dev.gatehouse.storage.Database;

/** Direct looks at the store, for asserting what was (not) written. */
public final class Sql {
    private Sql() {
    }

    public static String string(Database db, String sql) {
        return db.read(h -> h.createQuery(sql).mapTo(String.class).one());
    }

    public static long count(Database db, String sql) {
        Long n = db.read(h -> h.createQuery(sql).mapTo(Long.class).one());
        return n;
    }
}
