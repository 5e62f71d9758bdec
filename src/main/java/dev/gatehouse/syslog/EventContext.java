package dev.gatehouse.syslog;

/**
 * Who is acting and from where: built once at the edge of every request (API, console, sign-in)
 * and passed to the use case, which hands it to {@link SystemLog}. No thread-local state.
 */
public record EventContext(Actor actor, String ipAddress, String userAgent, String requestId) {

    public static EventContext system(String why) {
        return new EventContext(Actor.SYSTEM, null, null, why);
    }

    public EventContext as(Actor other) {
        return new EventContext(other, ipAddress, userAgent, requestId);
    }
}
