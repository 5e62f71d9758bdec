package dev.gatehouse.mfa;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * SQL for the users' factors: {@code user_factors} (TOTP, one per user and type: the table's unique key) and, for
 * reading and removing, {@code webauthn_factors} (several per user; their own writes are in {@link WebAuthnStore}), so
 * a user's list, one factor, a delete and a reset cover both. Accepting a code is one
 * conditional UPDATE ({@link #accept}, {@link #activate}): only for a later time step than the last accepted one, so two
 * requests racing with one code cannot both succeed.
 */
public final class FactorStore {

    public void insert(Handle h, Factor f, String qrTokenHash) {
        h.createUpdate("""
                        INSERT INTO user_factors (id, user_id, factor_type, provider, status, kek_id, sealed_secret, last_step,
                            qr_token_hash, expires_at, created_at, last_updated_at, email)
                        VALUES (:id, :user, :type, :provider, :status, :kek, :sealed, NULL, :qr, :expires, :created, :created, :email)""")
                .bind("email", f.email() ? f.userEmail() : null).bind("id", f.id()).bind("user", f.userId()).bind("type", f.factorType()).bind("provider", f.provider())
                .bind("status", f.status().name()).bind("kek", f.kekId()).bind("sealed", f.sealedSecret()).bind("qr", qrTokenHash)
                .bind("expires", f.expiresAt()).bind("created", f.created())
                .execute();
    }

    /** Both kinds, oldest first. */
    public List<Factor> ofUser(Handle h, String userId) {
        List<Factor> all = new java.util.ArrayList<>(h.createQuery("SELECT * FROM user_factors WHERE user_id = :u ORDER BY created_at, id")
                .bind("u", userId).map((rs, c) -> read(rs)).list());
        all.addAll(h.createQuery("SELECT * FROM webauthn_factors WHERE user_id = :u ORDER BY created_at, id").bind("u", userId)
                .map((rs, c) -> WebAuthnStore.read(rs)).list());
        all.sort(java.util.Comparator.comparing(Factor::created).thenComparing(Factor::id));
        return all;
    }

    /** Of these users, those with at least one factor (pending or active). */
    public java.util.Set<String> withAny(Handle h, java.util.Collection<String> userIds) {
        java.util.Set<String> out = new java.util.HashSet<>(h.createQuery("SELECT DISTINCT user_id FROM user_factors WHERE user_id IN (<ids>)")
                .bindList("ids", List.copyOf(userIds)).mapTo(String.class).list());
        out.addAll(h.createQuery("SELECT DISTINCT user_id FROM webauthn_factors WHERE user_id IN (<ids>)")
                .bindList("ids", List.copyOf(userIds)).mapTo(String.class).list());
        return out;
    }

    /** The factor, only if it is this user's: another user's factor id is not found. */
    public Optional<Factor> find(Handle h, String userId, String id) {
        Optional<Factor> totp = h.createQuery("SELECT * FROM user_factors WHERE id = :id AND user_id = :u").bind("id", id).bind("u", userId)
                .map((rs, c) -> read(rs)).findOne();
        return totp.isPresent() ? totp : h.createQuery("SELECT * FROM webauthn_factors WHERE id = :id AND user_id = :u")
                .bind("id", id).bind("u", userId).map((rs, c) -> WebAuthnStore.read(rs)).findOne();
    }

    /** Removes the user's pending enrollment of this type (a new enrollment replaces it); how many rows went. */
    public int deletePending(Handle h, String userId, String type) {
        return h.createUpdate("DELETE FROM user_factors WHERE user_id = :u AND factor_type = :t AND status = 'PENDING_ACTIVATION'")
                .bind("u", userId).bind("t", type).execute();
    }

    /** Pending → ACTIVE with the step of the code that proved it, while the enrollment has not expired; false otherwise. */
    public boolean activate(Handle h, String id, long step, Instant now) {
        return h.createUpdate("""
                        UPDATE user_factors SET status = 'ACTIVE', last_step = :step, qr_token_hash = NULL, expires_at = NULL,
                            last_updated_at = :now
                        WHERE id = :id AND status = 'PENDING_ACTIVATION' AND expires_at > :now""")
                .bind("id", id).bind("step", step).bind("now", now).execute() == 1;
    }

    /** An email factor's pending → ACTIVE, once its code or link was taken. */
    public boolean activateEmail(Handle h, String id, Instant now) {
        return h.createUpdate("UPDATE user_factors SET status = 'ACTIVE', expires_at = NULL, last_updated_at = :now "
                        + "WHERE id = :id AND status = 'PENDING_ACTIVATION' AND factor_type = 'email'")
                .bind("id", id).bind("now", now).execute() == 1;
    }

    /** Records an accepted code of an ACTIVE factor, only for a later step than the last accepted one; false = replay. */
    public boolean accept(Handle h, String id, long step) {
        return h.createUpdate("""
                        UPDATE user_factors SET last_step = :step
                        WHERE id = :id AND status = 'ACTIVE' AND (last_step IS NULL OR last_step < :step)""")
                .bind("id", id).bind("step", step).execute() == 1;
    }

    /** Takes the one-time QR link of a pending, unexpired enrollment: true once, for the right token. */
    public boolean takeQrToken(Handle h, String userId, String id, String tokenHash, Instant now) {
        return h.createUpdate("""
                        UPDATE user_factors SET qr_token_hash = NULL
                        WHERE id = :id AND user_id = :u AND qr_token_hash = :hash AND status = 'PENDING_ACTIVATION' AND expires_at > :now""")
                .bind("id", id).bind("u", userId).bind("hash", tokenHash).bind("now", now).execute() == 1;
    }

    public boolean delete(Handle h, String userId, String id) {
        return h.createUpdate("DELETE FROM user_factors WHERE id = :id AND user_id = :u").bind("id", id).bind("u", userId).execute()
                + h.createUpdate("DELETE FROM webauthn_factors WHERE id = :id AND user_id = :u").bind("id", id).bind("u", userId).execute() == 1;
    }

    /** Every factor of the user, pending or active; how many. */
    public int deleteAll(Handle h, String userId) {
        h.createUpdate("DELETE FROM webauthn_challenges WHERE user_id = :u").bind("u", userId).execute();
        return h.createUpdate("DELETE FROM user_factors WHERE user_id = :u").bind("u", userId).execute()
                + h.createUpdate("DELETE FROM webauthn_factors WHERE user_id = :u").bind("u", userId).execute();
    }

    private static Factor read(ResultSet rs) throws SQLException {
        long step = rs.getLong("last_step");
        Long lastStep = rs.wasNull() ? null : step;
        java.sql.Timestamp expires = rs.getTimestamp("expires_at");
        return new Factor(rs.getString("id"), rs.getString("user_id"), rs.getString("factor_type"), rs.getString("provider"),
                Factor.Status.valueOf(rs.getString("status")), rs.getString("kek_id"), rs.getString("sealed_secret"), lastStep,
                expires == null ? null : expires.toInstant(), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("last_updated_at").toInstant(), null, rs.getString("email"));
    }
}
