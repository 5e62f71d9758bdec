package dev.gatehouse.oauth.servers;

/**
 * What a caller asks a scope to be, read at the edge. On create a null member takes Okta's default
 * ({@code consent} IMPLICIT, {@code metadataPublish} NO_CLIENTS, {@code default} false); on update it keeps the
 * current value, so a PUT that leaves out {@code metadataPublish} does not silently unpublish a scope.
 */
public record ScopeRequest(String name, String displayName, String description, Boolean isDefault, String consent,
                           String metadataPublish) {
}
