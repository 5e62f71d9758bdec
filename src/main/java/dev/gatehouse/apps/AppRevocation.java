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
}
