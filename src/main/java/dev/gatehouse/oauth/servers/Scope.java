package dev.gatehouse.oauth.servers;

import java.time.Instant;

/** Okta's OAuth2Scope on one authorization server; system scopes are the reserved OIDC ones every server has. */
public record Scope(String id, String authorizationServerId, String name, String displayName, String description, boolean system,
                    boolean isDefault, Consent consent, MetadataPublish metadataPublish, Instant created, Instant lastUpdated) {

    public enum Consent { IMPLICIT, REQUIRED, FLEXIBLE }

    public enum MetadataPublish { NO_CLIENTS, ALL_CLIENTS }

    public boolean published() {
        return metadataPublish == MetadataPublish.ALL_CLIENTS;
    }
}
