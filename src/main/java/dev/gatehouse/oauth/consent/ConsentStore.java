package dev.gatehouse.oauth.consent;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** SQL for {@code oauth2_consent_grants} and {@code oauth2_consent_requests}. */
public final class ConsentStore {

    // ---- grants ----

    public void insertGrant(Handle h, ConsentGrant g) {
        h.createUpdate("""
                        INSERT INTO oauth2_consent_grants (id, user_id, client_id, server_id, scope_id, scope_name, status, source,
                            created_by, created_by_type, active_key, created_at, last_updated_at)
                        VALUES (:id, :user, :client, :server, :scope, :scopeName, :status, :source, :createdBy, :createdByType,
                            :activeKey, :created, :updated)""")
                .bind("id", g.id()).bind("user", g.userId()).bind("client", g.clientId()).bind("server", g.serverId())
                .bind("scope", g.scopeId()).bind("scopeName", g.scopeName()).bind("status", g.status().name())
                .bind("source", g.source()).bind("createdBy", g.createdBy()).bind("createdByType", g.createdByType())
                .bind("activeKey", activeKey(g.userId(), g.clientId(), g.scopeId()))
                .bind("created", g.created()).bind("updated", g.lastUpdated())
                .execute();
    }

    /** The scope ids this user has granted (ACTIVE) to this client on this server. */
    public List<String> activeScopeIds(Handle h, String userId, String clientId, String serverId) {
        return h.createQuery("""
                        SELECT scope_id FROM oauth2_consent_grants
                        WHERE user_id = :user AND client_id = :client AND server_id = :server AND status = 'ACTIVE'""")
                .bind("user", userId).bind("client", clientId).bind("server", serverId).mapTo(String.class).list();
    }

    public Optional<ConsentGrant> find(Handle h, String userId, String grantId) {
        return h.createQuery("SELECT * FROM oauth2_consent_grants WHERE user_id = :user AND id = :id")
                .bind("user", userId).bind("id", grantId).map((rs, c) -> grant(rs)).findOne();
    }

    /**
     * A user's ACTIVE grants by id (the cursor), optionally of one client or one scope; {@code limit} rows at most.
     * Revoked grants are history, not consent: the lists show what still counts, as Okta's do.
     */
    public List<ConsentGrant> listActive(Handle h, String userId, String clientId, String scopeId, String after, int limit) {
        return h.createQuery("""
                        SELECT * FROM oauth2_consent_grants
                        WHERE user_id = :user AND status = 'ACTIVE'
                          AND (CAST(:client AS VARCHAR(100)) IS NULL OR client_id = :client) AND (CAST(:scope AS VARCHAR(20)) IS NULL OR scope_id = :scope)
                          AND (CAST(:after AS VARCHAR(20)) IS NULL OR id > :after)
                        ORDER BY id LIMIT :limit""")
                .bind("user", userId).bind("client", clientId).bind("scope", scopeId).bind("after", after).bind("limit", limit)
                .map((rs, c) -> grant(rs)).list();
    }

    /** The clients a user has ACTIVE grants for. */
    public List<String> clientsOf(Handle h, String userId) {
        return h.createQuery("""
                        SELECT DISTINCT client_id FROM oauth2_consent_grants WHERE user_id = :user AND status = 'ACTIVE'
                        ORDER BY client_id""")
                .bind("user", userId).mapTo(String.class).list();
    }

    /** Revokes the ACTIVE grants matching (user required; client, grant id optional); returns what it revoked. */
    public List<ConsentGrant> revoke(Handle h, String userId, String clientId, String grantId, Instant now) {
        List<ConsentGrant> hit = h.createQuery("""
                        SELECT * FROM oauth2_consent_grants
                        WHERE user_id = :user AND status = 'ACTIVE' AND (CAST(:client AS VARCHAR(100)) IS NULL OR client_id = :client)
                          AND (CAST(:id AS VARCHAR(20)) IS NULL OR id = :id)""")
                .bind("user", userId).bind("client", clientId).bind("id", grantId).map((rs, c) -> grant(rs)).list();
        List<ConsentGrant> revoked = new java.util.ArrayList<>();
        for (ConsentGrant g : hit) {
            if (h.createUpdate("""
                            UPDATE oauth2_consent_grants SET status = 'REVOKED', active_key = NULL, last_updated_at = :now
                            WHERE id = :id AND status = 'ACTIVE'""")
                    .bind("id", g.id()).bind("now", now).execute() == 1) {
                revoked.add(g);
            }
        }
        return revoked;
    }

    /** Revokes every ACTIVE grant of a client (the app was deactivated); how many. */
    public int revokeClient(Handle h, String clientId, Instant now) {
        return h.createUpdate("""
                        UPDATE oauth2_consent_grants SET status = 'REVOKED', active_key = NULL, last_updated_at = :now
                        WHERE client_id = :client AND status = 'ACTIVE'""")
                .bind("client", clientId).bind("now", now).execute();
    }

    /** Revokes every ACTIVE grant of a user (the user was deactivated); how many. */
    public int revokeUser(Handle h, String userId, Instant now) {
        return h.createUpdate("""
                        UPDATE oauth2_consent_grants SET status = 'REVOKED', active_key = NULL, last_updated_at = :now
                        WHERE user_id = :user AND status = 'ACTIVE'""")
                .bind("user", userId).bind("now", now).execute();
    }

    /** Revokes every ACTIVE grant on a server (the server was deactivated); how many. */
    public int revokeServer(Handle h, String serverId, Instant now) {
        return h.createUpdate("""
                        UPDATE oauth2_consent_grants SET status = 'REVOKED', active_key = NULL, last_updated_at = :now
                        WHERE server_id = :server AND status = 'ACTIVE'""")
                .bind("server", serverId).bind("now", now).execute();
    }

    /**
     * The live token families of a user and client on a server that hold {@code scope} (in a refresh token or an access
     * token minted from them): what a revoked grant produced.
     */
    public List<String> familiesWithScope(Handle h, String userId, String clientId, String serverId, String scope) {
        List<String> rows = h.createQuery("""
                        SELECT f.id, r.scopes FROM token_families f JOIN refresh_tokens r ON r.family_id = f.id
                        WHERE f.user_id = :user AND f.client_id = :client AND f.server_id = :server AND f.revoked_at IS NULL
                        UNION
                        SELECT f.id, a.scopes FROM token_families f JOIN access_tokens a ON a.family_id = f.id
                        WHERE f.user_id = :user AND f.client_id = :client AND f.server_id = :server AND f.revoked_at IS NULL""")
                .bind("user", userId).bind("client", clientId).bind("server", serverId)
                .map((rs, c) -> Arrays.asList(rs.getString("scopes").split(" ")).contains(scope) ? rs.getString("id") : null).list();
        return rows.stream().filter(java.util.Objects::nonNull).distinct().toList();
    }

    /** Revokes the unexpired access tokens of a user and client on a server that belong to no family and hold {@code scope}. */
    public int revokeLooseAccessTokens(Handle h, String userId, String clientId, String serverId, String scope, Instant now) {
        List<String> jtis = h.createQuery("""
                        SELECT jti, scopes FROM access_tokens
                        WHERE user_id = :user AND client_id = :client AND server_id = :server AND family_id IS NULL
                          AND revoked_at IS NULL AND expires_at > :now""")
                .bind("user", userId).bind("client", clientId).bind("server", serverId).bind("now", now)
                .map((rs, c) -> Arrays.asList(rs.getString("scopes").split(" ")).contains(scope) ? rs.getString("jti") : null).list();
        int n = 0;
        for (String jti : jtis) {
            if (jti != null) {
                n += h.createUpdate("UPDATE access_tokens SET revoked_at = :now WHERE jti = :jti AND revoked_at IS NULL")
                        .bind("jti", jti).bind("now", now).execute();
            }
        }
        return n;
    }

    /** Ends the codes of a user and client on a server not yet exchanged whose scopes hold {@code scope}. */
    public int expireUnusedCodes(Handle h, String userId, String clientId, String serverId, String scope, Instant now) {
        List<String> hashes = h.createQuery("""
                        SELECT code_hash, scopes FROM authorization_codes
                        WHERE user_id = :user AND client_id = :client AND server_id = :server AND used_at IS NULL AND expires_at > :now""")
                .bind("user", userId).bind("client", clientId).bind("server", serverId).bind("now", now)
                .map((rs, c) -> Arrays.asList(rs.getString("scopes").split(" ")).contains(scope) ? rs.getString("code_hash") : null).list();
        int n = 0;
        for (String hash : hashes) {
            if (hash != null) {
                n += h.createUpdate("UPDATE authorization_codes SET expires_at = created_at WHERE code_hash = :hash AND used_at IS NULL")
                        .bind("hash", hash).execute();
            }
        }
        return n;
    }

    // ---- consent requests ----

    public void insertRequest(Handle h, ConsentRequest r) {
        h.createUpdate("DELETE FROM oauth2_consent_requests WHERE expires_at < :now").bind("now", r.created()).execute();
        h.createUpdate("""
                        INSERT INTO oauth2_consent_requests (id_hash, session_id, user_id, client_id, server_id, scopes, continue_uri,
                            redirect_uri, response_mode, state, issuer, created_at, expires_at)
                        VALUES (:id, :session, :user, :client, :server, :scopes, :continue, :redirect, :mode, :state, :issuer,
                            :created, :expires)""")
                .bind("id", r.idHash()).bind("session", r.sessionId()).bind("user", r.userId()).bind("client", r.clientId())
                .bind("server", r.serverId()).bind("scopes", String.join(" ", r.scopes())).bind("continue", r.continueUri())
                .bind("redirect", r.redirectUri()).bind("mode", r.responseMode()).bind("state", r.state()).bind("issuer", r.issuer())
                .bind("created", r.created()).bind("expires", r.expires())
                .execute();
    }

    /** The request, if it is still open (unanswered, unexpired) for this session. */
    public Optional<ConsentRequest> findOpen(Handle h, String idHash, String sessionId, Instant now) {
        return h.createQuery("""
                        SELECT * FROM oauth2_consent_requests
                        WHERE id_hash = :id AND session_id = :session AND used_at IS NULL AND expires_at > :now""")
                .bind("id", idHash).bind("session", sessionId).bind("now", now).map((rs, c) -> request(rs)).findOne();
    }

    /** Answers the request once: true for the first answer from its own session while it is open; false otherwise. */
    public boolean answer(Handle h, String idHash, String sessionId, Instant now) {
        return h.createUpdate("""
                        UPDATE oauth2_consent_requests SET used_at = :now
                        WHERE id_hash = :id AND session_id = :session AND used_at IS NULL AND expires_at > :now""")
                .bind("id", idHash).bind("session", sessionId).bind("now", now).execute() == 1;
    }

    public Optional<ConsentRequest> findRequest(Handle h, String idHash) {
        return h.createQuery("SELECT * FROM oauth2_consent_requests WHERE id_hash = :id")
                .bind("id", idHash).map((rs, c) -> request(rs)).findOne();
    }

    static String activeKey(String userId, String clientId, String scopeId) {
        return userId + ":" + clientId + ":" + scopeId;
    }

    private static ConsentGrant grant(ResultSet rs) throws SQLException {
        return new ConsentGrant(rs.getString("id"), rs.getString("user_id"), rs.getString("client_id"), rs.getString("server_id"),
                rs.getString("scope_id"), rs.getString("scope_name"), ConsentGrant.Status.valueOf(rs.getString("status")),
                rs.getString("source"), rs.getString("created_by"), rs.getString("created_by_type"),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("last_updated_at")));
    }

    private static ConsentRequest request(ResultSet rs) throws SQLException {
        return new ConsentRequest(rs.getString("id_hash"), rs.getString("session_id"), rs.getString("user_id"), rs.getString("client_id"),
                rs.getString("server_id"), Arrays.stream(rs.getString("scopes").split(" ")).filter(s -> !s.isEmpty()).toList(),
                rs.getString("continue_uri"), rs.getString("redirect_uri"), rs.getString("response_mode"), rs.getString("state"),
                rs.getString("issuer"), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("expires_at")),
                instant(rs.getTimestamp("used_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
