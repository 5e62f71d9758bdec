package dev.gatehouse.mfa;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * SQL for {@code webauthn_factors} (writes; {@link FactorStore} reads and removes them with the TOTP ones) and
 * {@code webauthn_challenges}. Every step that must happen once is one conditional statement: a challenge is taken by a
 * DELETE that matches its hash, purpose, user and end ({@link #takeChallenge}); a pending factor is activated only while
 * pending and unexpired ({@link #activate}); a counter moves only from the value the verification read
 * ({@link #accept}).
 */
public final class WebAuthnStore {

    /**
     * What a challenge is for. RECOVERY (issue #19): an assertion on a password reset link's page; its stored hash also
     * covers the link's token (WebAuthn#startRecoveryAssertion), and being a purpose of its own (the table's key is user
     * and purpose) a sign-in challenge is never taken for a recovery, nor a recovery one for a sign-in.
     */
    public enum Purpose { REGISTRATION, ASSERTION, RECOVERY }

    /** A challenge as stored: what it was for and what it asked. */
    public record Challenge(String factorId, Authenticator.UserVerification userVerification) {
    }

    public void insertPending(Handle h, String id, String userId, Instant expiresAt, Instant now) {
        h.createUpdate("""
                        INSERT INTO webauthn_factors (id, user_id, status, expires_at, created_at, last_updated_at)
                        VALUES (:id, :u, 'PENDING_ACTIVATION', :expires, :now, :now)""")
                .bind("id", id).bind("u", userId).bind("expires", expiresAt).bind("now", now).execute();
    }

    /** Removes the user's pending WebAuthn enrollments (a new enrollment replaces them); how many. */
    public int deletePending(Handle h, String userId) {
        return h.createUpdate("DELETE FROM webauthn_factors WHERE user_id = :u AND status = 'PENDING_ACTIVATION'").bind("u", userId).execute();
    }

    /** The user's ACTIVE factor with this credential id: another user's credential is not found. */
    public Optional<Factor> byCredential(Handle h, String userId, String credentialId) {
        return h.createQuery("SELECT * FROM webauthn_factors WHERE user_id = :u AND credential_id = :c AND status = 'ACTIVE'")
                .bind("u", userId).bind("c", credentialId).map((rs, c) -> read(rs)).findOne();
    }

    /** Whether any factor, of any user, has this credential id. */
    public boolean credentialTaken(Handle h, String credentialId) {
        return h.createQuery("SELECT COUNT(*) FROM webauthn_factors WHERE credential_id = :c").bind("c", credentialId).mapTo(Integer.class).one() > 0;
    }

    /** Pending → ACTIVE with its credential, while pending and unexpired; false otherwise. */
    public boolean activate(Handle h, String id, Factor.Credential c, Instant now) {
        return h.createUpdate("""
                        UPDATE webauthn_factors SET status = 'ACTIVE', credential_id = :cid, public_key = :key, sign_count = :count,
                            aaguid = :aaguid, user_verified = :uv, backup_eligible = :be, backup_state = :bs, transports = :transports,
                            authenticator_name = :name, expires_at = NULL, last_updated_at = :now
                        WHERE id = :id AND status = 'PENDING_ACTIVATION' AND expires_at > :now""")
                .bind("id", id).bind("cid", c.credentialId()).bind("key", c.publicKey()).bind("count", c.signCount())
                .bind("aaguid", c.aaguid()).bind("uv", c.userVerified()).bind("be", c.backupEligible()).bind("bs", c.backupState())
                .bind("transports", String.join(",", c.transports())).bind("name", c.authenticatorName()).bind("now", now)
                .execute() == 1;
    }

    /** Records an accepted assertion: the new counter and backup state, only from the counter that was checked. */
    public boolean accept(Handle h, String id, long expectedCount, long newCount, boolean backupState, Instant now) {
        return h.createUpdate("""
                        UPDATE webauthn_factors SET sign_count = :n, backup_state = :bs, last_updated_at = :now
                        WHERE id = :id AND status = 'ACTIVE' AND sign_count = :old""")
                .bind("id", id).bind("n", newCount).bind("bs", backupState).bind("now", now).bind("old", expectedCount).execute() == 1;
    }

    /** The user's one pending challenge of this purpose, replacing any earlier one (the caller holds the user's row lock). */
    public void putChallenge(Handle h, String userId, Purpose purpose, String challengeHash, String factorId,
                             Authenticator.UserVerification uv, Instant expiresAt, Instant now) {
        h.createUpdate("DELETE FROM webauthn_challenges WHERE user_id = :u AND purpose = :p").bind("u", userId).bind("p", purpose.name()).execute();
        h.createUpdate("""
                        INSERT INTO webauthn_challenges (user_id, purpose, challenge_hash, factor_id, user_verification, expires_at, created_at)
                        VALUES (:u, :p, :hash, :f, :uv, :expires, :now)""")
                .bind("u", userId).bind("p", purpose.name()).bind("hash", challengeHash).bind("f", factorId).bind("uv", uv.name())
                .bind("expires", expiresAt).bind("now", now).execute();
    }

    /**
     * Takes the challenge with this hash, once: read and removed under one conditional DELETE (a second use, a racing
     * request or an expired challenge finds nothing). Expired rows of the user for this purpose go too.
     */
    public Optional<Challenge> takeChallenge(Handle h, String userId, Purpose purpose, String challengeHash, Instant now) {
        Optional<Challenge> found = h.createQuery("""
                        SELECT factor_id, user_verification FROM webauthn_challenges
                        WHERE user_id = :u AND purpose = :p AND challenge_hash = :hash AND expires_at > :now""")
                .bind("u", userId).bind("p", purpose.name()).bind("hash", challengeHash).bind("now", now)
                .map((rs, c) -> new Challenge(rs.getString("factor_id"), Authenticator.UserVerification.valueOf(rs.getString("user_verification"))))
                .findOne();
        int taken = h.createUpdate("DELETE FROM webauthn_challenges WHERE user_id = :u AND purpose = :p AND challenge_hash = :hash AND expires_at > :now")
                .bind("u", userId).bind("p", purpose.name()).bind("hash", challengeHash).bind("now", now).execute();
        h.createUpdate("DELETE FROM webauthn_challenges WHERE user_id = :u AND purpose = :p AND expires_at <= :now")
                .bind("u", userId).bind("p", purpose.name()).bind("now", now).execute();
        return taken == 1 ? found : Optional.empty();
    }

    static Factor read(ResultSet rs) throws SQLException {
        java.sql.Timestamp expires = rs.getTimestamp("expires_at");
        String cid = rs.getString("credential_id");
        Factor.Credential credential = cid == null ? null : new Factor.Credential(cid, rs.getString("public_key"), rs.getLong("sign_count"),
                rs.getString("aaguid"), rs.getBoolean("user_verified"), rs.getBoolean("backup_eligible"), rs.getBoolean("backup_state"),
                transports(rs.getString("transports")), rs.getString("authenticator_name"));
        return new Factor(rs.getString("id"), rs.getString("user_id"), Factor.WEBAUTHN, Factor.FIDO,
                Factor.Status.valueOf(rs.getString("status")), null, null, null, expires == null ? null : expires.toInstant(),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("last_updated_at").toInstant(), credential);
    }

    private static List<String> transports(String s) {
        return s == null || s.isBlank() ? List.of() : Arrays.stream(s.split(",")).toList();
    }
}
