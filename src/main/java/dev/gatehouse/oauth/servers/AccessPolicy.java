package dev.gatehouse.oauth.servers;

import java.time.Instant;
import java.util.List;

/**
 * Okta's authorization-server access policy ({@code OAUTH_AUTHORIZATION_POLICY}) on one custom server: which clients it
 * applies to ({@code ["ALL_CLIENTS"]} or client ids), evaluated by {@code priority} (1 first). Its rules are
 * {@link AccessRule}s. {@code system} marks the seeded "Default Policy", which cannot be deleted.
 */
public record AccessPolicy(String id, String authorizationServerId, String name, String description, boolean active, int priority,
                           boolean system, List<String> clients, Instant created, Instant lastUpdated) {

    public static final String ALL_CLIENTS = "ALL_CLIENTS";
    public static final String TYPE = "OAUTH_AUTHORIZATION_POLICY";

    /** Whether the policy applies to this client. */
    public boolean appliesTo(String clientId) {
        return clients.contains(ALL_CLIENTS) || clients.contains(clientId);
    }
}
