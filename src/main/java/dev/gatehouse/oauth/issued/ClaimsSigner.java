package dev.gatehouse.oauth.issued;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.directory.User;
import dev.gatehouse.oauth.OidcScopes;
import dev.gatehouse.oauth.claims.ClaimSubject;
import dev.gatehouse.oauth.claims.CustomClaims;
import dev.gatehouse.oauth.keys.SigningKeys;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.TokenLifetimes;
import dev.gatehouse.storage.Ids;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Signs what a grant issues: builds Okta-shaped JWTs and has the server's active key sign them — access tokens (§12.2:
 * {@code ver}, {@code jti} "AT.…", {@code cid}, {@code uid}, {@code scp}, {@code sub} = the user's login) and ID tokens
 * (§12.1: {@code sub} = the user id, {@code aud} = the client id, "thin" profile claims, {@code at_hash}). Pure: records
 * nothing (the grants' {@code TokenRecorder} does), and runs outside any transaction (RSA is the slow part).
 */
public final class ClaimsSigner {

    /**
     * Who and what a token is for. {@code user} is null for client-credentials tokens. {@code lifetimes}: the access-policy
     * rule's, chosen at sign-in (the server's for the org AS and for codes and families from before access policies).
     */
    public record Grant(AuthorizationServer server, String issuer, String clientId, User user, List<String> scopes,
                        Instant authTime, List<String> amr, String acr, String nonce, List<String> groups, TokenLifetimes lifetimes) {

        /** With the server's lifetimes. */
        public Grant(AuthorizationServer server, String issuer, String clientId, User user, List<String> scopes,
                     Instant authTime, List<String> amr, String acr, String nonce, List<String> groups) {
            this(server, issuer, clientId, user, scopes, authTime, amr, acr, nonce, groups, server.lifetimes());
        }
    }

    public record AccessToken(String value, String jti, Instant issued, Instant expires) {
        public long expiresIn() {
            return expires.getEpochSecond() - issued.getEpochSecond();
        }
    }

    private final SigningKeys keys;
    private final Ids ids;
    private final Clock clock;
    private final String orgId;
    private final CustomClaims custom;

    /** Tokens signed but not yet recorded. */
    public record Signed(Grant grant, AccessToken accessToken, String idToken) {
    }

    public ClaimsSigner(SigningKeys keys, Ids ids, Clock clock, String orgId) {
        this(keys, ids, clock, orgId, CustomClaims.NONE);
    }

    /** @param custom the server's custom claims (issue #17): RESOURCE ones in access tokens, IDENTITY ones in ID tokens */
    public ClaimsSigner(SigningKeys keys, Ids ids, Clock clock, String orgId, CustomClaims custom) {
        this.keys = keys;
        this.ids = ids;
        this.clock = clock;
        this.orgId = orgId;
        this.custom = custom;
    }

    /** The access token, and an ID token for user grants with {@code openid}. */
    public Signed sign(Grant g) {
        ClaimSubject subject = subject(g);
        AccessToken at = accessToken(g, subject);
        String id = g.user() != null && g.scopes().contains(OidcScopes.OPENID) ? idToken(g, at.value(), subject) : null;
        return new Signed(g, at, id);
    }

    public AccessToken accessToken(Grant g) {
        return accessToken(g, subject(g));
    }

    private AccessToken accessToken(Grant g, ClaimSubject subject) {
        Instant now = clock.instant();
        Instant exp = now.plus(g.lifetimes().accessToken());
        String jti = TokenKind.ACCESS_TOKEN.newJti(ids);
        JWTClaimsSet claims = accessClaims(g, subject, now, exp, jti);
        return new AccessToken(keys.activeSigner(g.server().id()).sign(claims), jti, seconds(now).toInstant(), seconds(exp).toInstant());
    }

    /**
     * What {@link #sign} would put in the tokens of this grant, neither signed nor recorded (the console's Token Preview).
     * The ID token's {@code at_hash} is left out: it is a hash of the signed access token.
     */
    public Preview preview(Grant g) {
        ClaimSubject subject = subject(g);
        Instant now = clock.instant();
        JWTClaimsSet at = accessClaims(g, subject, now, now.plus(g.lifetimes().accessToken()), TokenKind.ACCESS_TOKEN.newJti(ids));
        JWTClaimsSet id = g.user() != null && g.scopes().contains(OidcScopes.OPENID) ? idClaims(g, null, true, subject) : null;
        return new Preview(at, id);
    }

    /** {@link #preview}'s answer; {@code idToken} is null when the grant gets none. */
    public record Preview(JWTClaimsSet accessToken, JWTClaimsSet idToken) {
    }

    private JWTClaimsSet accessClaims(Grant g, ClaimSubject subject, Instant now, Instant exp, String jti) {
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder()
                .claim("ver", 1)
                .jwtID(jti)
                .issuer(g.issuer())
                .audience(g.server().audience())
                .issueTime(seconds(now))
                .expirationTime(seconds(exp))
                .claim("cid", g.clientId());
        if (g.user() != null) {
            c.claim("uid", g.user().id());
        }
        c.claim("scp", g.scopes());
        if (g.user() != null) {
            c.claim("auth_time", g.authTime().getEpochSecond()).subject(g.user().profile().login());
            // amr in the access token too (issue #18; Okta's examples show only acr there): resource servers that need to
            // know whether a second factor was used can read it without the ID token. acr only when acr_values was asked.
            c.claim("amr", g.amr());
            if (g.acr() != null) {
                c.claim("acr", g.acr());
            }
        } else {
            c.subject(g.clientId());
        }
        if (subject != null) {
            custom.accessToken(g.server().id(), subject, c.build().getClaims().keySet()).forEach(c::claim);
        }
        return c.build();
    }

    /** The ID token for a user grant that includes {@code openid}; {@code accessToken} feeds {@code at_hash}. */
    public String idToken(Grant g, String accessToken) {
        return idToken(g, accessToken, subject(g));
    }

    private String idToken(Grant g, String accessToken, ClaimSubject subject) {
        return keys.activeSigner(g.server().id()).sign(idClaims(g, accessToken == null ? null : atHash(accessToken), accessToken != null, subject));
    }

    /** @param withAccessToken issued together with an access token: Okta's "thin" ID token */
    private JWTClaimsSet idClaims(Grant g, String atHash, boolean withAccessToken, ClaimSubject subject) {
        Instant now = clock.instant();
        User u = g.user();
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder()
                .subject(u.id());
        if (g.scopes().contains(OidcScopes.PROFILE)) {
            c.claim("name", u.profile().name());
        }
        if (g.scopes().contains(OidcScopes.EMAIL)) {
            c.claim("email", u.profile().email());
            c.claim("email_verified", true);
        }
        c.claim("ver", 1)
                .issuer(g.issuer())
                .audience(g.clientId())
                .issueTime(seconds(now))
                .expirationTime(seconds(now.plus(g.lifetimes().idToken())))
                .jwtID(TokenKind.ID_TOKEN.newJti(ids))
                .claim("amr", g.amr())
                .claim("idp", orgId);
        if (g.nonce() != null) {
            c.claim("nonce", g.nonce());
        }
        if (g.scopes().contains(OidcScopes.PROFILE)) {
            c.claim("preferred_username", u.profile().login());
        }
        c.claim("auth_time", g.authTime().getEpochSecond());
        if (g.acr() != null) {
            c.claim("acr", g.acr());
        }
        if (atHash != null) {
            c.claim("at_hash", atHash);
        }
        if (g.scopes().contains(OidcScopes.GROUPS) && g.groups() != null
                && !custom.replacesIdentityClaim(g.server().id(), OidcScopes.GROUPS, g.scopes())) {
            c.claim("groups", g.groups());
        }
        // Every grant issues the ID token with an access token: Okta's "thin" ID token (only alwaysIncludeInToken claims).
        if (subject != null) {
            custom.idToken(g.server().id(), subject, java.util.Set.copyOf(c.build().getClaims().keySet()), withAccessToken)
                    .forEach(c::claim);
        }
        return c.build();
    }

    /** What the server's custom claims are evaluated against; null when it has none (no app lookup, nothing to evaluate). */
    private ClaimSubject subject(Grant g) {
        return custom.none(g.server().id()) ? null : custom.subject(g.user(), g.clientId(), g.scopes(), g.amr());
    }

    /** OIDC Core §3.1.3.6: base64url of the left half of SHA-256 of the access token's ASCII octets. */
    static String atHash(String accessToken) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(d, d.length / 2));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Date seconds(Instant i) {
        return Date.from(Instant.ofEpochSecond(i.getEpochSecond()));
    }
}
