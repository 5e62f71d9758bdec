package dev.gatehouse.origins;

import dev.gatehouse.storage.Listing;
import dev.gatehouse.origins.TrustedOrigin.Scope;
import dev.gatehouse.origins.TrustedOrigin.Status;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** SQL for {@code trusted_origins}. Uniqueness of name and origin is the table's (unique keys), never a prior read. */
public final class TrustedOriginStore {

    /** One page by id: {@code q} a case-insensitive prefix of the name or the origin; {@code conditions} SQL with {@code binds}. */
    public record Query(String q, List<String> conditions, Map<String, Object> binds, String after, int limit) {
    }

    public void insert(Handle h, TrustedOrigin o) {
        h.createUpdate("""
                        INSERT INTO trusted_origins (id, name, name_key, origin, cors, redirect, status,
                            created_at, created_by, last_updated_at, last_updated_by)
                        VALUES (:id, :name, :nameKey, :origin, :cors, :redirect, :status, :created, :createdBy, :lastUpdated, :lastUpdatedBy)""")
                .bind("id", o.id()).bind("name", o.name()).bind("nameKey", key(o.name())).bind("origin", o.origin())
                .bind("cors", o.scopes().contains(Scope.CORS)).bind("redirect", o.scopes().contains(Scope.REDIRECT))
                .bind("status", o.status().name()).bind("created", o.created()).bind("createdBy", o.createdBy())
                .bind("lastUpdated", o.lastUpdated()).bind("lastUpdatedBy", o.lastUpdatedBy())
                .execute();
    }

    public Optional<TrustedOrigin> find(Handle h, String id) {
        return h.createQuery("SELECT * FROM trusted_origins WHERE id = :id").bind("id", id).map((rs, c) -> read(rs)).findOne();
    }

    public Optional<TrustedOrigin> findByOrigin(Handle h, String origin) {
        return h.createQuery("SELECT * FROM trusted_origins WHERE origin = :origin").bind("origin", origin)
                .map((rs, c) -> read(rs)).findOne();
    }

    public boolean nameTaken(Handle h, String name, String exceptId) {
        return h.createQuery("SELECT COUNT(*) FROM trusted_origins WHERE name_key = :k AND id <> :id")
                .bind("k", key(name)).bind("id", exceptId == null ? "" : exceptId).mapTo(Long.class).one() > 0;
    }

    public List<TrustedOrigin> list(Handle h, Query query) {
        StringBuilder sql = new StringBuilder("SELECT * FROM trusted_origins WHERE 1 = 1");
        Map<String, Object> binds = new HashMap<>(query.binds());
        query.conditions().forEach(c -> sql.append(" AND ").append(c));
        if (query.q() != null) {
            sql.append(" AND (name_key LIKE :q ESCAPE '!' OR origin LIKE :q ESCAPE '!')");
            binds.put("q", Listing.startsWith(key(query.q())));
        }
        Listing.page(sql, binds, "id", query.after(), query.limit());
        return h.createQuery(sql.toString()).bindMap(binds).map((rs, c) -> read(rs)).list();
    }

    /** Every ACTIVE origin: what the in-memory cache holds. */
    public List<TrustedOrigin> active(Handle h) {
        return h.createQuery("SELECT * FROM trusted_origins WHERE status = 'ACTIVE'").map((rs, c) -> read(rs)).list();
    }

    /** Replaces name, origin and scopes; false when there is no such origin. */
    public boolean update(Handle h, String id, String name, String origin, EnumSet<Scope> scopes, Instant now, String by) {
        return h.createUpdate("""
                        UPDATE trusted_origins SET name = :name, name_key = :nameKey, origin = :origin, cors = :cors, redirect = :redirect,
                            last_updated_at = :now, last_updated_by = :by
                        WHERE id = :id""")
                .bind("id", id).bind("name", name).bind("nameKey", key(name)).bind("origin", origin)
                .bind("cors", scopes.contains(Scope.CORS)).bind("redirect", scopes.contains(Scope.REDIRECT))
                .bind("now", now).bind("by", by).execute() == 1;
    }

    /** Moves to {@code to} from the other status; false when there is no such origin or it already had that status. */
    public boolean changeStatus(Handle h, String id, Status to, Instant now, String by) {
        return h.createUpdate("""
                        UPDATE trusted_origins SET status = :to, last_updated_at = :now, last_updated_by = :by
                        WHERE id = :id AND status <> :to""")
                .bind("id", id).bind("to", to.name()).bind("now", now).bind("by", by).execute() == 1;
    }

    public boolean delete(Handle h, String id) {
        return h.createUpdate("DELETE FROM trusted_origins WHERE id = :id").bind("id", id).execute() == 1;
    }

    static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static TrustedOrigin read(ResultSet rs) throws SQLException {
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        if (rs.getBoolean("cors")) {
            scopes.add(Scope.CORS);
        }
        if (rs.getBoolean("redirect")) {
            scopes.add(Scope.REDIRECT);
        }
        return new TrustedOrigin(rs.getString("id"), rs.getString("name"), rs.getString("origin"), scopes,
                Status.valueOf(rs.getString("status")), rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"),
                rs.getTimestamp("last_updated_at").toInstant(), rs.getString("last_updated_by"));
    }
}
