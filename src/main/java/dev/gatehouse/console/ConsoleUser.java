package dev.gatehouse.console;

import dev.gatehouse.syslog.Actor;

/**
 * Who is using the Admin Console on this request: the signed-in person, their session, whether they hold the super
 * admin role, whether they have an active second factor (else the console shows a banner), and the hosted sign-in
 * step the global session policy still asks of this session ({@code /signin/verify} or {@code /signin/enroll}; null
 * when none). Built by whoever owns sessions and roles ({@link Console.Access}), so the console's plumbing knows neither.
 */
public record ConsoleUser(String id, String login, String name, String sessionId, boolean superAdmin, boolean secondFactor,
                          String pendingStep) {
    /** {@code pendingStep} when the global session policy denies this person the console altogether. */
    public static final String DENIED = "denied";

    public Actor actor() {
        return Actor.user(id, login, name);
    }
}
