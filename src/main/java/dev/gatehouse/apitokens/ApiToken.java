package dev.gatehouse.apitokens;

import java.time.Instant;

/** An SSWS API token: only its hash is stored; the value is shown once, at creation. */
public record ApiToken(String id, String userId, String name, Instant created, Instant lastUsed, Instant expiresAt) {

    /** Okta's sliding window: a token unused for this long expires. */
    public static final java.time.Duration TOKEN_WINDOW = java.time.Duration.ofDays(30);
}
