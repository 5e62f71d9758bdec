package dev.gatehouse.oauth.keys;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * SQL for {@code signing_key_schedules} and {@code signing_keys}. Every change that two nodes could race on is
 * one conditional statement: a rotation is {@code UPDATE ... WHERE active_generation = :seen}, a new key is an
 * insert under {@code UNIQUE (authorization_server_id, generation)}.
 */
public final class SigningKeyStore {

    public enum RotationMode { AUTO, MANUAL }

    /** The rotation state of one authorization server; the times are null until its first keys are made. */
    public record Schedule(String authorizationServerId, RotationMode mode, int activeGeneration, Instant lastRotated,
                           Instant nextRotation) {
    }

    /** A key row, private part still sealed. */
    record StoredKey(String kid, String authorizationServerId, int generation, String publicJwk, KeyEncryption.Sealed sealed,
                     Instant created, Instant activated, Instant retired) {
    }

    /** An automatic rotation that is due, with the name of the server for the System Log. */
    record Due(String authorizationServerId, String name, int activeGeneration) {
    }

    public void insertSchedule(Handle h, String authorizationServerId) {
        h.createUpdate("INSERT INTO signing_key_schedules (authorization_server_id, rotation_mode, active_generation) VALUES (:as, 'AUTO', 0)")
                .bind("as", authorizationServerId).execute();
    }

    public Optional<Schedule> schedule(Handle h, String authorizationServerId) {
        return h.createQuery("SELECT * FROM signing_key_schedules WHERE authorization_server_id = :as")
                .bind("as", authorizationServerId).map((rs, c) -> readSchedule(rs)).findOne();
    }

    public boolean setRotationMode(Handle h, String authorizationServerId, RotationMode mode) {
        return h.createUpdate("UPDATE signing_key_schedules SET rotation_mode = :mode WHERE authorization_server_id = :as")
                .bind("as", authorizationServerId).bind("mode", mode.name()).execute() == 1;
    }

    /** Starts the rotation clock when the first keys are made; no-op when it already runs. */
    void startClock(Handle h, String authorizationServerId, Instant now, Instant next) {
        h.createUpdate("""
                        UPDATE signing_key_schedules SET last_rotated_at = :now, next_rotation_at = :next
                        WHERE authorization_server_id = :as AND last_rotated_at IS NULL""")
                .bind("as", authorizationServerId).bind("now", now).bind("next", next).execute();
    }

    /**
     * Makes generation {@code seen + 1} the active one, if {@code seen} is still active and that key exists.
     * False when another node (or request) rotated first, or there is no next key.
     */
    boolean rotate(Handle h, String authorizationServerId, int seen, Instant now, Instant next) {
        int n = h.createUpdate("""
                        UPDATE signing_key_schedules SET active_generation = :seen + 1, last_rotated_at = :now, next_rotation_at = :next
                        WHERE authorization_server_id = :as AND active_generation = :seen
                          AND EXISTS (SELECT 1 FROM signing_keys k WHERE k.authorization_server_id = :as AND k.generation = :seen + 1)""")
                .bind("as", authorizationServerId).bind("seen", seen).bind("now", now).bind("next", next).execute();
        if (n == 0) {
            return false;
        }
        h.createUpdate("UPDATE signing_keys SET retired_at = :now WHERE authorization_server_id = :as AND generation = :seen")
                .bind("as", authorizationServerId).bind("seen", seen).bind("now", now).execute();
        h.createUpdate("UPDATE signing_keys SET activated_at = :now WHERE authorization_server_id = :as AND generation = :seen + 1")
                .bind("as", authorizationServerId).bind("seen", seen).bind("now", now).execute();
        return true;
    }

    /** Moves an automatic rotation later (the next key was not published long enough yet), if nothing rotated meanwhile. */
    void postpone(Handle h, String authorizationServerId, int seen, Instant until) {
        h.createUpdate("""
                        UPDATE signing_key_schedules SET next_rotation_at = :until
                        WHERE authorization_server_id = :as AND active_generation = :seen AND next_rotation_at < :until""")
                .bind("as", authorizationServerId).bind("seen", seen).bind("until", until).execute();
    }

    List<Due> due(Handle h, Instant now) {
        return h.createQuery("""
                        SELECT s.authorization_server_id, s.active_generation, a.name FROM signing_key_schedules s
                        JOIN authorization_servers a ON a.id = s.authorization_server_id
                        WHERE s.rotation_mode = 'AUTO' AND s.next_rotation_at <= :now
                        ORDER BY s.authorization_server_id""")
                .bind("now", now)
                .map((rs, c) -> new Due(rs.getString("authorization_server_id"), rs.getString("name"), rs.getInt("active_generation")))
                .list();
    }

    void insertKey(Handle h, StoredKey k) {
        h.createUpdate("""
                        INSERT INTO signing_keys (kid, authorization_server_id, generation, public_jwk, private_key_ciphertext, kek_id,
                            created_at, activated_at, retired_at)
                        VALUES (:kid, :as, :generation, :jwk, :ciphertext, :kekId, :created, :activated, NULL)""")
                .bind("kid", k.kid()).bind("as", k.authorizationServerId()).bind("generation", k.generation())
                .bind("jwk", k.publicJwk()).bind("ciphertext", k.sealed().ciphertext()).bind("kekId", k.sealed().kekId())
                .bind("created", k.created()).bind("activated", k.activated())
                .execute();
    }

    /** Every key of a server still on record, newest generation first. */
    List<StoredKey> keys(Handle h, String authorizationServerId) {
        return h.createQuery("SELECT * FROM signing_keys WHERE authorization_server_id = :as ORDER BY generation DESC")
                .bind("as", authorizationServerId).map((rs, c) -> readKey(rs)).list();
    }

    Optional<StoredKey> key(Handle h, String authorizationServerId, int generation) {
        return h.createQuery("SELECT * FROM signing_keys WHERE authorization_server_id = :as AND generation = :g")
                .bind("as", authorizationServerId).bind("g", generation).map((rs, c) -> readKey(rs)).findOne();
    }

    /** Deletes keys retired before {@code cutoff}: nothing they signed is still valid, and their private part must not linger. */
    int purgeRetired(Handle h, Instant cutoff) {
        return h.createUpdate("DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < :cutoff").bind("cutoff", cutoff).execute();
    }

    /** Servers without both an ACTIVE and a NEXT key (the key of their active generation and the one after it). */
    List<String> withoutKeys(Handle h) {
        return h.createQuery("""
                        SELECT s.authorization_server_id FROM signing_key_schedules s
                        WHERE (SELECT COUNT(*) FROM signing_keys k WHERE k.authorization_server_id = s.authorization_server_id
                               AND k.generation IN (s.active_generation, s.active_generation + 1)) < 2""")
                .mapTo(String.class).list();
    }

    /** The KEK ids that sealed the stored keys, to tell at start whether this node can open them. */
    List<String> kekIds(Handle h) {
        return h.createQuery("SELECT DISTINCT kek_id FROM signing_keys").mapTo(String.class).list();
    }

    private static Schedule readSchedule(ResultSet rs) throws SQLException {
        return new Schedule(rs.getString("authorization_server_id"), RotationMode.valueOf(rs.getString("rotation_mode")),
                rs.getInt("active_generation"), instant(rs.getTimestamp("last_rotated_at")), instant(rs.getTimestamp("next_rotation_at")));
    }

    private static StoredKey readKey(ResultSet rs) throws SQLException {
        return new StoredKey(rs.getString("kid"), rs.getString("authorization_server_id"), rs.getInt("generation"),
                rs.getString("public_jwk"), new KeyEncryption.Sealed(rs.getString("kek_id"), rs.getString("private_key_ciphertext")),
                rs.getTimestamp("created_at").toInstant(), instant(rs.getTimestamp("activated_at")), instant(rs.getTimestamp("retired_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
