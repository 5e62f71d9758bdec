package dev.gatehouse.apps;

import dev.gatehouse.directory.Group;
import dev.gatehouse.directory.User;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * SQL for {@code app_group_assignments} and {@code app_user_assignments}, and for who an app's users are:
 * its directly assigned users, the members of its assigned groups, and everyone when the Everyone group
 * (which has no membership rows) is assigned.
 */
public final class AssignmentStore {

    /** What assigning a group did. */
    public enum GroupChange { ADDED, PRIORITY_CHANGED, UNCHANGED }

    /** True when the user is assigned directly, through a group, or through Everyone (as SQL over {@code u.id}). */
    private static final String THROUGH_A_GROUP = """
            EXISTS (SELECT 1 FROM app_group_assignments g WHERE g.app_id = :app AND (g.group_id = :everyone
                OR g.group_id IN (SELECT m.group_id FROM group_memberships m WHERE m.user_id = u.id)))""";
    private static final String APP_USERS = """
            SELECT u.id, u.login, u.email, u.first_name, u.last_name, u.display_name,
                   d.created_at AS direct_created, d.last_updated_at AS direct_updated,
                   (SELECT MIN(g.created_at) FROM app_group_assignments g WHERE g.app_id = :app AND (g.group_id = :everyone
                       OR g.group_id IN (SELECT m.group_id FROM group_memberships m WHERE m.user_id = u.id))) AS group_created
            FROM users u LEFT JOIN app_user_assignments d ON d.app_id = :app AND d.user_id = u.id
            WHERE (d.user_id IS NOT NULL OR\s""" + THROUGH_A_GROUP + ")";

    /**
     * Assigns a group; {@code priority} null means "after the others" for a new assignment and "as it is" for an
     * existing one.
     */
    public GroupChange assignGroup(Handle h, String appId, String groupId, Integer priority, Instant now) {
        int next = priority != null ? priority : h.createQuery(
                        "SELECT COALESCE(MAX(priority) + 1, 0) FROM app_group_assignments WHERE app_id = :app")
                .bind("app", appId).mapTo(Integer.class).one();
        boolean added = h.createUpdate("""
                        INSERT INTO app_group_assignments (app_id, group_id, priority, created_at, last_updated_at)
                        VALUES (:app, :group, :priority, :now, :now) ON CONFLICT DO NOTHING""")
                .bind("app", appId).bind("group", groupId).bind("priority", next).bind("now", now).execute() == 1;
        if (added) {
            return GroupChange.ADDED;
        }
        if (priority != null && h.createUpdate("""
                        UPDATE app_group_assignments SET priority = :priority, last_updated_at = :now
                        WHERE app_id = :app AND group_id = :group AND priority <> :priority""")
                .bind("app", appId).bind("group", groupId).bind("priority", priority).bind("now", now).execute() == 1) {
            return GroupChange.PRIORITY_CHANGED;
        }
        return GroupChange.UNCHANGED;
    }

    /** Removes a group assignment; false when there was none. */
    public boolean unassignGroup(Handle h, String appId, String groupId) {
        return h.createUpdate("DELETE FROM app_group_assignments WHERE app_id = :app AND group_id = :group")
                .bind("app", appId).bind("group", groupId).execute() == 1;
    }

    public Optional<GroupAssignment> group(Handle h, String appId, String groupId) {
        return h.createQuery("""
                        SELECT a.*, g.name FROM app_group_assignments a JOIN user_groups g ON g.id = a.group_id
                        WHERE a.app_id = :app AND a.group_id = :group""")
                .bind("app", appId).bind("group", groupId).map((rs, c) -> readGroup(rs)).findOne();
    }

    /** A page of an app's group assignments by group id; {@code after} null for the first page. */
    public List<GroupAssignment> groups(Handle h, String appId, String after, int limit) {
        return h.createQuery("""
                        SELECT a.*, g.name FROM app_group_assignments a JOIN user_groups g ON g.id = a.group_id
                        WHERE a.app_id = :app AND a.group_id > :after ORDER BY a.group_id LIMIT :limit""")
                .bind("app", appId).bind("after", after == null ? "" : after).bind("limit", limit)
                .map((rs, c) -> readGroup(rs)).list();
    }

    /** Assigns a user directly; false when the user already was. */
    public boolean assignUser(Handle h, String appId, String userId, Instant now) {
        return h.createUpdate("""
                        INSERT INTO app_user_assignments (app_id, user_id, created_at, last_updated_at)
                        VALUES (:app, :user, :now, :now) ON CONFLICT DO NOTHING""")
                .bind("app", appId).bind("user", userId).bind("now", now).execute() == 1;
    }

    /** Removes a direct assignment; false when there was none. */
    public boolean unassignUser(Handle h, String appId, String userId) {
        return h.createUpdate("DELETE FROM app_user_assignments WHERE app_id = :app AND user_id = :user")
                .bind("app", appId).bind("user", userId).execute() == 1;
    }

    /** A page of the app's users (direct and through groups) by user id; {@code after} null for the first page. */
    public List<AppUser> users(Handle h, String appId, String after, int limit) {
        return h.createQuery(APP_USERS + " AND u.id > :after ORDER BY u.id LIMIT :limit")
                .bind("app", appId).bind("everyone", Group.EVERYONE).bind("after", after == null ? "" : after)
                .bind("limit", limit).map((rs, c) -> readUser(appId, rs)).list();
    }

    /** The users assigned directly (scope USER), by id. */
    public List<AppUser> directUsers(Handle h, String appId) {
        return h.createQuery(APP_USERS + " AND d.user_id IS NOT NULL ORDER BY u.id")
                .bind("app", appId).bind("everyone", Group.EVERYONE).map((rs, c) -> readUser(appId, rs)).list();
    }

    /** The user as an app user, if assigned directly or through a group. */
    public Optional<AppUser> user(Handle h, String appId, String userId) {
        return h.createQuery(APP_USERS + " AND u.id = :user")
                .bind("app", appId).bind("everyone", Group.EVERYONE).bind("user", userId)
                .map((rs, c) -> readUser(appId, rs)).findOne();
    }

    /** Whether the user exists and is assigned to the app directly, through a group, or through Everyone. */
    public boolean isAssigned(Handle h, String appId, String userId) {
        return h.createQuery("""
                        SELECT COUNT(*) FROM users u WHERE u.id = :user AND (
                            EXISTS (SELECT 1 FROM app_user_assignments d WHERE d.app_id = :app AND d.user_id = u.id) OR\s"""
                        + THROUGH_A_GROUP + ")")
                .bind("app", appId).bind("user", userId).bind("everyone", Group.EVERYONE).mapTo(Long.class).one() > 0;
    }

    private static GroupAssignment readGroup(ResultSet rs) throws SQLException {
        return new GroupAssignment(rs.getString("app_id"), rs.getString("group_id"), rs.getString("name"), rs.getInt("priority"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("last_updated_at").toInstant());
    }

    private static AppUser readUser(String appId, ResultSet rs) throws SQLException {
        User.Profile p = new User.Profile(rs.getString("login"), rs.getString("email"), rs.getString("first_name"),
                rs.getString("last_name"), rs.getString("display_name"), null);
        boolean direct = rs.getTimestamp("direct_created") != null;
        Instant created = (direct ? rs.getTimestamp("direct_created") : rs.getTimestamp("group_created")).toInstant();
        Instant updated = direct ? rs.getTimestamp("direct_updated").toInstant() : created;
        return new AppUser(appId, rs.getString("id"), p.login(), p.name(), direct ? AppUser.Scope.USER : AppUser.Scope.GROUP,
                created, updated);
    }
}
