package dev.gatehouse.oauth.servers;

import dev.gatehouse.oauth.claims.GroupFilter;

import java.time.Instant;
import java.util.List;

/**
 * Okta's OAuth2Claim on a custom authorization server (issue #17): a RESOURCE claim goes in access tokens, an IDENTITY
 * claim in ID tokens and /userinfo. {@code value} is an Okta EL expression (EXPRESSION) or the text a GROUPS claim
 * matches group names with ({@code groupFilterType}, null otherwise). {@code scopes} empty = any scope.
 */
public record Claim(String id, String authorizationServerId, String name, Type claimType, ValueType valueType, String value,
                    GroupFilter.Type groupFilterType, List<String> scopes, boolean alwaysIncludeInToken, Status status,
                    Instant created, Instant lastUpdated) {

    public enum Type { RESOURCE, IDENTITY }

    /** SYSTEM is Okta's for the claims it creates; Gatehouse has no system claims (its built-in claims are fixed). */
    public enum ValueType { EXPRESSION, GROUPS }

    public enum Status { ACTIVE, INACTIVE }

    public Claim {
        scopes = List.copyOf(scopes);
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }
}
