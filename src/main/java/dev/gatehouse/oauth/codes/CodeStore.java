package dev.gatehouse.oauth.codes;

import dev.gatehouse.oauth.servers.RuleLifetimes;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/** SQL for {@code authorization_codes}. */
public final class CodeStore {

    public void insert(Handle h, AuthorizationCode c) {
        h.createUpdate("""
                        INSERT INTO authorization_codes (code_hash, server_id, client_id, user_id, session_id, redirect_uri, scopes,
                            code_challenge, nonce, auth_time, amr, acr, created_at, expires_at, policy_rule_id, access_token_minutes,
                            refresh_token_minutes, refresh_window_minutes)
                        VALUES (:hash, :server, :client, :user, :session, :redirect, :scopes, :challenge, :nonce, :authTime, :amr, :acr, :created, :expires,
                            :rule, :access, :refresh, :window)""")
                .bind("hash", c.codeHash()).bind("server", c.serverId()).bind("client", c.clientId()).bind("user", c.userId())
                .bind("session", c.sessionId()).bind("redirect", c.redirectUri()).bind("scopes", String.join(" ", c.scopes()))
                .bind("challenge", c.codeChallenge()).bind("nonce", c.nonce()).bind("authTime", c.authTime())
                .bind("amr", String.join(" ", c.amr())).bind("acr", c.acr())
                .bind("created", c.created()).bind("expires", c.expires())
                .bind("rule", c.rule() == null ? null : c.rule().ruleId())
                .bind("access", c.rule() == null ? null : c.rule().accessTokenMinutes())
                .bind("refresh", c.rule() == null ? null : c.rule().refreshTokenMinutes())
                .bind("window", c.rule() == null ? null : c.rule().refreshWindowMinutes())
                .execute();
    }

    public Optional<AuthorizationCode> find(Handle h, String codeHash) {
        return h.createQuery("SELECT * FROM authorization_codes WHERE code_hash = :hash").bind("hash", codeHash)
                .map((rs, ctx) -> read(rs)).findOne();
    }

    /** Marks the code used if it still is unused and unexpired: true for exactly one caller, however many race. */
    public boolean consume(Handle h, String codeHash, Instant now) {
        return h.createUpdate("UPDATE authorization_codes SET used_at = :now WHERE code_hash = :hash AND used_at IS NULL AND expires_at > :now")
                .bind("hash", codeHash).bind("now", now).execute() == 1;
    }

    /** Which of an authorization request's one-time values this client already used for a code that still lives. */
    public record Reuse(boolean challenge, boolean nonce) {
    }

    /**
     * Whether this client already has a code, used or not and not yet expired, that was issued for this PKCE challenge
     * (the sign of a constant challenge, RFC 9700 §2.1.1) or for this {@code nonce} (a replayed or constant nonce). The
     * window is the code lifetime; {@code expires_at} is indexed. A null value is never "in use". One round trip.
     */
    public Reuse inUse(Handle h, String clientId, String codeChallenge, String nonce, Instant now) {
        return h.createQuery("""
                        SELECT
                          EXISTS (SELECT 1 FROM authorization_codes
                                  WHERE expires_at > :now AND client_id = :client AND code_challenge = :challenge) AS challenge_used,
                          EXISTS (SELECT 1 FROM authorization_codes
                                  WHERE expires_at > :now AND client_id = :client AND nonce = :nonce) AS nonce_used""")
                .bind("now", now).bind("client", clientId).bind("challenge", codeChallenge).bind("nonce", nonce)
                .map((rs, c) -> new Reuse(rs.getBoolean("challenge_used"), rs.getBoolean("nonce_used"))).one();
    }

    /**
     * Ends the user's codes that were not exchanged yet (all of them, or all but those of the session {@code keepSessionId}):
     * they expire at their creation, so an exchange racing this fails as "expired" whatever its clock says. Used codes keep
     * their expiry, for replay detection.
     */
    public int expireUnusedOfUser(Handle h, String userId, String keepSessionId, Instant now) {
        return h.createUpdate("""
                        UPDATE authorization_codes SET expires_at = created_at
                        WHERE user_id = :user AND used_at IS NULL AND expires_at > :now
                          AND (CAST(:keep AS VARCHAR(20)) IS NULL OR session_id IS NULL OR session_id <> :keep)""")
                .bind("user", userId).bind("keep", keepSessionId).bind("now", now).execute();
    }

    /** Ends the client's codes that were not exchanged yet, as {@link #expireUnusedOfUser}. */
    public int expireUnusedOfClient(Handle h, String clientId, Instant now) {
        return h.createUpdate("""
                        UPDATE authorization_codes SET expires_at = created_at
                        WHERE client_id = :client AND used_at IS NULL AND expires_at > :now""")
                .bind("client", clientId).bind("now", now).execute();
    }

    /** Forgets codes that expired more than a day ago (used ones are kept that long to detect replays). */
    public int purge(Handle h, Instant now) {
        return h.createUpdate("DELETE FROM authorization_codes WHERE expires_at < :before").bind("before", now.minusSeconds(86_400)).execute();
    }

    private static AuthorizationCode read(ResultSet rs) throws SQLException {
        return new AuthorizationCode(rs.getString("code_hash"), rs.getString("server_id"), rs.getString("client_id"),
                rs.getString("user_id"), rs.getString("session_id"), rs.getString("redirect_uri"),
                Arrays.stream(rs.getString("scopes").split(" ")).filter(s -> !s.isEmpty()).toList(),
                rs.getString("code_challenge"), rs.getString("nonce"), instant(rs.getTimestamp("auth_time")),
                Arrays.stream(rs.getString("amr").split(" ")).filter(s -> !s.isEmpty()).toList(), rs.getString("acr"),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("expires_at")), instant(rs.getTimestamp("used_at")),
                rule(rs));
    }

    /** The rule's lifetimes stored with a code or family; null for rows from before V30. */
    private static RuleLifetimes rule(ResultSet rs) throws SQLException {
        int access = rs.getInt("access_token_minutes");
        if (rs.wasNull()) {
            return null;
        }
        return new RuleLifetimes(rs.getString("policy_rule_id"), access, rs.getInt("refresh_token_minutes"), rs.getInt("refresh_window_minutes"));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
