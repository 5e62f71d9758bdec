package dev.gatehouse.authn;

import dev.gatehouse.storage.Hashes;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/** SQL for {@code authn_transactions} (V38). Every state change is conditional on the state it leaves, so a replayed or
 * concurrent call finds the row moved on and changes nothing. */
public final class AuthnStore {

    void insert(Handle h, AuthnTransaction t, String stateToken) {
        h.createUpdate("""
                        INSERT INTO authn_transactions (id, state_hash, user_id, status, kind, amr, password_verified_at, factor_verified_at,
                                                        factor_id, relay_state, recovery_kek, recovery_sealed, created_at, expires_at)
                        VALUES (:id, :hash, :user, :status, :kind, :amr, :pwd, :factor, :factorId, :relay, :kek, :sealed, :created, :expires)""")
                .bind("id", t.id()).bind("hash", Hashes.sha256(stateToken)).bind("user", t.userId()).bind("status", t.status().name())
                .bind("kind", t.kind().name()).bind("amr", String.join(" ", t.amr())).bind("pwd", ts(t.passwordVerified()))
                .bind("factor", ts(t.factorVerified())).bind("factorId", t.factorId()).bind("relay", t.relayState())
                .bind("kek", t.recoveryKek()).bind("sealed", t.recoverySealed()).bind("created", ts(t.created()))
                .bind("expires", ts(t.expires())).execute();
    }

    /** The live transaction a stateToken names (each later change is conditional on the state read here). */
    Optional<AuthnTransaction> find(Handle h, String stateToken, Instant now) {
        return h.createQuery("SELECT * FROM authn_transactions WHERE state_hash = :hash AND expires_at > :now")
                .bind("hash", Hashes.sha256(stateToken)).bind("now", ts(now)).map((rs, c) -> read(rs)).findOne();
    }

    /** Moves a transaction on from the state it was read in; false when it had moved already. */
    boolean update(Handle h, AuthnTransaction from, AuthnTransaction to, Instant expires) {
        return h.createUpdate("""
                        UPDATE authn_transactions SET status = :status, amr = :amr, factor_verified_at = :factor, factor_id = :factorId,
                               expires_at = :expires
                        WHERE id = :id AND status = :from""")
                .bind("id", from.id()).bind("from", from.status().name()).bind("status", to.status().name())
                .bind("amr", String.join(" ", to.amr())).bind("factor", ts(to.factorVerified())).bind("factorId", to.factorId())
                .bind("expires", ts(expires)).execute() == 1;
    }

    boolean delete(Handle h, String id) {
        return h.createUpdate("DELETE FROM authn_transactions WHERE id = :id").bind("id", id).execute() == 1;
    }

    int deleteExpired(Handle h, Instant now) {
        return h.createUpdate("DELETE FROM authn_transactions WHERE expires_at <= :now").bind("now", ts(now)).execute();
    }

    int countLive(Handle h, String userId, Instant now) {
        return h.createQuery("SELECT COUNT(*) FROM authn_transactions WHERE user_id = :u AND expires_at > :now")
                .bind("u", userId).bind("now", ts(now)).mapTo(Integer.class).one();
    }

    /** Ends the user's oldest live transaction (to make room under the per-user cap). */
    void deleteOldest(Handle h, String userId) {
        h.createQuery("SELECT id FROM authn_transactions WHERE user_id = :u ORDER BY created_at, id").bind("u", userId)
                .mapTo(String.class).findFirst().ifPresent(id -> delete(h, id));
    }

    private static AuthnTransaction read(ResultSet rs) throws SQLException {
        return new AuthnTransaction(rs.getString("id"), rs.getString("user_id"), AuthnTransaction.Status.valueOf(rs.getString("status")),
                AuthnTransaction.Kind.valueOf(rs.getString("kind")),
                Arrays.stream(rs.getString("amr").split(" ")).filter(m -> !m.isEmpty()).toList(),
                instant(rs.getTimestamp("password_verified_at")), instant(rs.getTimestamp("factor_verified_at")),
                rs.getString("factor_id"), rs.getString("relay_state"), rs.getString("recovery_kek"), rs.getString("recovery_sealed"),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("expires_at")));
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
