package dev.gatehouse.storage;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps the in-memory caches of several Gatehouse nodes on one PostgreSQL database in step with what is stored.
 * A cache registers a reload callback on a channel ({@link #onChange}); a change is written through {@link #write},
 * which sends {@code pg_notify(channel)} inside the change's own transaction (PostgreSQL delivers a notification
 * only when its transaction commits, so a rolled-back change reloads nothing) and, once the transaction is over,
 * runs the channel's callbacks on this node at once, so the writing node sees its own change before it answers.
 *
 * <p>Other nodes hear it on their listener: one platform thread per node with a connection of its own (opened from
 * the pool's JDBC URL and credentials, outside the pool so it never takes a request's connection) that LISTENs on
 * every registered channel. After each (re)connect it runs every callback, so a change made while it was
 * disconnected is not missed. On H2 there is one node: only the local invalidation runs.
 *
 * <p>Callbacks should be cheap: the caches here drop a snapshot and reload lazily on the next read.
 */
public final class ChangeFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final int POLL_MILLIS = 250;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Database db;
    private final Map<String, List<Runnable>> callbacks = new ConcurrentHashMap<>();
    private volatile Thread listener;
    private volatile boolean running;

    public ChangeFeed(Database db) {
        this.db = db;
    }

    /** Runs {@code reload} after every change on {@code channel}, on this node or (PostgreSQL) any other. */
    public void onChange(String channel, Runnable reload) {
        if (listener != null) {
            throw new IllegalStateException("Register '" + channel + "' before the change feed starts listening");
        }
        callbacks.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(reload);
    }

    /**
     * Runs {@code work} in one transaction that also announces a change on {@code channel}, then invalidates this
     * node's caches for it. The local invalidation runs even when the transaction fails: a failed commit may still
     * have committed, and a needless reload costs one query.
     */
    public <R> R write(String channel, HandleCallback<R, RuntimeException> work) {
        try {
            return db.tx(h -> {
                R r = work.withHandle(h);
                announce(h, channel);
                return r;
            });
        } finally {
            changedHere(channel);
        }
    }

    /** {@link #write}, for work that returns nothing (as {@link Database#inTx} to {@link Database#tx}). */
    public void inTx(String channel, org.jdbi.v3.core.HandleConsumer<RuntimeException> work) {
        write(channel, h -> {
            work.useHandle(h);
            return null;
        });
    }

    /**
     * Announces a change on {@code channel} inside a transaction the caller runs; the caller must call
     * {@link #changedHere} after it ends. For changes that join a larger transaction (a server's scopes).
     */
    public void announce(Handle h, String channel) {
        if (db.isPostgres()) {
            Database.pgNotify(h, channel);
        }
    }

    /** Runs the channel's callbacks on this node (after a local commit). */
    public void changedHere(String channel) {
        run(channel);
    }

    /**
     * Starts listening for other nodes' changes (PostgreSQL only; on H2 this does nothing). Call after every cache
     * has registered; {@code user}/{@code password} may be null.
     */
    public synchronized ChangeFeed listen(String jdbcUrl, String user, String password) {
        if (!db.isPostgres() || listener != null) {
            return this;
        }
        Properties credentials = new Properties();
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
        running = true;
        listener = Thread.ofPlatform().daemon().name("gatehouse-change-feed").start(() -> listen(jdbcUrl, credentials));
        return this;
    }

    private void listen(String jdbcUrl, Properties credentials) {
        Duration backoff = Duration.ofSeconds(1);
        while (running) {
            try (Connection c = DriverManager.getConnection(jdbcUrl, credentials)) {
                try (Statement s = c.createStatement()) {
                    for (String channel : callbacks.keySet()) {
                        Database.pgListen(s, channel);
                    }
                }
                callbacks.keySet().forEach(this::run);   // whatever changed while we were not listening
                backoff = Duration.ofSeconds(1);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        Set<String> changed = new HashSet<>();
                        for (PGNotification n : notifications) {
                            changed.add(n.getName());
                        }
                        changed.forEach(this::run);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("The change feed lost its database connection ({}); retrying in {} s. Until then, changes made on "
                        + "other nodes reach this node's caches only through their safety expiry or the reconnect.",
                        e.getMessage(), backoff.toSeconds());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void run(String channel) {
        // A callback that fails (an eager reload that cannot reach the database) propagates: on the listener it
        // ends the connection, and the reconnect runs every callback again.
        for (Runnable r : callbacks.getOrDefault(channel, List.of())) {
            r.run();
        }
    }

    @Override
    public void close() {
        running = false;
        Thread t = listener;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
