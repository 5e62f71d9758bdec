package dev.gatehouse.directory;

import dev.gatehouse.syslog.EventContext;
import org.jdbi.v3.core.Handle;

/**
 * What a user holds outside the directory and what ends it: their sign-in sessions and their OAuth tokens (kept by
 * the sessions and oauth capabilities, which depend on this one, so {@link Users} reaches them through this interface;
 * {@code Wiring} hands in the implementation). Both run in the caller's transaction, after it has locked or changed
 * the user's row, and write their System Log events there: a change that rolls back ends nothing.
 */
public interface AccessRevocation {

    /**
     * Ends every sign-in session of the user except {@code keepSessionId} (null: all), writing {@code user.session.end}
     * for each one that was still live; returns how many live sessions ended. Their codes not yet exchanged end too.
     */
    int endSessions(Handle h, EventContext ctx, User user, String keepSessionId, String cause);

    /**
     * Revokes, for good, everything OAuth issued to the user in every app: token families, refresh tokens, access tokens
     * and codes not yet exchanged. Writes {@code app.oauth2.token.revoke.implicit.user} when anything was revoked, or
     * always when {@code asked} (an admin asked for it by name). Reactivating the user later brings none of it back.
     */
    void revokeTokens(Handle h, EventContext ctx, User user, String cause, boolean asked);
}
