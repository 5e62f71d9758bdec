package dev.gatehouse.syslog;

/**
 * Who is acting and from where: built once at the edge of every request (API, console, sign-in)
 * and passed to the use case, which hands it to {@link SystemLog}. No thread-local state.
 *
 * @param requestUri the path of the request (no query string: it can carry codes and states), or null for
 *                   work no request started; it becomes {@code debugContext.debugData.requestUri}
 */
public record EventContext(Actor actor, String ipAddress, String userAgent, String requestId, String requestUri) {

    public EventContext(Actor actor, String ipAddress, String userAgent, String requestId) {
        this(actor, ipAddress, userAgent, requestId, null);
    }

    public static EventContext system(String why) {
        return new EventContext(Actor.SYSTEM, null, null, why, null);
    }

    public EventContext as(Actor other) {
        return new EventContext(other, ipAddress, userAgent, requestId, requestUri);
    }
}
