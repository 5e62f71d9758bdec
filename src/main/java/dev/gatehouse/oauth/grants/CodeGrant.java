package dev.gatehouse.oauth.grants;

import dev.gatehouse.oauth.OAuthFailure;
import dev.gatehouse.syslog.Cause;
import dev.gatehouse.syslog.Problem;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppSettings.GrantType;
import dev.gatehouse.directory.Group;
import dev.gatehouse.directory.GroupStore;
import dev.gatehouse.directory.User;
import dev.gatehouse.directory.UserStore;
import dev.gatehouse.oauth.GrantTypes;
import dev.gatehouse.oauth.OAuthError;
import dev.gatehouse.oauth.OAuthEvents;
import dev.gatehouse.oauth.OidcScopes;
import dev.gatehouse.oauth.codes.AuthorizationCode;
import dev.gatehouse.oauth.codes.CodeStore;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.RuleLifetimes;
import dev.gatehouse.oauth.servers.TokenLifetimes;
import dev.gatehouse.oauth.token.TokenRequest.CodeExchange;
import dev.gatehouse.oauth.token.TokenResponse;
import dev.gatehouse.oauth.issued.IssuedTokenStore;
import dev.gatehouse.oauth.issued.ClaimsSigner;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The {@code authorization_code} grant: the code must be this server's, unexpired, unused, issued to this
 * client for this redirect URI, and its PKCE challenge must match the verifier (and a verifier without a
 * challenge is refused: no PKCE downgrade). A code used twice revokes everything it issued (RFC 6749 §4.1.2).
 */
public final class CodeGrant {

    static final String INVALID_CODE = "The authorization code is invalid or has expired.";
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");

    private final Database db;
    private final CodeStore codes;
    private final IssuedTokenStore tokens;
    private final ClaimsSigner signer;
    private final TokenRecorder recorder;
    private final UserStore users;
    private final GroupStore groupStore;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;
    private final Function<String, Optional<App>> appsByClientId;

    /** @param appsByClientId the app a replayed code was issued to (the System Log names it), from the node cache */
    public CodeGrant(Database db, CodeStore codes, IssuedTokenStore tokens, ClaimsSigner signer, TokenRecorder recorder, UserStore users, GroupStore groupStore,
                     SystemLog log, Ids ids, Clock clock, Function<String, Optional<App>> appsByClientId) {
        this.db = db;
        this.codes = codes;
        this.tokens = tokens;
        this.signer = signer;
        this.recorder = recorder;
        this.users = users;
        this.groupStore = groupStore;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
        this.appsByClientId = appsByClientId;
    }

    public TokenResponse handle(CodeExchange r, App client, AuthorizationServer server, String issuerUrl, EventContext ctx) {
        GrantTypes.require(client, GrantType.AUTHORIZATION_CODE);
        String hash = Hashes.sha256(r.code());
        Instant now = clock.instant();
        // The code, its user and (for the groups scope) the user's groups in one pooled handle, not a checkout each;
        // they are looked at in the same order as ever, so the same error wins.
        Found found = db.read(h -> codes.find(h, hash).filter(c -> c.serverId().equals(server.id())).map(c -> {
            Optional<User> user = users.find(h, c.userId());
            List<String> groupNames = user.isPresent() && c.scopes().contains(OidcScopes.GROUPS)
                    ? groupStore.groupsOf(h, c.userId()).stream().map(Group::name).limit(100).toList() : null;
            return new Found(c, user, groupNames);
        })).orElseThrow(() -> OAuthError.INVALID_GRANT.because(INVALID_CODE, "unknown code"));
        AuthorizationCode code = found.code();
        if (code.used() != null) {
            revokeWhatTheCodeIssued(code, client, server, ctx, now);
            throw OAuthError.INVALID_GRANT.because(INVALID_CODE, "code replayed").with(reused(code));
        }
        if (!code.expires().isAfter(now)) {
            throw OAuthError.INVALID_GRANT.because(INVALID_CODE, "code expired").with(Problem.of(Cause.CODE_EXPIRED, "",
                    example(code)).with("issued", code.created().toString()).with("expired", code.expires().toString())
                    .with("presented", now.toString()));
        }
        if (!code.clientId().equals(client.clientId())) {
            throw OAuthError.INVALID_GRANT.because(
                    "The grant was issued to another client. Ensure that the `client_id` matches the one used at the authorize request.");
        }
        if (!code.redirectUri().equals(r.redirectUri())) {
            throw OAuthError.INVALID_GRANT.because("The 'redirect_uri' does not match the redirection URI used in the authorization request.");
        }
        try {
            checkPkce(code.codeChallenge(), r.codeVerifier());
        } catch (OAuthFailure f) {
            boolean missing = code.codeChallenge() != null && r.codeVerifier() == null;
            throw f.with(Problem.of(missing ? Cause.PKCE_MISSING : Cause.PKCE_MISMATCH, missing ? "token" : "", example(code))
                    .with("code_verifier", r.codeVerifier() == null ? "absent" : "present, " + r.codeVerifier().length() + " characters")
                    .with("code_challenge", code.codeChallenge() == null ? "absent in the authorization request" : "S256"));
        }
        User user = found.user().filter(u -> u.status() == User.Status.ACTIVE)
                .orElseThrow(() -> OAuthError.INVALID_GRANT.because(INVALID_CODE, "user no longer active"));
        // The access-policy rule chosen at sign-in sets the lifetimes (a code from before access policies: the server's).
        TokenLifetimes lifetimes = RuleLifetimes.effective(code.rule(), server);
        ClaimsSigner.Grant grant = new ClaimsSigner.Grant(server, issuerUrl, client.clientId(), user, code.scopes(), code.authTime(), code.amr(), code.acr(),
                code.nonce(), found.groupNames(), lifetimes);
        ClaimsSigner.Signed signed = signer.sign(grant);
        boolean refresh = code.scopes().contains(OidcScopes.OFFLINE_ACCESS) && client.settings().allows(GrantType.REFRESH_TOKEN);
        String familyId = "fam" + ids.base62(30);
        String refreshToken = db.tx(h -> {
            if (!codes.consume(h, hash, now)) {
                return null;
            }
            Instant familyEnd = lifetimes.refreshTokenMax().isZero() ? null : now.plus(lifetimes.refreshTokenMax());
            tokens.insertFamily(h, familyId, server.id(), client.clientId(), user.id(), hash, now, familyEnd, code.rule());
            recorder.record(h, signed, familyId);
            String rt = refresh ? recorder.newRefreshToken(h, signed, familyId, now) : "";
            log.record(h, ctx.as(dev.gatehouse.syslog.Actor.user(user.id(), user.profile().login(), user.profile().name())),
                    SystemLog.Entry.success(OAuthEvents.type(server, "token.grant"), "OAuth2 token granted", client.auditTarget())
                            .withDebug(Map.of("grant_type", "authorization_code", "scopes", OidcScopes.join(code.scopes()))));
            return rt;
        });
        if (refreshToken == null) {
            revokeWhatTheCodeIssued(code, client, server, ctx, now);
            throw OAuthError.INVALID_GRANT.because(INVALID_CODE, "code used concurrently").with(reused(code));
        }
        return recorder.response(signed, refreshToken.isEmpty() ? null : refreshToken);
    }

    /** The sign-in doctor's CODE_REUSED: a code presented again (or twice at once); what it issued is revoked meanwhile. */
    private static Problem reused(AuthorizationCode code) {
        return Problem.of(Cause.CODE_REUSED, "", example(code)).with("issued", code.created().toString())
                .with("firstUsed", code.used() == null ? null : code.used().toString());
    }

    /** What the sign-in doctor shows of a code: its client, redirect URI and scopes (never the code). */
    private static Map<String, Object> example(AuthorizationCode code) {
        return Map.of("grant_type", "authorization_code", "client_id", code.clientId(), "redirect_uri", code.redirectUri(),
                "scope", String.join(" ", code.scopes()));
    }

    /** A code with what its grant needs: its user, and the user's group names (at most 100, as {@code Groups.namesOf}) when asked for. */
    private record Found(AuthorizationCode code, Optional<User> user, List<String> groupNames) {
    }

    /** RFC 7636 S256; a verifier is accepted only when the authorization request carried a challenge (RFC 9700 §4.8.2). */
    static void checkPkce(String challenge, String verifier) {
        if (challenge == null && verifier == null) {
            return;
        }
        if (challenge == null || verifier == null || !VERIFIER.matcher(verifier).matches()) {
            throw OAuthError.INVALID_GRANT.because("PKCE verification failed.");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            String computed = Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
            if (!MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII), challenge.getBytes(StandardCharsets.US_ASCII))) {
                throw OAuthError.INVALID_GRANT.because("PKCE verification failed.");
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void revokeWhatTheCodeIssued(AuthorizationCode code, App presenter, AuthorizationServer server, EventContext ctx, Instant now) {
        // The app the code was issued to: usually the one presenting it again.
        Target[] issuedTo = (code.clientId().equals(presenter.clientId()) ? Optional.of(presenter) : appsByClientId.apply(code.clientId()))
                .map(app -> new Target[]{app.auditTarget()}).orElse(new Target[0]);
        db.inTx(h -> {
            for (String family : tokens.familiesOfCode(h, code.codeHash())) {
                tokens.revokeFamily(h, family, now);
            }
            log.record(h, ctx, SystemLog.Entry.failure(OAuthEvents.type(server, "token.grant"), "OAuth2 token granted",
                    "authorization code reused; the tokens it issued were revoked", issuedTo));
        });
    }
}
