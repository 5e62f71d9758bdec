package dev.gatehouse.oauth.issued;

import dev.gatehouse.oauth.servers.RuleLifetimes;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** SQL for what the token endpoint issues: token families, access tokens (by jti) and refresh tokens (by hash). */
public final class IssuedTokenStore {

    /** A recorded access token. */
    public record AccessToken(String jti, String familyId, String serverId, String clientId, String userId, List<String> scopes,
                              Instant issued, Instant expires, Instant revoked) {
        public boolean activeAt(Instant now) {
            return revoked == null && expires.isAfter(now);
        }
    }

    /** A refresh token; its family carries the absolute expiry and revocation. */
    public record RefreshToken(String id, String tokenHash, String familyId, String serverId, String clientId, String userId, List<String> scopes,
                               Instant authTime, List<String> amr, String acr, Instant created, Instant idleExpires, Instant firstUsed, Instant revoked,
                               Instant familyExpires, Instant familyRevoked, RuleLifetimes familyRule) {
        public boolean activeAt(Instant now) {
            return revoked == null && familyRevoked == null && idleExpires.isAfter(now) && (familyExpires == null || familyExpires.isAfter(now));
        }
    }

    public void insertFamily(Handle h, String id, String serverId, String clientId, String userId, String codeHash, Instant now, Instant expires) {
        insertFamily(h, id, serverId, clientId, userId, codeHash, now, expires, null);
    }

    /** A family with the access-policy rule's lifetimes chosen at sign-in ({@code rule} null: the server's, as before V30). */
    public void insertFamily(Handle h, String id, String serverId, String clientId, String userId, String codeHash, Instant now, Instant expires,
                             RuleLifetimes rule) {
        h.createUpdate("""
                        INSERT INTO token_families (id, server_id, client_id, user_id, code_hash, created_at, expires_at, policy_rule_id,
                            access_token_minutes, refresh_token_minutes, refresh_window_minutes)
                        VALUES (:id, :server, :client, :user, :code, :now, :expires, :rule, :access, :refresh, :window)""")
                .bind("id", id).bind("server", serverId).bind("client", clientId).bind("user", userId).bind("code", codeHash)
                .bind("now", now).bind("expires", expires)
                .bind("rule", rule == null ? null : rule.ruleId())
                .bind("access", rule == null ? null : rule.accessTokenMinutes())
                .bind("refresh", rule == null ? null : rule.refreshTokenMinutes())
                .bind("window", rule == null ? null : rule.refreshWindowMinutes())
                .execute();
    }

    public void insertAccessToken(Handle h, AccessToken t) {
        h.createUpdate("""
                        INSERT INTO access_tokens (jti, family_id, server_id, client_id, user_id, scopes, issued_at, expires_at)
                        VALUES (:jti, :family, :server, :client, :user, :scopes, :issued, :expires)""")
                .bind("jti", t.jti()).bind("family", t.familyId()).bind("server", t.serverId()).bind("client", t.clientId())
                .bind("user", t.userId()).bind("scopes", String.join(" ", t.scopes())).bind("issued", t.issued()).bind("expires", t.expires())
                .execute();
    }

    /**
     * Records a client-credentials access token (which its grant does not record) as revoked, if it is not recorded
     * yet; false when it already was (revoked before, or a concurrent revocation won).
     */
    public boolean insertRevokedAccessToken(Handle h, AccessToken t, Instant now) {
        return h.createUpdate("""
                        INSERT INTO access_tokens (jti, family_id, server_id, client_id, user_id, scopes, issued_at, expires_at, revoked_at)
                        VALUES (:jti, NULL, :server, :client, NULL, :scopes, :issued, :expires, :now)
                        ON CONFLICT DO NOTHING""")
                .bind("jti", t.jti()).bind("server", t.serverId()).bind("client", t.clientId()).bind("scopes", String.join(" ", t.scopes()))
                .bind("issued", t.issued()).bind("expires", t.expires()).bind("now", now).execute() == 1;
    }

    /** When every client-credentials token of this client issued up to then was revoked (the latest such revocation), if ever. */
    public Optional<Instant> clientTokenCutoff(Handle h, String clientId) {
        return h.createQuery("SELECT revoked_before FROM client_token_cutoffs WHERE client_id = :client").bind("client", clientId)
                .map((rs, c) -> instant(rs.getTimestamp("revoked_before"))).findOne();
    }

    /** Revokes every client-credentials token of this client issued up to {@code now} (they have no rows to update). */
    private void cutOffClientTokens(Handle h, String clientId, Instant now) {
        if (h.createUpdate("UPDATE client_token_cutoffs SET revoked_before = :now WHERE client_id = :client")
                .bind("client", clientId).bind("now", now).execute() == 0) {
            h.createUpdate("INSERT INTO client_token_cutoffs (client_id, revoked_before) VALUES (:client, :now) ON CONFLICT DO NOTHING")
                    .bind("client", clientId).bind("now", now).execute();
            h.createUpdate("UPDATE client_token_cutoffs SET revoked_before = :now WHERE client_id = :client AND revoked_before < :now")
                    .bind("client", clientId).bind("now", now).execute();
        }
    }

    /**
     * The access token with this jti. Its {@code revoked} is its own revocation or, failing that, its family's: a token
     * minted by a refresh that committed just after its family was revoked (a kill switch racing a refresh) is revoked too.
     */
    public Optional<AccessToken> findAccessToken(Handle h, String jti) {
        return h.createQuery("""
                        SELECT a.*, f.revoked_at AS family_revoked_at
                        FROM access_tokens a LEFT JOIN token_families f ON f.id = a.family_id WHERE a.jti = :jti""")
                .bind("jti", jti).map((rs, c) -> accessWithFamily(rs)).findOne();
    }

    public boolean revokeAccessToken(Handle h, String jti, Instant now) {
        return h.createUpdate("UPDATE access_tokens SET revoked_at = :now WHERE jti = :jti AND revoked_at IS NULL")
                .bind("jti", jti).bind("now", now).execute() == 1;
    }

    /**
     * Revokes an access token only if this server issued it to this client (RFC 7009 §2.1: a client revokes only its
     * own tokens); false when it is unknown, another's, or already revoked. One conditional statement: no race.
     */
    public boolean revokeAccessTokenOf(Handle h, String jti, String serverId, String clientId, Instant now) {
        return h.createUpdate("""
                        UPDATE access_tokens SET revoked_at = :now
                        WHERE jti = :jti AND server_id = :server AND client_id = :client AND revoked_at IS NULL""")
                .bind("jti", jti).bind("server", serverId).bind("client", clientId).bind("now", now).execute() == 1;
    }

    public void insertRefreshToken(Handle h, String id, String tokenHash, String familyId, String serverId, String clientId, String userId,
                                   List<String> scopes, Instant authTime, List<String> amr, String acr, Instant now, Instant idleExpires) {
        h.createUpdate("""
                        INSERT INTO refresh_tokens (id, token_hash, family_id, server_id, client_id, user_id, scopes, auth_time, amr, acr,
                            created_at, idle_expires_at)
                        VALUES (:id, :hash, :family, :server, :client, :user, :scopes, :authTime, :amr, :acr, :now, :idle)""")
                .bind("id", id).bind("hash", tokenHash).bind("family", familyId).bind("server", serverId).bind("client", clientId)
                .bind("user", userId).bind("scopes", String.join(" ", scopes)).bind("authTime", authTime).bind("now", now)
                .bind("amr", String.join(" ", amr)).bind("acr", acr)
                .bind("idle", idleExpires).execute();
    }

    public Optional<RefreshToken> findRefreshToken(Handle h, String tokenHash) {
        return h.createQuery("""
                        SELECT r.*, f.expires_at AS family_expires_at, f.revoked_at AS family_revoked_at, f.policy_rule_id,
                            f.access_token_minutes, f.refresh_token_minutes, f.refresh_window_minutes
                        FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id WHERE r.token_hash = :hash""")
                .bind("hash", tokenHash).map((rs, c) -> refresh(rs)).findOne();
    }

    /** Slides a STATIC refresh token's idle window, if it is still usable at {@code now}. */
    public boolean extendIdle(Handle h, String id, Instant now, Instant idleExpires) {
        return h.createUpdate("""
                        UPDATE refresh_tokens SET idle_expires_at = :idle
                        WHERE id = :id AND revoked_at IS NULL AND idle_expires_at > :now""")
                .bind("id", id).bind("idle", idleExpires).bind("now", now).execute() == 1;
    }

    /**
     * ROTATE: claims the first use of a refresh token. True for exactly one caller however many race,
     * and only while the token is still usable; the grace period runs from the instant it sets.
     */
    public boolean markFirstUse(Handle h, String id, Instant now) {
        return h.createUpdate("""
                        UPDATE refresh_tokens SET first_used_at = :now
                        WHERE id = :id AND first_used_at IS NULL AND revoked_at IS NULL AND idle_expires_at > :now""")
                .bind("id", id).bind("now", now).execute() == 1;
    }

    public boolean revokeRefreshToken(Handle h, String id, Instant now) {
        return h.createUpdate("UPDATE refresh_tokens SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                .bind("id", id).bind("now", now).execute() == 1;
    }

    /** Revokes a family: its refresh tokens and every access token minted from it. */
    public void revokeFamily(Handle h, String familyId, Instant now) {
        h.createUpdate("UPDATE token_families SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL").bind("id", familyId).bind("now", now).execute();
        h.createUpdate("UPDATE refresh_tokens SET revoked_at = :now WHERE family_id = :id AND revoked_at IS NULL").bind("id", familyId).bind("now", now).execute();
        h.createUpdate("UPDATE access_tokens SET revoked_at = :now WHERE family_id = :id AND revoked_at IS NULL").bind("id", familyId).bind("now", now).execute();
    }

    /** The usable refresh tokens of a client (not revoked, family not revoked, not expired), oldest first. */
    public List<RefreshToken> activeRefreshTokensOfClient(Handle h, String clientId, Instant now) {
        return h.createQuery("""
                        SELECT r.*, f.expires_at AS family_expires_at, f.revoked_at AS family_revoked_at, f.policy_rule_id,
                            f.access_token_minutes, f.refresh_token_minutes, f.refresh_window_minutes
                        FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id
                        WHERE r.client_id = :client AND r.revoked_at IS NULL AND f.revoked_at IS NULL AND r.idle_expires_at > :now
                          AND (f.expires_at IS NULL OR f.expires_at > :now)
                        ORDER BY r.created_at, r.id""")
                .bind("client", clientId).bind("now", now).map((rs, c) -> refresh(rs)).list();
    }

    public Optional<RefreshToken> findRefreshTokenById(Handle h, String id) {
        return h.createQuery("""
                        SELECT r.*, f.expires_at AS family_expires_at, f.revoked_at AS family_revoked_at, f.policy_rule_id,
                            f.access_token_minutes, f.refresh_token_minutes, f.refresh_window_minutes
                        FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id WHERE r.id = :id""")
                .bind("id", id).map((rs, c) -> refresh(rs)).findOne();
    }

    /** Revokes every family of a client: its refresh tokens and the access tokens minted from them. */
    public int revokeClientFamilies(Handle h, String clientId, Instant now) {
        List<String> families = h.createQuery("SELECT id FROM token_families WHERE client_id = :client AND revoked_at IS NULL")
                .bind("client", clientId).mapTo(String.class).list();
        families.forEach(f -> revokeFamily(h, f, now));
        return families.size();
    }

    /** How many of each kind a revocation of everything someone holds revoked. */
    public record Revoked(int families, int refreshTokens, int accessTokens) {
        public boolean any() {
            return families + refreshTokens + accessTokens > 0;
        }
    }

    /**
     * Revokes everything issued to a user, in every app and authorization server: their token families, the refresh
     * tokens in them and every access token of theirs still alive. The families go first: a refresh racing this sees its
     * family revoked (its token is refused, and an access token it mints is revoked with the family, see
     * {@link #findAccessToken}). Set-based: a handful of statements whatever the number of tokens.
     */
    public Revoked revokeUserTokens(Handle h, String userId, Instant now) {
        int families = h.createUpdate("UPDATE token_families SET revoked_at = :now WHERE user_id = :user AND revoked_at IS NULL")
                .bind("user", userId).bind("now", now).execute();
        int refresh = h.createUpdate("""
                        UPDATE refresh_tokens SET revoked_at = :now
                        WHERE revoked_at IS NULL AND family_id IN (SELECT id FROM token_families WHERE user_id = :user)""")
                .bind("user", userId).bind("now", now).execute();
        int access = h.createUpdate("""
                        UPDATE access_tokens SET revoked_at = :now
                        WHERE revoked_at IS NULL AND expires_at > :now AND user_id = :user""")
                .bind("user", userId).bind("now", now).execute();
        return new Revoked(families, refresh, access);
    }

    /**
     * Revokes everything issued to a client: its families with their refresh and access tokens, its other recorded access
     * tokens, and (by a cutoff, they have no rows) its client-credentials tokens; the count is of rows.
     */
    public Revoked revokeClientTokens(Handle h, String clientId, Instant now) {
        int families = h.createUpdate("UPDATE token_families SET revoked_at = :now WHERE client_id = :client AND revoked_at IS NULL")
                .bind("client", clientId).bind("now", now).execute();
        int refresh = h.createUpdate("""
                        UPDATE refresh_tokens SET revoked_at = :now
                        WHERE revoked_at IS NULL AND family_id IN (SELECT id FROM token_families WHERE client_id = :client)""")
                .bind("client", clientId).bind("now", now).execute();
        int access = h.createUpdate("""
                        UPDATE access_tokens SET revoked_at = :now
                        WHERE revoked_at IS NULL AND expires_at > :now AND client_id = :client""")
                .bind("client", clientId).bind("now", now).execute();
        cutOffClientTokens(h, clientId, now);   // client credentials: no rows
        return new Revoked(families, refresh, access);
    }

    /** The families an authorization code started (a replayed code revokes them). */
    public List<String> familiesOfCode(Handle h, String codeHash) {
        return h.createQuery("SELECT id FROM token_families WHERE code_hash = :code").bind("code", codeHash).mapTo(String.class).list();
    }

    private static AccessToken access(ResultSet rs) throws SQLException {
        return new AccessToken(rs.getString("jti"), rs.getString("family_id"), rs.getString("server_id"), rs.getString("client_id"),
                rs.getString("user_id"), scopes(rs.getString("scopes")), instant(rs.getTimestamp("issued_at")),
                instant(rs.getTimestamp("expires_at")), instant(rs.getTimestamp("revoked_at")));
    }

    private static AccessToken accessWithFamily(ResultSet rs) throws SQLException {
        AccessToken own = access(rs);
        Instant familyRevoked = instant(rs.getTimestamp("family_revoked_at"));
        return own.revoked() != null || familyRevoked == null ? own : new AccessToken(own.jti(), own.familyId(), own.serverId(),
                own.clientId(), own.userId(), own.scopes(), own.issued(), own.expires(), familyRevoked);
    }

    private static RefreshToken refresh(ResultSet rs) throws SQLException {
        return new RefreshToken(rs.getString("id"), rs.getString("token_hash"), rs.getString("family_id"), rs.getString("server_id"), rs.getString("client_id"),
                rs.getString("user_id"), scopes(rs.getString("scopes")), instant(rs.getTimestamp("auth_time")),
                scopes(rs.getString("amr")), rs.getString("acr"), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("idle_expires_at")), instant(rs.getTimestamp("first_used_at")),
                instant(rs.getTimestamp("revoked_at")), instant(rs.getTimestamp("family_expires_at")), instant(rs.getTimestamp("family_revoked_at")),
                familyRule(rs));
    }

    /** The family's rule lifetimes; null for families from before V30. */
    private static RuleLifetimes familyRule(ResultSet rs) throws SQLException {
        int access = rs.getInt("access_token_minutes");
        if (rs.wasNull()) {
            return null;
        }
        return new RuleLifetimes(rs.getString("policy_rule_id"), access, rs.getInt("refresh_token_minutes"), rs.getInt("refresh_window_minutes"));
    }

    static List<String> scopes(String s) {
        return Arrays.stream(s.split(" ")).filter(x -> !x.isEmpty()).toList();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
