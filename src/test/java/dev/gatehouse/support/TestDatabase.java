package dev.gatehouse.support;

import dev.gatehouse.Wiring;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.storage.Database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The databases every store and HTTP test runs on: H2 always, PostgreSQL when
 * {@code GATEHOUSE_TEST_POSTGRES_URL} is set (CI always sets it). Each test server gets a store of
 * its own: a fresh H2 file in its temp dir, or a fresh schema (or database) on PostgreSQL.
 *
 * <p>Running every migration for each of the suite's ~250 test servers took about a second each, a third of the
 * suite's time. So {@link #prepare} gives a test server a copy of a store migrated once per test run (a template):
 * the H2 files copied into its data dir, or on PostgreSQL a database made with {@code CREATE DATABASE … TEMPLATE}
 * (the test role needs CREATEDB, which {@code ./gatehouse test} grants; without it each server gets an empty schema
 * and migrates it, as before). Flyway still runs at every start and finds the copy up to date: the copy is exactly
 * what the migrations make. Tests of the migrations themselves use {@link #freshUrl()}, an empty store.
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
        String schema = "t_" + random();
        String base = postgresUrl();
        try (Connection c = DriverManager.getConnection(base)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create a test schema on " + base, e);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /**
     * A new store already migrated to the current schema, for a server whose data dir is {@code dataDir}: the JDBC URL
     * of a PostgreSQL database, or null for H2 (whose files are then already in {@code dataDir}).
     */
    public String prepare(Path dataDir) {
        if (this == H2) {
            H2Template.copyInto(dataDir);
            return null;
        }
        String template = PostgresTemplate.name();
        if (template == null) {
            return freshUrl();   // no CREATEDB here: an empty schema, migrated by the server at its start
        }
        String name = CLONE_PREFIX + random();
        execute(postgresUrl(), "CREATE DATABASE " + name + " TEMPLATE " + template);
        return withDatabase(postgresUrl(), name);
    }

    /** Drops a schema made by {@link #freshUrl()} or a database made by {@link #prepare}. */
    public static void drop(String url) {
        if (url == null) {
            return;
        }
        if (url.contains("currentSchema=")) {
            String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
            execute(postgresUrl(), "DROP SCHEMA " + schema + " CASCADE");
            return;
        }
        Matcher m = PG_URL.matcher(url);
        if (m.matches() && m.group(2).startsWith(CLONE_PREFIX)) {
            execute(postgresUrl(), "DROP DATABASE IF EXISTS " + m.group(2) + " WITH (FORCE)");
        }
    }

    private static final String CLONE_PREFIX = "gh_t_";
    private static final Pattern PG_URL = Pattern.compile("(jdbc:postgresql://[^/?]*/)([^?]*)(.*)");

    private static String random() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    private static String withDatabase(String url, String database) {
        Matcher m = PG_URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalStateException("Not a PostgreSQL JDBC URL: " + url);
        }
        return m.group(1) + database + m.group(3);
    }

    private static void execute(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + url, e);
        }
    }

    /** The H2 files of a store migrated once per JVM, in a temp dir of their own. */
    private static final class H2Template {
        private static final Path DIR = make();

        private static Path make() {
            try {
                Path dir = Files.createTempDirectory("gatehouse-h2-template");
                GatehouseConfig c = ConfigLoader.load(List.of("--data-dir", dir.toString()), Map.of());
                Database.open(c.jdbcUrl(), null, null, 2, Wiring.JAVA_MIGRATIONS).close();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static void copyInto(Path dataDir) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(DIR, "gatehouse.*")) {
                for (Path f : files) {
                    Files.copy(f, dataDir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A PostgreSQL database migrated once per JVM, or null when the test role may not create databases. */
    private static final class PostgresTemplate {
        private static final String NAME = make();

        static String name() {
            return NAME;
        }

        private static String make() {
            String base = postgresUrl();
            String name = "gh_tmpl_" + random();
            try (Connection c = DriverManager.getConnection(base)) {
                c.createStatement().execute("CREATE DATABASE " + name);
            } catch (SQLException e) {
                System.err.println("TestDatabase: cannot create databases on " + base + " (" + e.getMessage()
                        + "); every test server migrates an empty schema instead (slower). './gatehouse test' grants CREATEDB.");
                return null;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> execute(base, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")));
            Database.open(withDatabase(base, name), null, null, 2, Wiring.JAVA_MIGRATIONS).close();
            return name;
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp dir is harmless
        }
    }
}
