package dev.gatehouse.oauth.keys;

import java.time.Duration;
import java.util.Objects;

/**
 * When signing keys rotate and how long keys stay published.
 *
 * @param period                automatic rotation interval (Okta: about four times a year); default 90 days
 * @param prePublication        a key is published at least this long before it signs; default 14 days
 *                              (Gatehouse publishes the next key right after the previous rotation, so in practice
 *                              for the whole period; this is the floor an automatic rotation waits for)
 * @param retiredKeyPublication how long a retired key stays in the JWKS: the longest token lifetime (24 h)
 *                              plus an hour for clock skew and in-flight requests; then the key is deleted
 * @param maxJwksCacheAge       the longest {@code Cache-Control: max-age} of a JWKS response
 * @param cacheMargin           the JWKS cache always ends at least this long before the next automatic rotation
 * @param signerCache           how long a node reuses the active key it loaded before looking again; another node's
 *                              rotation is picked up within this time (tokens it signs meanwhile use the
 *                              retired key, which stays published)
 * @param checkEvery            how often each node looks for due rotations
 */
public record KeyRotationSettings(Duration period, Duration prePublication, Duration retiredKeyPublication,
                                  Duration maxJwksCacheAge, Duration cacheMargin, Duration signerCache, Duration checkEvery) {

    public static final KeyRotationSettings DEFAULTS = new KeyRotationSettings(Duration.ofDays(90), Duration.ofDays(14),
            Duration.ofHours(25), Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofMinutes(5));

    public KeyRotationSettings {
        Objects.requireNonNull(period);
        Objects.requireNonNull(prePublication);
        Objects.requireNonNull(retiredKeyPublication);
        Objects.requireNonNull(maxJwksCacheAge);
        Objects.requireNonNull(cacheMargin);
        Objects.requireNonNull(signerCache);
        Objects.requireNonNull(checkEvery);
        if (prePublication.isNegative() || prePublication.compareTo(period) >= 0) {
            throw new IllegalArgumentException("The pre-publication time must be shorter than the rotation period.");
        }
        if (signerCache.compareTo(retiredKeyPublication) >= 0 || checkEvery.isZero() || checkEvery.isNegative()) {
            throw new IllegalArgumentException("Signers must be reloaded well before a retired key is unpublished.");
        }
    }
}
