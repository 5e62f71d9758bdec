package dev.gatehouse.oauth.servers;

import dev.gatehouse.oauth.claims.GroupFilter;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** SQL for {@code authorization_server_claims}; {@code scopes} is stored space-separated. */
public final class ClaimStore {

    public void insert(Handle h, Claim c) {
        h.createUpdate("""
                        INSERT INTO authorization_server_claims (id, authorization_server_id, name, claim_type, value_type, claim_value,
                            group_filter_type, scopes, always_include_in_token, status, created_at, last_updated_at)
                        VALUES (:id, :as, :name, :claimType, :valueType, :value, :filter, :scopes, :always, :status, :created, :lastUpdated)""")
                .bind("id", c.id()).bind("as", c.authorizationServerId()).bind("created", c.created())
                .bind("name", c.name()).bind("claimType", c.claimType().name()).bind("valueType", c.valueType().name())
                .bind("value", c.value()).bind("filter", filter(c)).bind("scopes", String.join(" ", c.scopes()))
                .bind("always", c.alwaysIncludeInToken()).bind("status", c.status().name()).bind("lastUpdated", c.lastUpdated())
                .execute();
    }

    public boolean update(Handle h, Claim c) {
        return h.createUpdate("""
                        UPDATE authorization_server_claims SET name = :name, claim_type = :claimType, value_type = :valueType,
                            claim_value = :value, group_filter_type = :filter, scopes = :scopes, always_include_in_token = :always,
                            status = :status, last_updated_at = :lastUpdated
                        WHERE authorization_server_id = :as AND id = :id""")
                .bind("id", c.id()).bind("as", c.authorizationServerId())
                .bind("name", c.name()).bind("claimType", c.claimType().name()).bind("valueType", c.valueType().name())
                .bind("value", c.value()).bind("filter", filter(c)).bind("scopes", String.join(" ", c.scopes()))
                .bind("always", c.alwaysIncludeInToken()).bind("status", c.status().name()).bind("lastUpdated", c.lastUpdated())
                .execute() == 1;
    }

    public Optional<Claim> find(Handle h, String authorizationServerId, String id) {
        return h.createQuery("SELECT * FROM authorization_server_claims WHERE authorization_server_id = :as AND id = :id")
                .bind("as", authorizationServerId).bind("id", id).map((rs, c) -> read(rs)).findOne();
    }

    /** A server's claims, oldest first (Okta lists them in id order). */
    public List<Claim> list(Handle h, String authorizationServerId) {
        return h.createQuery("SELECT * FROM authorization_server_claims WHERE authorization_server_id = :as ORDER BY created_at, id")
                .bind("as", authorizationServerId).map((rs, c) -> read(rs)).list();
    }

    public int count(Handle h, String authorizationServerId) {
        return h.createQuery("SELECT COUNT(*) FROM authorization_server_claims WHERE authorization_server_id = :as")
                .bind("as", authorizationServerId).mapTo(Integer.class).one();
    }

    public boolean delete(Handle h, String authorizationServerId, String id) {
        return h.createUpdate("DELETE FROM authorization_server_claims WHERE authorization_server_id = :as AND id = :id")
                .bind("as", authorizationServerId).bind("id", id).execute() == 1;
    }

    private static String filter(Claim c) {
        return c.groupFilterType() == null ? null : c.groupFilterType().name();
    }

    private static Claim read(ResultSet rs) throws SQLException {
        String scopes = rs.getString("scopes");
        String filter = rs.getString("group_filter_type");
        return new Claim(rs.getString("id"), rs.getString("authorization_server_id"), rs.getString("name"),
                Claim.Type.valueOf(rs.getString("claim_type")), Claim.ValueType.valueOf(rs.getString("value_type")),
                rs.getString("claim_value"), filter == null ? null : GroupFilter.Type.valueOf(filter),
                scopes.isEmpty() ? List.of() : Arrays.asList(scopes.split(" ")), rs.getBoolean("always_include_in_token"),
                Claim.Status.valueOf(rs.getString("status")),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("last_updated_at").toInstant());
    }
}
