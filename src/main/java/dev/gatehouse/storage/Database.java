package dev.gatehouse.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.DataDirectory;
import dev.gatehouse.config.GatehouseConfig;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.HandleConsumer;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The connection pool, the schema (Flyway, one set of portable migrations for H2 and PostgreSQL)
 * and JDBI. Stores receive this object and run their SQL through {@link #read} or {@link #tx};
 * a store method that must join a caller's transaction takes the {@link Handle} instead.
 */
public final class Database implements AutoCloseable {

    private static final Object MIGRATION_LOCK = new Object();

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean postgres;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.postgres = dataSource.getJdbcUrl().startsWith("jdbc:postgresql:");
    }

    /**
     * Opens the pool and migrates the schema; fails with a {@link ConfigException} saying what to fix. The SQL migrations are
     * in {@code db/migration}; the few that SQL cannot express portably are Java classes their capability owns (e.g.
     * {@code directory/migration}), handed in by the composition root, always the same list ({@code Wiring.JAVA_MIGRATIONS}).
     */
    public static Database open(GatehouseConfig config, List<JavaMigration> javaMigrations) {
        Database db = open(config.jdbcUrl(), config.dbUser().orElse(null), config.dbPassword().orElse(null), config.dbPoolSize(),
                javaMigrations);
        if (config.embeddedDatabase()) {
            // H2 created its files with the process's umask, inside the 0700 data directory: now they are 0600 too.
            DataDirectory.restrictDatabaseFiles(config.dataDir());
        }
        return db;
    }

    public static Database open(String jdbcUrl, String user, String password, int poolSize, List<JavaMigration> javaMigrations) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(durable(jdbcUrl));
        if (user != null) {
            hc.setUsername(user);
        }
        if (password != null) {
            hc.setPassword(password);
        }
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(Math.min(2, poolSize));
        hc.setPoolName("gatehouse-db");
        hc.setConnectionTimeout(5_000);
        hc.setInitializationFailTimeout(5_000);
        hc.setAutoCommit(true);
        // Every connection is READ COMMITTED from the pool (Hikari sets it once and resets it on return), so a
        // transaction need not ask for a level: asking made JDBI query the level around every transaction, which
        // the PostgreSQL driver answers with a round trip (SHOW TRANSACTION ISOLATION LEVEL, ~6 per token request).
        hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (HikariPool.PoolInitializationException e) {
            throw new ConfigException("Cannot connect to the database at " + redact(jdbcUrl) + ": " + rootMessage(e)
                    + ". Check GATEHOUSE_DB_URL, GATEHOUSE_DB_USER and GATEHOUSE_DB_PASSWORD, and that the database is running.");
        } catch (RuntimeException e) {
            throw new ConfigException("Cannot open the database at " + redact(jdbcUrl) + ": " + rootMessage(e) + ".");
        }
        try {
            // Flyway serialises nodes migrating one PostgreSQL database with an advisory lock; on H2 its lock is a
            // SELECT ... FOR UPDATE that an empty history table cannot hold, and one H2 file can only be shared by
            // pools in the same JVM, so a JVM-wide lock serialises them instead.
            synchronized (MIGRATION_LOCK) {
                Flyway.configure().dataSource(ds).locations("classpath:db/migration")
                        .javaMigrations(javaMigrations.toArray(JavaMigration[]::new)).load().migrate();
            }
        } catch (RuntimeException e) {
            ds.close();
            throw new ConfigException("Cannot prepare the database schema at " + redact(jdbcUrl) + ": " + rootMessage(e) + ".");
        }
        return new Database(ds);
    }

    /**
     * An H2 file database writes a commit to its file only up to {@code WRITE_DELAY} (500 ms by default) later, from a
     * background thread: a {@code kill -9} (or a crash) then loses transactions whose success was already answered
     * (CrashSafetyTest found acknowledged refresh tokens missing after a restart). {@code WRITE_DELAY=0} makes every
     * commit write to the file before it returns, so an acknowledged change survives the process. (It is not an fsync:
     * a power cut can still lose the last commits the OS had not written; PostgreSQL is the database for that.)
     * A URL that sets {@code WRITE_DELAY} itself is left alone; in-memory databases have nothing to write.
     */
    static String durable(String jdbcUrl) {
        boolean h2File = jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:h2:mem:");
        if (!h2File || jdbcUrl.toUpperCase(java.util.Locale.ROOT).contains("WRITE_DELAY=")) {
            return jdbcUrl;
        }
        return jdbcUrl + ";WRITE_DELAY=0";
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public boolean isPostgres() {
        return postgres;
    }

    /** Runs read-only work on a pooled handle (autocommit). */
    public <R> R read(HandleCallback<R, RuntimeException> work) {
        return jdbi.withHandle(work);
    }

    /** Runs work in one READ COMMITTED transaction (the pool's level) and returns its result; an exception rolls everything back. */
    public <R> R tx(HandleCallback<R, RuntimeException> work) {
        return jdbi.inTransaction(work);
    }

    /** {@link #tx} for work that returns nothing. */
    public void inTx(HandleConsumer<RuntimeException> work) {
        jdbi.useTransaction(work);
    }

    /** True when a connection can be taken and answers a trivial query within a second. */
    public boolean ready() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(1);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /** PostgreSQL: announces a change on {@code channel} to every listening node when {@code h}'s transaction commits. */
    public static void pgNotify(Handle h, String channel) {
        h.createQuery("SELECT pg_notify(:channel, '')").bind("channel", channel).mapTo(String.class).one();
    }

    /** PostgreSQL: makes the connection of {@code s} receive the notifications of {@code channel}. */
    public static void pgListen(java.sql.Statement s, String channel) throws SQLException {
        // Channel names are our own constants (identifiers), never user input.
        s.execute("LISTEN " + channel);
    }

    /** True for a unique-key violation (SQLState 23505 on both H2 and PostgreSQL). */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** True for a foreign-key violation (SQLState 23503 on both H2 and PostgreSQL): a referenced row is gone. */
    public static boolean isForeignKeyViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && ("23503".equals(s.getSQLState()) || "23506".equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.lines().findFirst().orElse(m).trim();
    }
}
