package dev.gatehouse.oauth.grants;

import dev.gatehouse.oauth.OidcScopes;
import dev.gatehouse.oauth.token.TokenResponse;
import dev.gatehouse.oauth.tokens.IssuedTokenStore;
import dev.gatehouse.oauth.tokens.TokenMinter;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import org.jdbi.v3.core.Handle;

import java.time.Instant;

/** What every grant does at the end: sign the tokens, record the access token (and a new refresh token), answer. */
public final class TokenIssuer {

    /** Tokens signed but not yet recorded. */
    public record Signed(TokenMinter.Grant grant, TokenMinter.AccessToken accessToken, String idToken) {
    }

    private final TokenMinter minter;
    private final IssuedTokenStore store;
    private final Ids ids;

    public TokenIssuer(TokenMinter minter, IssuedTokenStore store, Ids ids) {
        this.minter = minter;
        this.store = store;
        this.ids = ids;
    }

    /** Signs outside any transaction (RSA is the slow part); an ID token only for user grants with {@code openid}. */
    public Signed sign(TokenMinter.Grant g) {
        TokenMinter.AccessToken at = minter.accessToken(g);
        String id = g.user() != null && g.scopes().contains(OidcScopes.OPENID) ? minter.idToken(g, at.value()) : null;
        return new Signed(g, at, id);
    }

    public void record(Handle h, Signed s, String familyId) {
        TokenMinter.Grant g = s.grant();
        store.insertAccessToken(h, new IssuedTokenStore.AccessToken(s.accessToken().jti(), familyId, g.server().id(), g.clientId(),
                g.user() == null ? null : g.user().id(), g.scopes(), s.accessToken().issued(), s.accessToken().expires(), null));
    }

    /** A new refresh token in {@code familyId}: 256 bits of randomness, stored only as a hash; returns its value. */
    public String newRefreshToken(Handle h, Signed s, String familyId, Instant now) {
        TokenMinter.Grant g = s.grant();
        String value = ids.base62(44);   // 261 bits
        store.insertRefreshToken(h, ids.next(Ids.REFRESH_TOKEN), Hashes.sha256(value), familyId, g.server().id(), g.clientId(),
                g.user().id(), g.scopes(), g.authTime(), now, now.plus(g.server().lifetimes().refreshTokenIdle()));
        return value;
    }

    public TokenResponse response(Signed s, String refreshToken) {
        return new TokenResponse(s.accessToken().value(), s.accessToken().expiresIn(), OidcScopes.join(s.grant().scopes()), refreshToken, s.idToken());
    }
}
