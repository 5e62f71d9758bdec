package dev.gatehouse.oauth;

import dev.gatehouse.oauth.servers.AuthorizationServer;

/** Okta's System Log event types for OAuth: {@code app.oauth2.as.*} for custom servers, {@code app.oauth2.*} for the org server. */
public final class OAuthEvents {

    private OAuthEvents() {
    }

    public static String type(AuthorizationServer server, String what) {
        return (server.org() ? "app.oauth2." : "app.oauth2.as.") + what;
    }
}
