package dev.gatehouse.console;

import dev.gatehouse.syslog.Actor;

/**
 * Who is using the Admin Console on this request: the signed-in person, their session, and whether they hold the super
 * admin role. Built by whoever owns sessions and roles ({@link Console.Access}), so the console's plumbing knows neither.
 */
public record ConsoleUser(String id, String login, String name, String sessionId, boolean superAdmin) {
    public Actor actor() {
        return Actor.user(id, login, name);
    }
}
