package dev.gatehouse.apps;

import dev.gatehouse.directory.Group;

import java.time.Instant;

/**
 * A group assigned to an app (Okta's ApplicationGroupAssignment): its members may sign in to the app.
 * The built-in Everyone group stands for everyone in the org ({@code settings.implicitAssignment: true}).
 */
public record GroupAssignment(String appId, String groupId, String groupName, int priority, Instant created, Instant lastUpdated) {

    public boolean everyone() {
        return Group.EVERYONE.equals(groupId);
    }
}
