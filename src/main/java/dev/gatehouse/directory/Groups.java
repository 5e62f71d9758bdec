package dev.gatehouse.directory;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.storage.Filter;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The group use cases, shared by the management API and the console. The built-in Everyone group holds
 * every user implicitly; it cannot be renamed, deleted, or have members added or removed: that is
 * 403 E0000006, as Okta answers for built-in groups.
 */
public final class Groups {

    private static final int MAX_NAME = 255;
    private static final int MAX_DESCRIPTION = 1024;

    private final Database db;
    private final GroupStore store;
    private final UserStore users;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;

    public Groups(Database db, GroupStore store, UserStore users, SystemLog log, Ids ids, Clock clock) {
        this.db = db;
        this.store = store;
        this.users = users;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
    }

    public Group create(EventContext ctx, String name, String description) {
        validate(name, description);
        Instant now = clock.instant();
        Group group = new Group(ids.next(Ids.GROUP), Group.Type.OKTA_GROUP, name, blankToNull(description), now, now, now);
        return uniqueName(() -> db.tx(h -> {
            store.insert(h, group);
            log.record(h, ctx, SystemLog.Entry.success("group.lifecycle.create", "Create Okta group", target(group)));
            return group;
        }));
    }

    /** The group with this id, or 404 E0000007 "(UserGroup)". */
    public Group get(String id) {
        return db.read(h -> store.find(h, id)).orElseThrow(() -> ApiError.notFound(id, "UserGroup"));
    }

    /** Groups by id: {@code q} a case-insensitive prefix of the name, {@code filter} an Okta expression. */
    public List<Group> list(String q, String filter, String after, int limit) {
        Map<String, Object> binds = new HashMap<>();
        List<String> conditions = new ArrayList<>();
        if (filter != null && !filter.isBlank()) {
            try {
                conditions.add(GroupStore.FILTER.toSql(Filter.parse(filter), binds));
            } catch (Filter.InvalidFilter e) {
                throw ApiError.validation("filter", e.getMessage());
            }
        }
        GroupStore.Query query = new GroupStore.Query(q == null || q.isBlank() ? null : q.strip(), conditions, binds, after, limit);
        return db.read(h -> store.list(h, query));
    }

    /** Replaces the group's profile (name and description). */
    public Group update(EventContext ctx, String id, String name, String description) {
        Group current = get(id);
        refuseBuiltIn(current, "be renamed");
        validate(name, description);
        return uniqueName(() -> db.tx(h -> {
            if (!store.update(h, current.id(), name, blankToNull(description), clock.instant())) {
                throw ApiError.notFound(id, "UserGroup");
            }
            Group updated = store.find(h, current.id()).orElseThrow();
            log.record(h, ctx, SystemLog.Entry.success("group.profile.update", "Update Okta group profile", target(updated)));
            return updated;
        }));
    }

    public void delete(EventContext ctx, String id) {
        Group current = get(id);
        refuseBuiltIn(current, "be deleted");
        db.inTx(h -> {
            if (!store.delete(h, current.id())) {
                throw ApiError.notFound(id, "UserGroup");
            }
            log.record(h, ctx, SystemLog.Entry.success("group.lifecycle.delete", "Delete Okta group", target(current)));
        });
    }

    /** Adds a user to a group; adding a member again changes nothing and writes no event. */
    public void addMember(EventContext ctx, String groupId, String userId) {
        Group group = get(groupId);
        refuseBuiltIn(group, "have members added");
        try {
            db.inTx(h -> {
                User user = users.find(h, userId).orElseThrow(() -> ApiError.notFound(userId, "User"));
                if (store.addMember(h, group.id(), user.id(), clock.instant())) {
                    log.record(h, ctx, SystemLog.Entry.success("group.user_membership.add", "Add user to group membership",
                            Users.target(user), target(group)));
                }
            });
        } catch (RuntimeException e) {
            if (Database.isForeignKeyViolation(e)) {
                // The group or the user was deleted while this request ran.
                throw ApiError.notFound(groupId, "UserGroup");
            }
            throw e;
        }
    }

    /** Removes a user from a group; removing a non-member changes nothing and writes no event. */
    public void removeMember(EventContext ctx, String groupId, String userId) {
        Group group = get(groupId);
        refuseBuiltIn(group, "have members removed");
        db.inTx(h -> {
            User user = users.find(h, userId).orElseThrow(() -> ApiError.notFound(userId, "User"));
            if (store.removeMember(h, group.id(), user.id(), clock.instant())) {
                log.record(h, ctx, SystemLog.Entry.success("group.user_membership.remove", "Remove user from group membership",
                        Users.target(user), target(group)));
            }
        });
    }

    /** A page of a group's members by id (every user, for Everyone). */
    public List<User> members(String groupId, String after, int limit) {
        Group group = get(groupId);
        UserStore.Query query = new UserStore.Query(null, List.of(), Map.of(), false,
                group.builtIn() ? null : group.id(), after, limit);
        return db.read(h -> users.list(h, query));
    }

    /** The groups a user is in, Everyone first. */
    /** The names of a user's groups for a token's {@code groups} claim: at most 100, Okta's limit. */
    public List<String> namesOf(String userId) {
        return groupsOf(userId).stream().map(Group::name).limit(100).toList();
    }

    public List<Group> groupsOf(String userId) {
        return db.read(h -> {
            users.find(h, userId).orElseThrow(() -> ApiError.notFound(userId, "User"));
            return store.groupsOf(h, userId);
        });
    }

    private static void validate(String name, String description) {
        List<ApiError.Cause> causes = new ArrayList<>();
        if (name == null || name.isBlank()) {
            causes.add(new ApiError.Cause("name", UserProfileSchema.BLANK));
        } else if (name.length() > MAX_NAME) {
            causes.add(new ApiError.Cause("name", "The field cannot be longer than " + MAX_NAME + " characters"));
        }
        if (description != null && description.length() > MAX_DESCRIPTION) {
            causes.add(new ApiError.Cause("description", "The field cannot be longer than " + MAX_DESCRIPTION + " characters"));
        }
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
    }

    private static void refuseBuiltIn(Group group, String what) {
        if (group.builtIn()) {
            throw new ApiError(ErrorCode.E0000006, ErrorCode.E0000006.summary(null), List.of(new ApiError.Cause(null,
                    "The " + group.name() + " group is built in: it cannot " + what + ".")));
        }
    }

    private static <T> T uniqueName(java.util.function.Supplier<T> write) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw ApiError.validation("name", Users.DUPLICATE);
            }
            throw e;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static Target target(Group g) {
        return new Target(g.id(), "UserGroup", g.name(), g.name());
    }
}
