package dev.gatehouse.apps;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.directory.Group;
import dev.gatehouse.directory.GroupStore;
import dev.gatehouse.directory.User;
import dev.gatehouse.directory.UserStore;
import dev.gatehouse.storage.ChangeFeed;
import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Supplier;

/**
 * Who may use an app: its assigned groups (Everyone among them) and directly assigned users. Reached through
 * {@link Apps}, which finds the app first. Events: {@code group.application_assignment.add|update|remove} for
 * groups (Everyone included), {@code application.user_membership.add|remove} for users; an assignment that
 * changes nothing writes none.
 */
public final class AppAssignments {

    private final Database db;
    private final ChangeFeed changes;
    private final AssignmentStore store;
    private final GroupStore groups;
    private final UserStore users;
    private final SystemLog log;
    private final Clock clock;

    public AppAssignments(Database db, ChangeFeed changes, AssignmentStore store, GroupStore groups, UserStore users, SystemLog log,
                          Clock clock) {
        this.db = db;
        this.changes = changes;
        this.store = store;
        this.groups = groups;
        this.users = users;
        this.log = log;
        this.clock = clock;
    }

    /**
     * Group assignments change the cached apps' {@code implicitAssignment} (Everyone), so they announce on
     * {@link Apps#CHANNEL}; user assignments change no app record and need no announcement (assignment checks are
     * never cached).
     */
    GroupAssignment assignGroup(EventContext ctx, App app, String groupId, Integer priority) {
        if (priority != null && priority < 0) {
            throw ApiError.validation("priority", "Must be a whole number of 0 or more");
        }
        return stillThere(app, () -> changes.write(Apps.CHANNEL, h -> {
            Group group = groups.find(h, groupId).orElseThrow(() -> ApiError.notFound(groupId, "UserGroup"));
            switch (store.assignGroup(h, app.id(), group.id(), priority, now())) {
                case ADDED -> log.record(h, ctx, SystemLog.Entry.success("group.application_assignment.add",
                        "Add assigned application to group", app.auditTarget(), target(group)));
                case PRIORITY_CHANGED -> log.record(h, ctx, SystemLog.Entry.success("group.application_assignment.update",
                        "Update assigned application priority for group", app.auditTarget(), target(group)));
                case UNCHANGED -> { }
            }
            return store.group(h, app.id(), group.id()).orElseThrow();
        }));
    }

    void unassignGroup(EventContext ctx, App app, String groupId) {
        changes.inTx(Apps.CHANNEL, h -> {
            Group group = groups.find(h, groupId).orElseThrow(() -> ApiError.notFound(groupId, "UserGroup"));
            if (store.unassignGroup(h, app.id(), group.id())) {
                log.record(h, ctx, SystemLog.Entry.success("group.application_assignment.remove",
                        "Remove assigned application from group", app.auditTarget(), target(group)));
            }
        });
    }

    /** Within a caller's transaction: assigns ({@code assign}) or unassigns Everyone, with its event when that changes anything. */
    void everyone(Handle h, EventContext ctx, App app, boolean assign, Instant now) {
        Group everyone = groups.find(h, Group.EVERYONE).orElseThrow();
        if (assign && store.assignGroup(h, app.id(), everyone.id(), null, now) == AssignmentStore.GroupChange.ADDED) {
            log.record(h, ctx, SystemLog.Entry.success("group.application_assignment.add", "Add assigned application to group",
                    app.auditTarget(), target(everyone)));
        } else if (!assign && store.unassignGroup(h, app.id(), everyone.id())) {
            log.record(h, ctx, SystemLog.Entry.success("group.application_assignment.remove",
                    "Remove assigned application from group", app.auditTarget(), target(everyone)));
        }
    }

    AppUser assignUser(EventContext ctx, App app, String userId) {
        return stillThere(app, () -> db.tx(h -> {
            User user = users.find(h, userId).orElseThrow(() -> ApiError.notFound(userId, "User"));
            if (store.assignUser(h, app.id(), user.id(), now())) {
                log.record(h, ctx, SystemLog.Entry.success("application.user_membership.add", "Add user to application membership",
                        target(user), app.auditTarget()));
            }
            return store.user(h, app.id(), user.id()).orElseThrow();
        }));
    }

    void unassignUser(EventContext ctx, App app, String userId) {
        db.inTx(h -> {
            User user = users.find(h, userId).orElseThrow(() -> ApiError.notFound(userId, "User"));
            if (store.unassignUser(h, app.id(), user.id())) {
                log.record(h, ctx, SystemLog.Entry.success("application.user_membership.remove",
                        "Remove user from application membership", target(user), app.auditTarget()));
            } else if (store.user(h, app.id(), user.id()).isPresent()) {
                throw ApiError.validation("scope", "The user is assigned to this app through a group (scope GROUP), not directly; "
                        + "remove the group's assignment or the user's membership in the group instead");
            }
        });
    }

    Assignments all(App app) {
        return db.read(h -> {
            List<GroupAssignment> assigned = store.groups(h, app.id(), null, Integer.MAX_VALUE);
            return new Assignments(assigned.stream().anyMatch(GroupAssignment::everyone), assigned, store.directUsers(h, app.id()));
        });
    }

    List<GroupAssignment> groups(App app, String after, int limit) {
        return db.read(h -> store.groups(h, app.id(), after, limit));
    }

    GroupAssignment group(App app, String groupId) {
        return db.read(h -> store.group(h, app.id(), groupId)).orElseThrow(() -> ApiError.notFound(groupId, "ApplicationGroupAssignment"));
    }

    List<AppUser> users(App app, String after, int limit) {
        return db.read(h -> store.users(h, app.id(), after, limit));
    }

    AppUser user(App app, String userId) {
        return db.read(h -> store.user(h, app.id(), userId)).orElseThrow(() -> ApiError.notFound(userId, "AppUser"));
    }

    boolean isAssigned(String appId, String userId) {
        return db.read(h -> store.isAssigned(h, appId, userId));
    }

    /** An app deleted while its assignment was being written is a foreign-key violation: that is a 404. */
    private static <T> T stillThere(App app, Supplier<T> write) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            if (Database.isForeignKeyViolation(e)) {
                throw ApiError.notFound(app.id(), "AppInstance");
            }
            throw e;
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static Target target(Group g) {
        return new Target(g.id(), "UserGroup", g.name(), g.name());
    }

    private static Target target(User u) {
        return new Target(u.id(), "User", u.profile().login(), u.profile().name());
    }
}
