package dev.gatehouse.oauth.servers;

import dev.gatehouse.storage.Listing;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * SQL for {@code authorization_servers}. Writes on custom servers are guarded in the statement
 * ({@code AND kind = 'CUSTOM'}), so the org AS can never be renamed, deactivated or deleted.
 */
public final class AuthorizationServerStore {

    public void insert(Handle h, AuthorizationServer s) {
        TokenLifetimes l = s.lifetimes();
        h.createUpdate("""
                        INSERT INTO authorization_servers (id, kind, name, name_key, description, audience, status,
                            access_token_minutes, id_token_minutes, refresh_token_idle_minutes, refresh_token_max_minutes,
                            created_at, last_updated_at)
                        VALUES (:id, :kind, :name, :nameKey, :description, :audience, :status,
                            :access, :idToken, :idle, :max, :created, :lastUpdated)""")
                .bind("id", s.id()).bind("kind", s.kind().name()).bind("name", s.name()).bind("nameKey", nameKey(s.name()))
                .bind("description", s.description()).bind("audience", s.org() ? null : s.audience())
                .bind("status", s.status().name())
                .bind("access", l.accessToken().toMinutes()).bind("idToken", l.idToken().toMinutes())
                .bind("idle", l.refreshTokenIdle().toMinutes()).bind("max", l.refreshTokenMax().toMinutes())
                .bind("created", s.created()).bind("lastUpdated", s.lastUpdated())
                .execute();
    }

    public Optional<AuthorizationServer> find(Handle h, String id) {
        return h.createQuery("SELECT * FROM authorization_servers WHERE id = :id").bind("id", id).map((rs, c) -> read(rs)).findOne();
    }

    /** Custom servers by id; {@code q} matches part of the name or the audience, regardless of case. */
    public List<AuthorizationServer> listCustom(Handle h, String q, String after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM authorization_servers WHERE kind = 'CUSTOM'");
        Map<String, Object> binds = new HashMap<>();
        if (q != null) {
            sql.append(" AND (name_key LIKE :q ESCAPE '!' OR LOWER(audience) LIKE :q ESCAPE '!')");
            binds.put("q", "%" + Listing.startsWith(nameKey(q)));
        }
        Listing.page(sql, binds, "id", after, limit);
        return h.createQuery(sql.toString()).bindMap(binds).map((rs, c) -> read(rs)).list();
    }

    /** Every server: the org AS first, then {@code default}, then the others by name. */
    public List<AuthorizationServer> listAll(Handle h) {
        return h.createQuery("""
                        SELECT * FROM authorization_servers
                        ORDER BY CASE WHEN kind = 'ORG' THEN 0 WHEN id = 'default' THEN 1 ELSE 2 END, name_key""")
                .map((rs, c) -> read(rs)).list();
    }

    public boolean update(Handle h, String id, String name, String description, String audience, Instant now) {
        return h.createUpdate("""
                        UPDATE authorization_servers SET name = :name, name_key = :nameKey, description = :description,
                            audience = :audience, last_updated_at = :now
                        WHERE id = :id AND kind = 'CUSTOM'""")
                .bind("id", id).bind("name", name).bind("nameKey", nameKey(name)).bind("description", description)
                .bind("audience", audience).bind("now", now).execute() == 1;
    }

    public boolean updateLifetimes(Handle h, String id, TokenLifetimes l, Instant now) {
        return h.createUpdate("""
                        UPDATE authorization_servers SET access_token_minutes = :access, id_token_minutes = :idToken,
                            refresh_token_idle_minutes = :idle, refresh_token_max_minutes = :max, last_updated_at = :now
                        WHERE id = :id""")
                .bind("id", id).bind("access", l.accessToken().toMinutes()).bind("idToken", l.idToken().toMinutes())
                .bind("idle", l.refreshTokenIdle().toMinutes()).bind("max", l.refreshTokenMax().toMinutes())
                .bind("now", now).execute() == 1;
    }

    /** Moves a custom server from one status to the other; false when it was not in {@code from} (or is the org AS). */
    public boolean changeStatus(Handle h, String id, AuthorizationServer.Status from, AuthorizationServer.Status to, Instant now) {
        return h.createUpdate("""
                        UPDATE authorization_servers SET status = :to, last_updated_at = :now
                        WHERE id = :id AND kind = 'CUSTOM' AND status = :from""")
                .bind("id", id).bind("from", from.name()).bind("to", to.name()).bind("now", now).execute() == 1;
    }

    /** Deletes an INACTIVE custom server (scopes and keys go with it); false when there is none in that state. */
    public boolean deleteInactive(Handle h, String id) {
        return h.createUpdate("DELETE FROM authorization_servers WHERE id = :id AND kind = 'CUSTOM' AND status = 'INACTIVE'")
                .bind("id", id).execute() == 1;
    }

    static String nameKey(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static AuthorizationServer read(ResultSet rs) throws SQLException {
        TokenLifetimes lifetimes = TokenLifetimes.ofMinutes(rs.getLong("access_token_minutes"), rs.getLong("id_token_minutes"),
                rs.getLong("refresh_token_idle_minutes"), rs.getLong("refresh_token_max_minutes"));
        return new AuthorizationServer(rs.getString("id"), AuthorizationServer.Kind.valueOf(rs.getString("kind")),
                rs.getString("name"), rs.getString("description"), rs.getString("audience"),
                AuthorizationServer.Status.valueOf(rs.getString("status")), lifetimes,
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("last_updated_at").toInstant());
    }
}
