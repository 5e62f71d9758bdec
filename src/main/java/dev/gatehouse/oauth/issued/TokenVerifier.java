package dev.gatehouse.oauth.issued;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.Apps;
import dev.gatehouse.directory.User;
import dev.gatehouse.directory.UserStore;
import dev.gatehouse.oauth.OAuthError;
import dev.gatehouse.oauth.OAuthFailure;
import dev.gatehouse.oauth.keys.SigningKeys;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.LogText;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Checks that a JWT is one this authorization server signed, and that an access token may still be used.
 * Shared by /userinfo, /introspect, /revoke and /logout, so "valid" means the same everywhere.
 *
 * <p>A signature counts only when it is RS256 by one of the server's <em>published</em> keys (active, next or
 * recently retired: {@link SigningKeys#published}), so a rotation does not invalidate tokens already out, and a
 * key of another server never verifies. An access token is usable when, besides that, {@code iss} is this
 * server's issuer, it has not expired, and its record says the same: known {@code jti}, this server, not revoked
 * (revoking a family revokes its access tokens), not expired; and its client is still active and its user (if
 * any) still ACTIVE — Okta treats tokens of a deactivated client or user as revoked. Every refusal is an
 * {@link OAuthError#INVALID_TOKEN} failure whose log detail says which check failed.
 */
public final class TokenVerifier {

    /** Okta's {@code error_description} for an unusable access token (§6). */
    public static final String INVALID_ACCESS_TOKEN = "The access token is invalid";
    /** For any other token that is not one of this server's. */
    public static final String INVALID_TOKEN = "The token is invalid.";
    /** Far above any token Gatehouse signs; longer input is refused before it is parsed. */
    public static final int MAX_LENGTH = 8192;

    /** An access token that may be used now, with its claims, its record, its (active) client and its user (null for client credentials). */
    public record ActiveAccessToken(JWTClaimsSet claims, IssuedTokenStore.AccessToken recorded, App client, User user) {
    }

    private final Database db;
    private final IssuedTokenStore store;
    private final SigningKeys keys;
    private final Apps apps;
    private final UserStore users;
    private final Clock clock;

    public TokenVerifier(Database db, IssuedTokenStore store, SigningKeys keys, Apps apps, UserStore users, Clock clock) {
        this.db = db;
        this.store = store;
        this.keys = keys;
        this.apps = apps;
        this.users = users;
        this.clock = clock;
    }

    /**
     * The claims of a JWT that this server signed, whose {@code iss} is {@code issuer}. No time checks: an expired
     * ID token is still a fine {@code id_token_hint}, and callers check {@code exp} where it matters.
     */
    public JWTClaimsSet signed(String token, AuthorizationServer server, String issuer) {
        return verify(token, server, issuer, INVALID_TOKEN);
    }

    /** The access token, if it may be used now; else an {@code invalid_token} failure. */
    public ActiveAccessToken accessToken(String token, AuthorizationServer server, String issuer) {
        JWTClaimsSet claims = verify(token, server, issuer, INVALID_ACCESS_TOKEN);
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null || !exp.toInstant().isAfter(now)) {
            throw invalid(INVALID_ACCESS_TOKEN, "expired");
        }
        String jti = claims.getJWTID();
        if (!TokenKind.ACCESS_TOKEN.names(jti)) {
            throw invalid(INVALID_ACCESS_TOKEN, "not an access token (jti " + jti + ")");
        }
        IssuedTokenStore.AccessToken recorded = db.read(h -> store.findAccessToken(h, jti).or(() -> clientCredentials(h, claims, server)))
                .orElseThrow(() -> invalid(INVALID_ACCESS_TOKEN, "unknown jti " + jti));
        if (!recorded.serverId().equals(server.id())) {
            throw invalid(INVALID_ACCESS_TOKEN, "issued by authorization server " + recorded.serverId());
        }
        if (!recorded.activeAt(now)) {
            throw invalid(INVALID_ACCESS_TOKEN, recorded.revoked() != null ? "revoked" : "expired (record)");
        }
        Optional<App> client = apps.findByClientId(recorded.clientId()).filter(App::active);
        if (client.isEmpty()) {
            throw invalid(INVALID_ACCESS_TOKEN, "client " + recorded.clientId() + " is gone or inactive");
        }
        User user = null;
        if (recorded.userId() != null) {
            user = db.read(h -> users.find(h, recorded.userId())).filter(u -> u.status() == User.Status.ACTIVE)
                    .orElseThrow(() -> invalid(INVALID_ACCESS_TOKEN, "user " + recorded.userId() + " is gone or not active"));
        }
        return new ActiveAccessToken(claims, recorded, client.get(), user);
    }

    /**
     * A client-credentials access token has no row until it is revoked (issue #23): one this server signed whose subject is
     * its client and that names no user is read from its claims, revoked if its client's tokens were all revoked since
     * ({@code client_token_cutoffs}; {@code iat} has whole seconds, so one issued in the cutoff's second counts as before it).
     */
    private Optional<IssuedTokenStore.AccessToken> clientCredentials(org.jdbi.v3.core.Handle h, JWTClaimsSet claims, AuthorizationServer server) {
        return unrecordedClientCredentials(claims, server.id()).map(t -> store.clientTokenCutoff(h, t.clientId())
                .filter(cutoff -> t.issued().getEpochSecond() <= cutoff.getEpochSecond())
                .map(cutoff -> new IssuedTokenStore.AccessToken(t.jti(), null, t.serverId(), t.clientId(), null, t.scopes(), t.issued(),
                        t.expires(), cutoff))
                .orElse(t));
    }

    /**
     * The claims of a signed access token as the row a client-credentials token no longer has (issue #23): its subject is
     * its client ({@code cid}) and it names no user ({@code uid}); empty for any other token. Not revoked: the caller checks.
     */
    public static Optional<IssuedTokenStore.AccessToken> unrecordedClientCredentials(JWTClaimsSet claims, String serverId) {
        Object cid = claims.getClaim("cid");
        Date iat = claims.getIssueTime();
        Date exp = claims.getExpirationTime();
        if (!(cid instanceof String clientId) || !clientId.equals(claims.getSubject()) || claims.getClaim("uid") != null
                || iat == null || exp == null) {
            return Optional.empty();
        }
        try {
            List<String> scp = claims.getStringListClaim("scp");
            return Optional.of(new IssuedTokenStore.AccessToken(claims.getJWTID(), null, serverId, clientId, null,
                    scp == null ? List.of() : scp, iat.toInstant(), exp.toInstant(), null));
        } catch (ParseException e) {
            return Optional.empty();
        }
    }

    private JWTClaimsSet verify(String token, AuthorizationServer server, String issuer, String description) {
        if (token == null || token.isBlank()) {
            throw invalid(description, "no token");
        }
        if (token.length() > MAX_LENGTH) {
            throw invalid(description, "token longer than " + MAX_LENGTH + " characters");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw invalid(description, "not a signed JWT");
        }
        if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
            throw invalid(description, "alg " + LogText.ifPlausible(String.valueOf(jwt.getHeader().getAlgorithm()), LogText.SHORT));
        }
        String kid = jwt.getHeader().getKeyID();
        JWK key = kid == null ? null : keys.jwks(server.id()).getKeyByKeyId(kid);
        if (!(key instanceof RSAKey rsa)) {
            // kid and alg come from a header nobody has verified yet: logged only when they could be real.
            throw invalid(description, "kid " + LogText.ifPlausible(kid, 100) + " is not a published key of authorization server " + server.id());
        }
        try {
            if (!jwt.verify(new RSASSAVerifier(rsa))) {
                throw invalid(description, "bad signature");
            }
        } catch (JOSEException e) {
            throw invalid(description, "signature not verifiable: " + e.getMessage());
        }
        if (!issuer.equals(claims.getIssuer())) {
            throw invalid(description, "iss " + LogText.ifPlausible(claims.getIssuer(), 1024));
        }
        return claims;
    }

    private static OAuthFailure invalid(String description, String detail) {
        return OAuthError.INVALID_TOKEN.because(description, detail);
    }
}
