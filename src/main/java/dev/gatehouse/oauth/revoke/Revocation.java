package dev.gatehouse.oauth.revoke;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.apps.App;
import dev.gatehouse.oauth.OAuthEvents;
import dev.gatehouse.oauth.OAuthFailure;
import dev.gatehouse.oauth.introspect.TokenForm;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.issued.IssuedTokenStore;
import dev.gatehouse.oauth.issued.TokenKind;
import dev.gatehouse.oauth.issued.TokenVerifier;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.LogEvent;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What /revoke does (RFC 7009, Okta §8), in plain Java. The caller always answers 200 with an empty body: a token
 * that is unknown, expired, already revoked, another client's or another server's changes nothing (and the answer
 * does not say so). The kind of token is told by its form, as at /introspect.
 *
 * <ul>
 *   <li>An access token (a JWT this server signed, {@code jti} "AT.…"; an expired one is accepted, revoking it is
 *       harmless) is revoked alone: "revoking an access token doesn't revoke the associated refresh token".</li>
 *   <li>A refresh token revokes its whole family: every refresh token in it and every access token minted from it.</li>
 *   <li>ID tokens are not recorded, so they cannot be revoked: accepted, nothing changes.</li>
 * </ul>
 * Each request writes one {@code app.oauth2[.as].token.revoke} event in the transaction that revokes: SUCCESS when
 * something was revoked, SKIPPED (with the reason) when nothing was.
 */
public final class Revocation {

    static final String EVENT = "token.revoke";
    static final String MESSAGE = "OAuth2 token revocation request";

    /** What happened, for tests and the edge: the kind of token found (null if none) and whether anything changed. */
    public record Outcome(String tokenType, boolean revoked, String detail) {
    }

    private final Database db;
    private final IssuedTokenStore store;
    private final TokenVerifier verifier;
    private final SystemLog log;
    private final Clock clock;

    public Revocation(Database db, IssuedTokenStore store, TokenVerifier verifier, SystemLog log, Clock clock) {
        this.db = db;
        this.store = store;
        this.verifier = verifier;
        this.log = log;
        this.clock = clock;
    }

    public Outcome revoke(String token, String hint, App client, AuthorizationServer server, String issuer, EventContext ctx) {
        Instant now = clock.instant();
        if (token.length() > TokenVerifier.MAX_LENGTH) {
            return skipped(ctx, server, client, hint, null, "token longer than " + TokenVerifier.MAX_LENGTH + " characters");
        }
        return token.indexOf('.') >= 0 ? jwt(token, hint, client, server, issuer, ctx, now) : refreshToken(token, hint, client, server, ctx, now);
    }

    private Outcome jwt(String token, String hint, App client, AuthorizationServer server, String issuer, EventContext ctx, Instant now) {
        JWTClaimsSet claims;
        try {
            claims = verifier.signed(token, server, issuer);
        } catch (OAuthFailure f) {
            return skipped(ctx, server, client, hint, null, f.logDetail());
        }
        String jti = claims.getJWTID();
        if (!TokenKind.ACCESS_TOKEN.names(jti)) {
            return skipped(ctx, server, client, hint, TokenKind.ID_TOKEN.hint(), "ID tokens are not recorded and cannot be revoked");
        }
        String accessToken = TokenKind.ACCESS_TOKEN.hint();
        Target target = new Target(jti, accessToken, jti, "Access Token");
        return db.tx(h -> {
            if (!store.revokeAccessTokenOf(h, jti, server.id(), client.clientId(), now) && !revokeClientCredentials(h, claims, server, client, now)) {
                record(h, ctx, server, client, hint, accessToken, "unknown, another client's, or already revoked", target);
                return new Outcome(accessToken, false, "unknown, another client's, or already revoked");
            }
            record(h, ctx, server, client, hint, accessToken, null, target);
            return new Outcome(accessToken, true, null);
        });
    }

    /**
     * A client-credentials access token has no row until it is revoked (issue #23): this writes it, revoked, when the token
     * is this client's own, still unexpired and not revoked already.
     */
    private boolean revokeClientCredentials(Handle h, JWTClaimsSet claims, AuthorizationServer server, App client, Instant now) {
        return TokenVerifier.unrecordedClientCredentials(claims, server.id())
                .filter(t -> t.clientId().equals(client.clientId()) && t.expires().isAfter(now))
                .map(t -> store.insertRevokedAccessToken(h, t, now))
                .orElse(false);
    }

    private Outcome refreshToken(String token, String hint, App client, AuthorizationServer server, EventContext ctx, Instant now) {
        Optional<IssuedTokenStore.RefreshToken> found = db.read(h -> store.findRefreshToken(h, Hashes.sha256(token)))
                .filter(rt -> rt.serverId().equals(server.id()) && rt.clientId().equals(client.clientId()));
        if (found.isEmpty()) {
            return skipped(ctx, server, client, hint, null, "unknown token, or another client's or server's");
        }
        IssuedTokenStore.RefreshToken rt = found.get();
        String refreshToken = TokenKind.REFRESH_TOKEN.hint();
        Target target = new Target(rt.id(), refreshToken, rt.id(), "Refresh Token");
        boolean wasLive = rt.revoked() == null && rt.familyRevoked() == null;
        return db.tx(h -> {
            // Idempotent: every statement only touches rows not revoked yet, so a concurrent revocation is harmless.
            store.revokeFamily(h, rt.familyId(), now);
            record(h, ctx, server, client, hint, refreshToken, wasLive ? null : "already revoked", target);
            return new Outcome(refreshToken, wasLive, wasLive ? null : "already revoked");
        });
    }

    private Outcome skipped(EventContext ctx, AuthorizationServer server, App client, String hint, String tokenType, String why) {
        db.inTx(h -> record(h, ctx, server, client, hint, tokenType, why, null));
        return new Outcome(tokenType, false, why);
    }

    /** One event: SUCCESS when something was revoked ({@code skippedBecause} null), else SKIPPED with the reason. */
    private void record(Handle h, EventContext ctx, AuthorizationServer server, App client, String hint, String tokenType,
                        String skippedBecause, Target token) {
        List<Target> targets = new ArrayList<>();
        if (token != null) {
            targets.add(token);
        }
        targets.add(TokenForm.target(client));
        LogEvent.Outcome outcome = skippedBecause == null ? LogEvent.Outcome.SUCCESS : new LogEvent.Outcome("SKIPPED", skippedBecause);
        log.record(h, ctx, new SystemLog.Entry(OAuthEvents.type(server, EVENT), MESSAGE, LogEvent.Severity.INFO, outcome, List.copyOf(targets),
                Map.of("token_type", tokenType == null ? "" : tokenType, "token_type_hint", hint)));
    }
}
