package dev.gatehouse.oauth;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppSettings.GrantType;

import dev.gatehouse.syslog.Cause;
import dev.gatehouse.syslog.Problem;

import java.util.Map;

/** The one check, and Okta's one message, for a client using a grant type its settings do not allow. */
public final class GrantTypes {

    private GrantTypes() {
    }

    /** {@code unauthorized_client} unless the app allows {@code grant}. */
    public static void require(App app, GrantType grant) {
        require(app, grant, null);
    }

    /**
     * The same, with the request's non-secret parameters for the sign-in doctor (cause GRANT_TYPE_NOT_ALLOWED, subject: the
     * grant), made only when the grant is refused: nothing more is done on the token path when it is allowed. Null: the
     * client id alone.
     */
    public static void require(App app, GrantType grant, java.util.function.Supplier<Map<String, Object>> example) {
        if (!app.settings().allows(grant)) {
            throw OAuthError.UNAUTHORIZED_CLIENT.because("The client is not authorized to use the provided grant type. Configured grant types: "
                    + app.settings().grantTypes().stream().map(GrantType::wire).toList() + ".")
                    .with(Problem.of(Cause.GRANT_TYPE_NOT_ALLOWED, grant.wire(), example == null ? Map.of("client_id", app.clientId()) : example.get()).with("grant_type", grant.wire())
                            .with("configured", String.join(" ", app.settings().grantTypes().stream().map(GrantType::wire).toList())));
        }
    }
}
