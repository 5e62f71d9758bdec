package dev.gatehouse.oauth.consent;

import java.time.Instant;

/** Okta's OAuth2ScopeConsentGrant: one user's consent to one scope of one authorization server for one client ({@code oag…}). */
public record ConsentGrant(String id, String userId, String clientId, String serverId, String scopeId, String scopeName,
                           Status status, String source, String createdBy, String createdByType, Instant created, Instant lastUpdated) {

    public enum Status { ACTIVE, REVOKED }

    public static final String END_USER = "END_USER";
}
