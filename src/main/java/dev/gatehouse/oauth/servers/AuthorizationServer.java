package dev.gatehouse.oauth.servers;

import java.time.Instant;

/**
 * An authorization server: the org AS ({@link Kind#ORG}, id {@link AuthorizationServers#ORG}, issuer = the base
 * URL) or a custom one ({@code default} or {@code aus…}, issuer {@code {base}/oauth2/{id}}). The issuer is not a
 * field: it follows the configured base URL, see {@link AuthorizationServers#issuer}.
 *
 * @param audience the {@code aud} of its access tokens; for the org AS the base URL (filled in when read)
 */
public record AuthorizationServer(String id, Kind kind, String name, String description, String audience, Status status,
                                  TokenLifetimes lifetimes, Instant created, Instant lastUpdated) {

    public enum Kind { ORG, CUSTOM }

    public enum Status { ACTIVE, INACTIVE }

    public boolean org() {
        return kind == Kind.ORG;
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }

    AuthorizationServer withAudience(String value) {
        return new AuthorizationServer(id, kind, name, description, value, status, lifetimes, created, lastUpdated);
    }
}
