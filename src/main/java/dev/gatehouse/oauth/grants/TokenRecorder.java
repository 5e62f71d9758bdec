package dev.gatehouse.oauth.grants;

import dev.gatehouse.oauth.OidcScopes;
import dev.gatehouse.oauth.issued.ClaimsSigner;
import dev.gatehouse.oauth.issued.IssuedTokenStore;
import dev.gatehouse.oauth.token.TokenResponse;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import org.jdbi.v3.core.Handle;

import java.time.Instant;

/**
 * Records what every grant issues, in the grant's transaction, after {@link ClaimsSigner} has signed it: the access
 * token's row, a new refresh token (stored only as its hash), and the answer.
 */
public final class TokenRecorder {

    private final IssuedTokenStore store;
    private final Ids ids;

    public TokenRecorder(IssuedTokenStore store, Ids ids) {
        this.store = store;
        this.ids = ids;
    }

    public void record(Handle h, ClaimsSigner.Signed s, String familyId) {
        ClaimsSigner.Grant g = s.grant();
        store.insertAccessToken(h, new IssuedTokenStore.AccessToken(s.accessToken().jti(), familyId, g.server().id(), g.clientId(),
                g.user() == null ? null : g.user().id(), g.scopes(), s.accessToken().issued(), s.accessToken().expires(), null));
    }

    /** A new refresh token in {@code familyId}: 256 bits of randomness, stored only as a hash; returns its value. */
    public String newRefreshToken(Handle h, ClaimsSigner.Signed s, String familyId, Instant now) {
        ClaimsSigner.Grant g = s.grant();
        String value = ids.base62(44);   // 261 bits
        store.insertRefreshToken(h, ids.next(Ids.REFRESH_TOKEN), Hashes.sha256(value), familyId, g.server().id(), g.clientId(),
                g.user().id(), g.scopes(), g.authTime(), g.amr(), g.acr(), now, now.plus(g.lifetimes().refreshTokenIdle()));
        return value;
    }

    public TokenResponse response(ClaimsSigner.Signed s, String refreshToken) {
        return new TokenResponse(s.accessToken().value(), s.accessToken().expiresIn(), OidcScopes.join(s.grant().scopes()), refreshToken, s.idToken());
    }
}
