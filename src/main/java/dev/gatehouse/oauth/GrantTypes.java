package dev.gatehouse.oauth;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppSettings.GrantType;

/** The one check, and Okta's one message, for a client using a grant type its settings do not allow. */
public final class GrantTypes {

    private GrantTypes() {
    }

    /** {@code unauthorized_client} unless the app allows {@code grant}. */
    public static void require(App app, GrantType grant) {
        if (!app.settings().allows(grant)) {
            throw OAuthError.UNAUTHORIZED_CLIENT.because("The client is not authorized to use the provided grant type. Configured grant types: "
                    + app.settings().grantTypes().stream().map(GrantType::wire).toList() + ".");
        }
    }
}
