package dev.gatehouse.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The databases every store and HTTP test runs on: H2 always, PostgreSQL when
 * {@code GATEHOUSE_TEST_POSTGRES_URL} is set (CI always sets it). Each test server gets a store of
 * its own: a fresh H2 file in its temp dir, or a fresh schema on PostgreSQL.
 */
public enum TestDatabase {
    H2, POSTGRES;

    public static final String POSTGRES_URL_ENV = "GATEHOUSE_TEST_POSTGRES_URL";

    /** Argument source for {@code @ParameterizedClass @MethodSource("dev.gatehouse.support.TestDatabase#all")}. */
    public static Stream<TestDatabase> all() {
        List<TestDatabase> dbs = new ArrayList<>(List.of(H2));
        if (postgresUrl() != null) {
            dbs.add(POSTGRES);
        }
        return dbs.stream();
    }

    static String postgresUrl() {
        String url = System.getenv(POSTGRES_URL_ENV);
        return url == null || url.isBlank() ? null : url;
    }

    /** A JDBC URL for a new empty store, or null for the embedded default in the data dir. */
    public String freshUrl() {
        if (this == H2) {
            return null;
        }
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String base = postgresUrl();
        try (Connection c = DriverManager.getConnection(base)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create a test schema on " + base, e);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Drops a schema made by {@link #freshUrl()}. */
    public static void drop(String url) {
        if (url == null || !url.contains("currentSchema=")) {
            return;
        }
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection c = DriverManager.getConnection(postgresUrl())) {
            c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
