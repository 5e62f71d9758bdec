package dev.gatehouse.oauth.introspect;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.apps.App;
import dev.gatehouse.directory.User;
import dev.gatehouse.directory.UserStore;
import dev.gatehouse.oauth.OAuthFailure;
import dev.gatehouse.oauth.OidcScopes;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.issued.IssuedTokenStore;
import dev.gatehouse.oauth.issued.TokenKind;
import dev.gatehouse.oauth.issued.TokenVerifier;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What /introspect says about a token (RFC 7662, Okta §7), decided in plain Java. The kind of token is told by
 * its form, not by {@code token_type_hint} (RFC 7662 §2.1 lets the server search all kinds): a JWT is an access
 * token ({@code jti} "AT.…") or an ID token ("ID.…"); anything else is looked up as a refresh token by its hash.
 *
 * <p>Active only when the token is this server's, still usable, and was issued to the asking client; everything
 * else — unknown, expired, revoked, another client's, another server's, a deactivated user's — is
 * {@code {"active":false}} and nothing more, so the answer never tells which check failed.
 *
 * <p>ID tokens are introspectable (Okta lists {@code id_token} as a hint): active while the signature, issuer,
 * {@code aud} (= the asking client) and {@code exp} hold and the user is active; the answer is the token's own
 * claims. They are not recorded, so an ID token cannot be revoked.
 */
public final class Introspection {

    /** The answer, with the kind of token found ({@code null} when inactive) and, for the log only, why. */
    public record Result(String tokenType, Map<String, Object> json, String detail) {

        static Result inactive(String detail) {
            return new Result(null, Map.of("active", false), detail);
        }

        public boolean active() {
            return tokenType != null;
        }
    }

    private final Database db;
    private final IssuedTokenStore store;
    private final TokenVerifier verifier;
    private final UserStore users;
    private final Clock clock;

    public Introspection(Database db, IssuedTokenStore store, TokenVerifier verifier, UserStore users, Clock clock) {
        this.db = db;
        this.store = store;
        this.verifier = verifier;
        this.users = users;
        this.clock = clock;
    }

    public Result inspect(String token, App client, AuthorizationServer server, String issuer) {
        if (token.length() > TokenVerifier.MAX_LENGTH) {
            return Result.inactive("token longer than " + TokenVerifier.MAX_LENGTH + " characters");
        }
        try {
            return token.indexOf('.') >= 0 ? jwt(token, client, server, issuer) : refreshToken(token, client, server);
        } catch (OAuthFailure f) {
            return Result.inactive(f.logDetail());
        }
    }

    private Result jwt(String token, App client, AuthorizationServer server, String issuer) {
        if (idTokenShaped(token)) {
            return idToken(verifier.signed(token, server, issuer), client);
        }
        TokenVerifier.ActiveAccessToken at = verifier.accessToken(token, server, issuer);
        IssuedTokenStore.AccessToken recorded = at.recorded();
        if (!recorded.clientId().equals(client.clientId())) {
            return Result.inactive("access token of client " + recorded.clientId());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("active", true);
        m.put("token_type", "Bearer");
        m.put("scope", OidcScopes.join(recorded.scopes()));
        m.put("client_id", recorded.clientId());
        if (at.user() != null) {
            m.put("username", at.claims().getSubject());
        }
        m.put("exp", seconds(at.claims().getExpirationTime()));
        m.put("iat", seconds(at.claims().getIssueTime()));
        m.put("sub", at.claims().getSubject());
        m.put("aud", audience(at.claims().getAudience()));
        m.put("iss", at.claims().getIssuer());
        m.put("jti", recorded.jti());
        if (at.user() != null) {
            m.put("uid", at.user().id());
        }
        return new Result(TokenKind.ACCESS_TOKEN.hint(), m, null);
    }

    private Result idToken(JWTClaimsSet claims, App client) {
        if (claims.getAudience() == null || !claims.getAudience().contains(client.clientId())) {
            return Result.inactive("ID token for audience " + claims.getAudience());
        }
        Date exp = claims.getExpirationTime();
        if (exp == null || !exp.toInstant().isAfter(clock.instant())) {
            return Result.inactive("ID token expired");
        }
        if (activeUser(claims.getSubject()).isEmpty()) {
            return Result.inactive("user " + claims.getSubject() + " is gone or not active");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("active", true);
        m.putAll(claims.toJSONObject());
        return new Result(TokenKind.ID_TOKEN.hint(), m, null);
    }

    private Result refreshToken(String token, App client, AuthorizationServer server) {
        Optional<IssuedTokenStore.RefreshToken> found = db.read(h -> store.findRefreshToken(h, Hashes.sha256(token)));
        if (found.isEmpty()) {
            return Result.inactive("unknown token");
        }
        IssuedTokenStore.RefreshToken rt = found.get();
        if (!rt.serverId().equals(server.id())) {
            return Result.inactive("refresh token of authorization server " + rt.serverId());
        }
        if (!rt.clientId().equals(client.clientId())) {
            return Result.inactive("refresh token of client " + rt.clientId());
        }
        Instant now = clock.instant();
        if (!rt.activeAt(now)) {
            return Result.inactive("refresh token expired or revoked");
        }
        Optional<User> user = activeUser(rt.userId());
        if (user.isEmpty()) {
            return Result.inactive("user " + rt.userId() + " is gone or not active");
        }
        Instant exp = rt.familyExpires() != null && rt.familyExpires().isBefore(rt.idleExpires()) ? rt.familyExpires() : rt.idleExpires();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("active", true);
        m.put("token_type", "Bearer");
        m.put("scope", OidcScopes.join(rt.scopes()));
        m.put("client_id", rt.clientId());
        m.put("username", user.get().profile().login());
        m.put("exp", exp.getEpochSecond());
        m.put("sub", user.get().profile().login());
        m.put("uid", user.get().id());
        return new Result(TokenKind.REFRESH_TOKEN.hint(), m, null);
    }

    /** Whether the (still unverified) JWT says it is an ID token; either branch then verifies it in full. */
    private static boolean idTokenShaped(String token) {
        try {
            String jti = SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
            return TokenKind.ID_TOKEN.names(jti);
        } catch (ParseException e) {
            return false;
        }
    }

    private Optional<User> activeUser(String id) {
        return id == null ? Optional.empty() : db.read(h -> users.find(h, id)).filter(u -> u.status() == User.Status.ACTIVE);
    }

    private static Object audience(List<String> aud) {
        return aud != null && aud.size() == 1 ? aud.getFirst() : aud;
    }

    private static Long seconds(Date d) {
        return d == null ? null : d.getTime() / 1000;
    }
}
