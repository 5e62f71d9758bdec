package dev.gatehouse.oauth.servers;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SQL for {@code authorization_server_scopes}; system scopes are guarded in the statements ({@code is_system = FALSE}). */
public final class ScopeStore {

    public void insert(Handle h, Scope s) {
        h.createUpdate("""
                        INSERT INTO authorization_server_scopes (id, authorization_server_id, name, display_name, description,
                            is_system, is_default, consent, metadata_publish, created_at, last_updated_at)
                        VALUES (:id, :as, :name, :displayName, :description, :system, :isDefault, :consent, :publish,
                            :created, :lastUpdated)""")
                .bind("id", s.id()).bind("as", s.authorizationServerId()).bind("name", s.name())
                .bind("displayName", s.displayName()).bind("description", s.description()).bind("system", s.system())
                .bind("isDefault", s.isDefault()).bind("consent", s.consent().name()).bind("publish", s.metadataPublish().name())
                .bind("created", s.created()).bind("lastUpdated", s.lastUpdated())
                .execute();
    }

    public Optional<Scope> find(Handle h, String authorizationServerId, String id) {
        return h.createQuery("SELECT * FROM authorization_server_scopes WHERE authorization_server_id = :as AND id = :id")
                .bind("as", authorizationServerId).bind("id", id).map((rs, c) -> read(rs)).findOne();
    }

    /** A server's scopes by name ({@link Scopes} puts them in display order). */
    public List<Scope> list(Handle h, String authorizationServerId) {
        return h.createQuery("SELECT * FROM authorization_server_scopes WHERE authorization_server_id = :as ORDER BY name")
                .bind("as", authorizationServerId).map((rs, c) -> read(rs)).list();
    }

    /** Replaces what may change; a system scope keeps its name (the statement refuses to rename it). */
    public boolean update(Handle h, Scope s, Instant now) {
        return h.createUpdate("""
                        UPDATE authorization_server_scopes SET name = :name, display_name = :displayName, description = :description,
                            is_default = :isDefault, consent = :consent, metadata_publish = :publish, last_updated_at = :now
                        WHERE authorization_server_id = :as AND id = :id AND (is_system = FALSE OR name = :name)""")
                .bind("as", s.authorizationServerId()).bind("id", s.id()).bind("name", s.name())
                .bind("displayName", s.displayName()).bind("description", s.description()).bind("isDefault", s.isDefault())
                .bind("consent", s.consent().name()).bind("publish", s.metadataPublish().name()).bind("now", now)
                .execute() == 1;
    }

    public boolean deleteCustom(Handle h, String authorizationServerId, String id) {
        return h.createUpdate("DELETE FROM authorization_server_scopes WHERE authorization_server_id = :as AND id = :id AND is_system = FALSE")
                .bind("as", authorizationServerId).bind("id", id).execute() == 1;
    }

    private static Scope read(ResultSet rs) throws SQLException {
        return new Scope(rs.getString("id"), rs.getString("authorization_server_id"), rs.getString("name"),
                rs.getString("display_name"), rs.getString("description"), rs.getBoolean("is_system"), rs.getBoolean("is_default"),
                Scope.Consent.valueOf(rs.getString("consent")), Scope.MetadataPublish.valueOf(rs.getString("metadata_publish")),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("last_updated_at").toInstant());
    }
}
