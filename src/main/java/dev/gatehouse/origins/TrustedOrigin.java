package dev.gatehouse.origins;

import java.time.Instant;
import java.util.Set;

/**
 * A website an admin trusts, as Okta's TrustedOrigin: its JavaScript may call Gatehouse's CORS-enabled
 * endpoints ({@link Scope#CORS}) and sign-in / sign-out may return to it ({@link Scope#REDIRECT}), while
 * it is {@link Status#ACTIVE}. {@code origin} is always the normalised form ({@link Origin#toString()}).
 */
public record TrustedOrigin(String id, String name, String origin, Set<Scope> scopes, Status status,
                            Instant created, String createdBy, Instant lastUpdated, String lastUpdatedBy) {

    /** Okta's scope types; {@code IFRAME_EMBED} is not offered: every Gatehouse page refuses framing. */
    public enum Scope { CORS, REDIRECT }

    public enum Status { ACTIVE, INACTIVE }

    public TrustedOrigin {
        scopes = Set.copyOf(scopes);
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }

    /** True when this origin is ACTIVE and has {@code scope}: what CORS and redirects check. */
    public boolean grants(Scope scope) {
        return active() && scopes.contains(scope);
    }
}
