package dev.gatehouse.api;

import dev.gatehouse.syslog.Actor;

/** Who is calling the management API: the owner of the SSWS token presented. */
public record ApiCaller(String userId, String login, String displayName, String tokenId, boolean superAdmin) {
    public Actor actor() {
        return Actor.user(userId, login, displayName);
    }
}
