package dev.gatehouse.apps;

import dev.gatehouse.syslog.EventContext;
import org.jdbi.v3.core.Handle;

/**
 * What ends when an app is deactivated: everything OAuth issued to it (held by the oauth capability, which depends on
 * this one, so {@link Apps} reaches it through this interface). Runs in the caller's transaction.
 */
public interface AppRevocation {

    /**
     * Revokes, for good, every token family, refresh token and access token (client credentials included) of the app,
     * and its codes not yet exchanged; writes {@code app.oauth2.token.revoke.implicit.client} when anything was revoked.
     * Reactivating the app later brings none of it back.
     */
    void revokeAppTokens(Handle h, EventContext ctx, App app, String cause);

    /**
     * When the app's client-credentials tokens were last all revoked, if ever: they are revoked by this instant, not row by
     * row, and their {@code iat} has whole seconds, so a reactivation within that second must wait for the next one.
     */
    default java.util.Optional<java.time.Instant> clientTokenCutoff(Handle h, App app) {
        return java.util.Optional.empty();
    }
}
