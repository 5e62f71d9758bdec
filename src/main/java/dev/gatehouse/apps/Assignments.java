package dev.gatehouse.apps;

import java.util.List;

/**
 * Who an app is assigned to, for the console: the assigned groups (Everyone among them when
 * {@link #everyone()}) and the users assigned directly, each list by id.
 */
public record Assignments(boolean everyone, List<GroupAssignment> groups, List<AppUser> users) {

    public Assignments {
        groups = List.copyOf(groups);
        users = List.copyOf(users);
    }
}
