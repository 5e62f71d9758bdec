package dev.gatehouse.sessions;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SQL for {@code sessions}. */
public final class SessionStore {

    public void insert(Handle h, Session s, String tokenHash) {
        h.createUpdate("""
                        INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at, password_verified_at, amr,
                                              factor_verified_at)
                        VALUES (:id, :hash, :userId, :created, :lastSeen, :expires, :pwd, :amr, :factor)""")
                .bind("id", s.id()).bind("hash", tokenHash).bind("userId", s.userId()).bind("created", s.created())
                .bind("lastSeen", s.lastSeen()).bind("expires", s.absoluteExpiry()).bind("pwd", s.passwordVerified()).bind("amr", String.join(" ", s.amr()))
                .bind("factor", s.factorVerified())
                .execute();
    }

    public Optional<Session> find(Handle h, String id) {
        return h.createQuery("SELECT * FROM sessions WHERE id = :id").bind("id", id).map((rs, c) -> read(rs)).findOne();
    }

    /**
     * Ends what could still become a session of the user (issue #20): unredeemed sessionTokens and unfinished
     * Authentication API transactions; called wherever the user's sessions are ended.
     */
    public void deletePendingSignIns(Handle h, String userId) {
        h.createUpdate("DELETE FROM session_tokens WHERE user_id = :u").bind("u", userId).execute();
        h.createUpdate("DELETE FROM authn_transactions WHERE user_id = :u").bind("u", userId).execute();
    }

    public Optional<Session> findByHash(Handle h, String tokenHash) {
        return h.createQuery("SELECT * FROM sessions WHERE token_hash = :hash").bind("hash", tokenHash).map((rs, c) -> read(rs)).findOne();
    }

    /** How often at most a session's last-seen moves forward as it is used. */
    public static final java.time.Duration TOUCH_EVERY = java.time.Duration.ofSeconds(60);

    /**
     * Moves last-seen forward, at most once a minute per session, so reading a session is usually free of writes (callers
     * skip the statement when the session they read was seen within the minute: one round trip less per request).
     */
    public void touch(Handle h, String id, Instant now) {
        h.createUpdate("UPDATE sessions SET last_seen_at = :now WHERE id = :id AND last_seen_at < :threshold")
                .bind("id", id).bind("now", now).bind("threshold", now.minus(TOUCH_EVERY)).execute();
    }

    /** Unconditionally refreshes last-seen (the session refresh endpoint). */
    public void refresh(Handle h, String id, Instant now) {
        h.createUpdate("UPDATE sessions SET last_seen_at = :now WHERE id = :id").bind("id", id).bind("now", now).execute();
    }

    /**
     * Records a second-factor verification: the new methods, the time, and a new cookie token (the old cookie no longer
     * names the session, so a cookie planted or seen before the step-up cannot ride on it). False when the session is gone.
     */
    public boolean stepUp(Handle h, String id, String newTokenHash, List<String> amr, Instant now) {
        return h.createUpdate("""
                        UPDATE sessions SET token_hash = :hash, amr = :amr, factor_verified_at = :now, last_seen_at = :now
                        WHERE id = :id""")
                .bind("id", id).bind("hash", newTokenHash).bind("amr", String.join(" ", amr)).bind("now", now).execute() == 1;
    }

    /**
     * The user's sessions no longer count any second factor (their factors were removed): amr back to the password. So do
     * what could still become a session (issue #20): an unredeemed sessionToken, and an Authentication API transaction
     * that verified the removed factor (it could otherwise enroll a factor of its own): the transactions end.
     */
    public void forgetFactors(Handle h, String userId) {
        h.createUpdate("UPDATE sessions SET amr = 'pwd', factor_verified_at = NULL WHERE user_id = :u").bind("u", userId).execute();
        h.createUpdate("UPDATE session_tokens SET amr = 'pwd', factor_verified_at = NULL WHERE user_id = :u").bind("u", userId).execute();
        h.createUpdate("DELETE FROM authn_transactions WHERE user_id = :u").bind("u", userId).execute();
    }

    public boolean delete(Handle h, String id) {
        return h.createUpdate("DELETE FROM sessions WHERE id = :id").bind("id", id).execute() == 1;
    }

    public int deleteForUser(Handle h, String userId) {
        return h.createUpdate("DELETE FROM sessions WHERE user_id = :u").bind("u", userId).execute();
    }

    /** The user's sessions, live or expired, except {@code keepId} (null: all), by id. */
    public List<Session> ofUser(Handle h, String userId, String keepId) {
        return h.createQuery("""
                        SELECT * FROM sessions WHERE user_id = :u AND (CAST(:keep AS VARCHAR(20)) IS NULL OR id <> :keep) ORDER BY id""")
                .bind("u", userId).bind("keep", keepId).map((rs, c) -> read(rs)).list();
    }

    /** Deletes the user's sessions except {@code keepId} (null: all); how many there were. */
    public int deleteForUser(Handle h, String userId, String keepId) {
        return h.createUpdate("DELETE FROM sessions WHERE user_id = :u AND (CAST(:keep AS VARCHAR(20)) IS NULL OR id <> :keep)")
                .bind("u", userId).bind("keep", keepId).execute();
    }

    private static Session read(ResultSet rs) throws SQLException {
        return new Session(rs.getString("id"), rs.getString("user_id"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("last_seen_at")), instant(rs.getTimestamp("expires_at")),
                instant(rs.getTimestamp("password_verified_at")),
                java.util.Arrays.stream(rs.getString("amr").split(" ")).filter(m -> !m.isEmpty()).toList(),
                instant(rs.getTimestamp("factor_verified_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
