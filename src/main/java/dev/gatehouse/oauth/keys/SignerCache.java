package dev.gatehouse.oauth.keys;

import dev.gatehouse.oauth.keys.SigningKeyStore.StoredKey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The signer of each server's active key, kept on this node for {@link KeyRotationSettings#signerCache} so a token
 * request does not read and open the key each time; a rotation on this node forgets it at once, one on another node
 * is seen when the entry ages out (the retired key stays published longer than that).
 */
final class SignerCache {

    private record Cached(TokenSigner signer, Instant loadedAt) {
    }

    private final Clock clock;
    private final Duration lifetime;
    private final JwkCodec codec;
    private final Map<String, Cached> signers = new ConcurrentHashMap<>();

    SignerCache(Clock clock, Duration lifetime, JwkCodec codec) {
        this.clock = clock;
        this.lifetime = lifetime;
        this.codec = codec;
    }

    /** The cached signer, or one for the key {@code active} reads now. */
    TokenSigner signer(String authorizationServerId, Supplier<StoredKey> active) {
        Instant now = clock.instant();
        Cached cached = signers.get(authorizationServerId);
        if (cached != null && !cached.loadedAt().isAfter(now) && cached.loadedAt().plus(lifetime).isAfter(now)) {
            return cached.signer();
        }
        StoredKey key = active.get();
        TokenSigner signer = new TokenSigner(authorizationServerId, key.kid(), codec.privateKey(key));
        signers.put(authorizationServerId, new Cached(signer, now));
        return signer;
    }

    void forget(String authorizationServerId) {
        signers.remove(authorizationServerId);
    }
}
