package dev.gatehouse.mfa;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * SQL for {@code email_factor_challenges}: the one live code-and-link of an email factor. A new challenge replaces the
 * factor's old one (the unique factor_id), so the table never holds more than one row per factor. Taking a code or a
 * link, and counting a wrong code, are each one conditional UPDATE: two requests racing with one code cannot both win,
 * and a code past its tries, its lifetime or its first use is never taken.
 */
public final class EmailChallengeStore {

    public enum Purpose { ACTIVATION, VERIFY }

    /** A challenge as stored: hashes only. */
    public record Challenge(String id, String factorId, String userId, Purpose purpose, String codeHash, String linkHash, String sessionId,
                            String fromUri, int tries, Instant created, Instant expires, Instant used) {

        public boolean live(Instant now, int maxTries) {
            return used == null && now.isBefore(expires) && tries < maxTries;
        }
    }

    /** Replaces the factor's challenge with {@code c}. */
    public void replace(Handle h, Challenge c) {
        h.createUpdate("DELETE FROM email_factor_challenges WHERE factor_id = :f").bind("f", c.factorId()).execute();
        h.createUpdate("""
                        INSERT INTO email_factor_challenges (id, factor_id, user_id, purpose, code_hash, link_hash, session_id, from_uri,
                            tries, created_at, expires_at)
                        VALUES (:id, :factor, :user, :purpose, :code, :link, :session, :from, 0, :created, :expires)""")
                .bind("id", c.id()).bind("factor", c.factorId()).bind("user", c.userId()).bind("purpose", c.purpose().name())
                .bind("code", c.codeHash()).bind("link", c.linkHash()).bind("session", c.sessionId()).bind("from", c.fromUri())
                .bind("created", c.created()).bind("expires", c.expires())
                .execute();
    }

    public Optional<Challenge> ofFactor(Handle h, String factorId) {
        return h.createQuery("SELECT * FROM email_factor_challenges WHERE factor_id = :f").bind("f", factorId).map((rs, c) -> read(rs)).findOne();
    }

    public Optional<Challenge> byLink(Handle h, String linkHash) {
        return h.createQuery("SELECT * FROM email_factor_challenges WHERE link_hash = :l").bind("l", linkHash).map((rs, c) -> read(rs)).findOne();
    }

    /** One more wrong code; false when the challenge was no longer live (taken, expired, or out of tries meanwhile). */
    public boolean countWrong(Handle h, String id, int maxTries, Instant now) {
        return h.createUpdate("""
                        UPDATE email_factor_challenges SET tries = tries + 1
                        WHERE id = :id AND used_at IS NULL AND expires_at > :now AND tries < :max""")
                .bind("id", id).bind("now", now).bind("max", maxTries).execute() == 1;
    }

    /** Takes the challenge: true once, while it is live. */
    public boolean take(Handle h, String id, int maxTries, Instant now) {
        return h.createUpdate("""
                        UPDATE email_factor_challenges SET used_at = :now
                        WHERE id = :id AND used_at IS NULL AND expires_at > :now AND tries < :max""")
                .bind("id", id).bind("now", now).bind("max", maxTries).execute() == 1;
    }

    private static Challenge read(ResultSet rs) throws SQLException {
        java.sql.Timestamp used = rs.getTimestamp("used_at");
        return new Challenge(rs.getString("id"), rs.getString("factor_id"), rs.getString("user_id"), Purpose.valueOf(rs.getString("purpose")),
                rs.getString("code_hash"), rs.getString("link_hash"), rs.getString("session_id"), rs.getString("from_uri"), rs.getInt("tries"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("expires_at").toInstant(), used == null ? null : used.toInstant());
    }
}
