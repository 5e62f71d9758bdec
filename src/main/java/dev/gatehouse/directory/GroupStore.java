package dev.gatehouse.directory;

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
import java.util.Set;

/**
 * SQL for {@code user_groups} and {@code group_memberships}. Built-in groups are guarded in the
 * statements themselves ({@code AND type = 'OKTA_GROUP'}), so no check-then-write can slip past.
 */
public final class GroupStore {

    /** What {@code filter} may name on groups. */
    static final FilterColumns FILTER = new FilterColumns(Map.of("id", "id", "type", "type", "profile.name", "name",
            "created", "created_at", "lastUpdated", "last_updated_at", "lastMembershipUpdated", "last_membership_updated_at"),
            Set.of("created", "lastUpdated", "lastMembershipUpdated"), Set.of("profile.name"));

    /** One page of groups by id; {@code q} is a case-insensitive prefix of the name; conditions as in {@link UserStore.Query}. */
    public record Query(String q, List<String> conditions, Map<String, Object> binds, String after, int limit) {
    }

    public void insert(Handle h, Group g) {
        h.createUpdate("""
                        INSERT INTO user_groups (id, type, name, name_key, description, created_at, last_updated_at, last_membership_updated_at)
                        VALUES (:id, :type, :name, :nameKey, :description, :created, :lastUpdated, :lastMembershipUpdated)""")
                .bind("id", g.id()).bind("type", g.type().name()).bind("name", g.name()).bind("nameKey", nameKey(g.name()))
                .bind("description", g.description()).bind("created", g.created()).bind("lastUpdated", g.lastUpdated())
                .bind("lastMembershipUpdated", g.lastMembershipUpdated())
                .execute();
    }

    public Optional<Group> find(Handle h, String id) {
        return h.createQuery("SELECT * FROM user_groups WHERE id = :id").bind("id", id).map((rs, c) -> read(rs)).findOne();
    }

    public List<Group> list(Handle h, Query query) {
        StringBuilder sql = new StringBuilder("SELECT * FROM user_groups WHERE 1 = 1");
        Map<String, Object> binds = new HashMap<>(query.binds());
        query.conditions().forEach(c -> sql.append(" AND ").append(c));
        if (query.q() != null) {
            sql.append(" AND name_key LIKE :q ESCAPE '!'");
            binds.put("q", Listing.startsWith(nameKey(query.q())));
        }
        Listing.page(sql, binds, "id", query.after(), query.limit());
        return h.createQuery(sql.toString()).bindMap(binds).map((rs, c) -> read(rs)).list();
    }

    /** The groups a user is in: Everyone, then its memberships, by id. */
    public List<Group> groupsOf(Handle h, String userId) {
        return h.createQuery("""
                        SELECT * FROM user_groups WHERE type = 'BUILT_IN'
                            OR id IN (SELECT group_id FROM group_memberships WHERE user_id = :u)
                        ORDER BY CASE WHEN type = 'BUILT_IN' THEN 0 ELSE 1 END, id""")
                .bind("u", userId).map((rs, c) -> read(rs)).list();
    }

    /** Renames / redescribes an OKTA_GROUP; false when there is no such group of that type. */
    public boolean update(Handle h, String id, String name, String description, Instant now) {
        return h.createUpdate("""
                        UPDATE user_groups SET name = :name, name_key = :nameKey, description = :description, last_updated_at = :now
                        WHERE id = :id AND type = 'OKTA_GROUP'""")
                .bind("id", id).bind("name", name).bind("nameKey", nameKey(name)).bind("description", description)
                .bind("now", now).execute() == 1;
    }

    /** Deletes an OKTA_GROUP and its memberships; false when there is no such group of that type. */
    public boolean delete(Handle h, String id) {
        h.createUpdate("DELETE FROM group_memberships WHERE group_id = :id AND group_id IN (SELECT id FROM user_groups WHERE type = 'OKTA_GROUP')")
                .bind("id", id).execute();
        return h.createUpdate("DELETE FROM user_groups WHERE id = :id AND type = 'OKTA_GROUP'").bind("id", id).execute() == 1;
    }

    /** Adds a membership; false when it already existed. */
    public boolean addMember(Handle h, String groupId, String userId, Instant now) {
        boolean added = h.createUpdate("""
                        INSERT INTO group_memberships (group_id, user_id, created_at) VALUES (:g, :u, :now)
                        ON CONFLICT DO NOTHING""")
                .bind("g", groupId).bind("u", userId).bind("now", now).execute() == 1;
        if (added) {
            touchMembership(h, groupId, now);
        }
        return added;
    }

    /** Removes a membership; false when there was none. */
    public boolean removeMember(Handle h, String groupId, String userId, Instant now) {
        boolean removed = h.createUpdate("DELETE FROM group_memberships WHERE group_id = :g AND user_id = :u")
                .bind("g", groupId).bind("u", userId).execute() == 1;
        if (removed) {
            touchMembership(h, groupId, now);
        }
        return removed;
    }

    /** The groups a user has membership rows in (never Everyone). */
    public List<String> groupIdsOf(Handle h, String userId) {
        return h.createQuery("SELECT group_id FROM group_memberships WHERE user_id = :u").bind("u", userId).mapTo(String.class).list();
    }

    /** Stamps {@code lastMembershipUpdated}: for Everyone, when a user is created or deleted. */
    public void touchMembership(Handle h, String groupId, Instant now) {
        h.createUpdate("UPDATE user_groups SET last_membership_updated_at = :now WHERE id = :id")
                .bind("id", groupId).bind("now", now).execute();
    }

    static String nameKey(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static Group read(ResultSet rs) throws SQLException {
        return new Group(rs.getString("id"), Group.Type.valueOf(rs.getString("type")), rs.getString("name"),
                rs.getString("description"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("last_updated_at").toInstant(), rs.getTimestamp("last_membership_updated_at").toInstant());
    }
}
