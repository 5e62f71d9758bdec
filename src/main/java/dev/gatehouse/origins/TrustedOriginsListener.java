package dev.gatehouse.origins;

import dev.gatehouse.storage.Database;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Keeps the trusted-origin caches of several Gatehouse nodes on one PostgreSQL database in step: every change
 * sends {@code NOTIFY gatehouse_trusted_origins} in its own transaction (so it is delivered only if the change
 * commits), and each node runs this listener, a thread with a connection of its own (opened from the same JDBC
 * URL and credentials as the pool, outside the pool so it never takes a request's connection), which reloads
 * the cache on every notification. After (re)connecting it reloads once, so changes made while it was
 * disconnected are not missed. On H2 there is one node and no listener.
 */
public final class TrustedOriginsListener implements AutoCloseable {

    public static final String CHANNEL = "gatehouse_trusted_origins";

    private static final Logger LOG = LoggerFactory.getLogger(TrustedOriginsListener.class);
    private static final int POLL_MILLIS = 250;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final String jdbcUrl;
    private final Properties credentials;
    private final Runnable onChange;
    private final Thread thread;
    private volatile boolean running = true;

    private TrustedOriginsListener(String jdbcUrl, String user, String password, Runnable onChange) {
        this.jdbcUrl = jdbcUrl;
        this.credentials = new Properties();
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
        this.onChange = onChange;
        this.thread = Thread.ofPlatform().daemon().name("gatehouse-trusted-origins-listener").unstarted(this::run);
    }

    /** Starts listening in the background; {@code onChange} runs on every notification and after each (re)connect. */
    public static TrustedOriginsListener start(String jdbcUrl, String user, String password, Runnable onChange) {
        TrustedOriginsListener l = new TrustedOriginsListener(jdbcUrl, user, password, onChange);
        l.thread.start();
        return l;
    }

    /** Announces a change to every node, inside the change's transaction; a no-op on H2 (one node). */
    public static void announce(Database db, Handle h) {
        if (db.isPostgres()) {
            h.execute("NOTIFY " + CHANNEL);
        }
    }

    private void run() {
        Duration backoff = Duration.ofSeconds(1);
        while (running) {
            try (Connection c = DriverManager.getConnection(jdbcUrl, credentials)) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                onChange.run();
                backoff = Duration.ofSeconds(1);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    var notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        onChange.run();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("Trusted-origin change listener lost its database connection ({}); retrying in {} s. "
                        + "Until then, changes made on other nodes reach this node only when it reconnects.", e.getMessage(), backoff.toSeconds());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
