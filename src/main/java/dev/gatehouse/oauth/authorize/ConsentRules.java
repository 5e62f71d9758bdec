package dev.gatehouse.oauth.authorize;

import dev.gatehouse.apps.App;
import dev.gatehouse.oauth.servers.AuthorizationServer;

import java.util.List;

/** Which requested scopes the person must consent to before a code is issued (filled by oauth/consent's {@code Consents}). */
@FunctionalInterface
public interface ConsentRules {

    /**
     * The scopes to ask for, in request order; empty when none ({@code promptConsent}: the request said
     * {@code prompt=consent}, which asks again even for granted scopes).
     */
    List<String> toAsk(AuthorizationServer server, App app, String userId, List<String> scopes, boolean promptConsent);
}
