package dev.gatehouse.oauth.grants;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.apps.App;
import dev.gatehouse.directory.User;
import dev.gatehouse.oauth.OAuthError;
import dev.gatehouse.oauth.OAuthFailure;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.token.TokenRequest;
import dev.gatehouse.oauth.token.TokenResponse;
import dev.gatehouse.syslog.LogEvent;
import dev.gatehouse.syslog.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link CodeGrant} below HTTP, branch by branch (named as Hydra names its handler cases): PKCE (S256 only, no downgrade,
 * the verifier's form), the redirect URI, expiry at its edge, replay (which revokes what the code issued), the client,
 * the server, the user, the scopes, the nonce and the groups. In-memory H2, the real stores and keys, a moving clock.
 */
class CodeGrantTest {

    private static final List<String> OIDC = List.of("openid", "profile", "email");
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";   // RFC 7636 appendix B
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    private GrantFixture f;
    private AuthorizationServer as;
    private User user;
    private App app;

    @BeforeEach
    void start() {
        f = new GrantFixture();
        as = f.defaultServer();
        user = f.user("ada@example.com");
        app = f.app(List.of("authorization_code", "refresh_token"), "ROTATE", 30, user);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private TokenResponse exchange(String code, App client) {
        return exchange(code, client, GrantFixture.REDIRECT, null);
    }

    private TokenResponse exchange(String code, App client, String redirectUri, String verifier) {
        return f.codeGrant.handle(new TokenRequest.CodeExchange(code, redirectUri, verifier), client, as, f.issuerOf(as), GrantFixture.CALLER);
    }

    private String code(List<String> scopes) {
        return f.code(as, app, user, scopes, null, null);
    }

    private static OAuthFailure refused(Executable call) {
        OAuthFailure failure = catchThrowableOfType(OAuthFailure.class, call::execute);
        assertThat(failure).as("the grant refused").isNotNull();
        return failure;
    }

    private static JWTClaimsSet claims(String jwt) throws ParseException {
        return SignedJWT.parse(jwt).getJWTClaimsSet();
    }

    private static String s256(String verifier) throws NoSuchAlgorithmException {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    private int issued() {
        return f.count("SELECT COUNT(*) FROM access_tokens") + f.count("SELECT COUNT(*) FROM token_families");
    }

    @Test
    void codeIsExchangedForAnAccessTokenAndAnIdTokenOfTheUser() throws ParseException {
        TokenResponse r = exchange(code(OIDC), app);
        JWTClaimsSet at = claims(r.accessToken());
        assertThat(at.getSubject()).isEqualTo("ada@example.com");
        assertThat(at.getStringClaim("uid")).isEqualTo(user.id());
        assertThat(at.getStringClaim("cid")).isEqualTo(app.clientId());
        assertThat(at.getJWTID()).startsWith("AT.");
        JWTClaimsSet id = claims(r.idToken());
        assertThat(id.getSubject()).isEqualTo(user.id());
        assertThat(id.getAudience()).containsExactly(app.clientId());
        assertThat(id.getJWTID()).startsWith("ID.");
        assertThat(r.scope()).isEqualTo("openid profile email");
    }

    @Test
    void withoutOpenidThereIsNoIdToken() {
        String scope = f.customScope(as, "payroll.read");
        assertThat(exchange(code(List.of(scope)), app).idToken()).isNull();
    }

    @Test
    void offlineAccessGivesARefreshTokenWhenTheAppMayRefresh() {
        assertThat(exchange(code(List.of("openid", "offline_access")), app).refreshToken()).isNotBlank();
    }

    @Test
    void offlineAccessGivesNoRefreshTokenWhenTheAppMayNotRefresh() {
        App codeOnly = f.app(List.of("authorization_code"), null, null, user);
        String code = f.code(as, codeOnly, user, List.of("openid", "offline_access"), null, null);
        assertThat(exchange(code, codeOnly).refreshToken()).isNull();
    }

    @Test
    void withoutOfflineAccessThereIsNoRefreshToken() {
        assertThat(exchange(code(OIDC), app).refreshToken()).isNull();
    }

    @Test
    void anS256VerifierThatMatchesTheChallengeIsAccepted() {
        String code = f.code(as, app, user, OIDC, CHALLENGE, null);
        assertThat(exchange(code, app, GrantFixture.REDIRECT, VERIFIER).accessToken()).isNotBlank();
    }

    @Test
    void codeRedeemedWithAWrongVerifierIsInvalidGrant() {
        String code = f.code(as, app, user, OIDC, CHALLENGE, null);
        OAuthFailure failure = refused(() -> exchange(code, app, GrantFixture.REDIRECT, VERIFIER.replace('d', 'e')));
        assertThat(failure.error()).isEqualTo(OAuthError.INVALID_GRANT);
        assertThat(failure.description()).isEqualTo("PKCE verification failed.");
    }

    @Test
    void codeWithAChallengeRedeemedWithoutAVerifierIsInvalidGrant() {
        String code = f.code(as, app, user, OIDC, CHALLENGE, null);
        assertThat(refused(() -> exchange(code, app, GrantFixture.REDIRECT, null)).description()).isEqualTo("PKCE verification failed.");
    }

    @Test
    void aVerifierForACodeWithoutAChallengeIsRefusedAsADowngrade() {
        assertThat(refused(() -> exchange(code(OIDC), app, GrantFixture.REDIRECT, VERIFIER)).description()).isEqualTo("PKCE verification failed.");
    }

    @Test
    void thePlainMethodIsRefusedAChallengeEqualToTheVerifierDoesNotMatch() {
        String code = f.code(as, app, user, OIDC, VERIFIER, null);
        assertThat(refused(() -> exchange(code, app, GrantFixture.REDIRECT, VERIFIER)).error()).isEqualTo(OAuthError.INVALID_GRANT);
    }

    @Test
    void aVerifierShorterThan43CharactersIsRefusedEvenWhenItsHashMatches() throws NoSuchAlgorithmException {
        String shortVerifier = "a".repeat(42);
        String code = f.code(as, app, user, OIDC, s256(shortVerifier), null);
        assertThat(refused(() -> exchange(code, app, GrantFixture.REDIRECT, shortVerifier)).description()).isEqualTo("PKCE verification failed.");
    }

    @Test
    void aVerifierWithCharactersOutsideTheUnreservedSetIsRefused() throws NoSuchAlgorithmException {
        String odd = "a".repeat(42) + "+";
        String code = f.code(as, app, user, OIDC, s256(odd), null);
        assertThat(refused(() -> exchange(code, app, GrantFixture.REDIRECT, odd)).error()).isEqualTo(OAuthError.INVALID_GRANT);
    }

    @Test
    void codeRedeemedWithAnotherRedirectUriIsInvalidGrant() {
        OAuthFailure failure = refused(() -> exchange(code(OIDC), app, GrantFixture.REDIRECT + "/other", null));
        assertThat(failure.description()).isEqualTo("The 'redirect_uri' does not match the redirection URI used in the authorization request.");
    }

    @Test
    void codeRedeemedWithoutTheRedirectUriIsInvalidGrant() {
        assertThat(refused(() -> exchange(code(OIDC), app, null, null)).error()).isEqualTo(OAuthError.INVALID_GRANT);
    }

    @Test
    void codeIsAcceptedOneSecondBeforeItExpires() {
        String code = code(OIDC);
        f.clock.advance(Duration.ofSeconds(299));
        assertThat(exchange(code, app).accessToken()).isNotBlank();
    }

    @Test
    void codeRedeemedWhenItExpiresIsInvalidGrantAndIssuesNothing() {
        String code = code(OIDC);
        f.clock.advance(Duration.ofSeconds(300));
        OAuthFailure failure = refused(() -> exchange(code, app));
        assertThat(failure.description()).isEqualTo(CodeGrant.INVALID_CODE);
        assertThat(failure.logDetail()).isEqualTo("code expired");
        assertThat(issued()).isZero();
    }

    @Test
    void codeOfAnotherClientIsInvalidGrant() {
        App other = f.app(List.of("authorization_code"), null, null, user);
        OAuthFailure failure = refused(() -> exchange(code(OIDC), other));
        assertThat(failure.description()).startsWith("The grant was issued to another client.");
        assertThat(issued()).isZero();
    }

    @Test
    void codeOfAnotherAuthorizationServerIsInvalidGrant() {
        String code = code(OIDC);
        AuthorizationServer org = f.servers.org();
        OAuthFailure failure = refused(() -> f.codeGrant.handle(new TokenRequest.CodeExchange(code, GrantFixture.REDIRECT, null), app, org,
                f.issuerOf(org), GrantFixture.CALLER));
        assertThat(failure.logDetail()).isEqualTo("unknown code");
    }

    @Test
    void anUnknownCodeIsInvalidGrant() {
        OAuthFailure failure = refused(() -> exchange("no-such-code-" + f.ids.base62(30), app));
        assertThat(failure.error()).isEqualTo(OAuthError.INVALID_GRANT);
        assertThat(failure.logDetail()).isEqualTo("unknown code");
    }

    @Test
    void aReusedCodeIsRefusedAndRevokesTheTokensItIssued() {
        String code = code(List.of("openid", "offline_access"));
        TokenResponse first = exchange(code, app);
        OAuthFailure failure = refused(() -> exchange(code, app));
        assertThat(failure.logDetail()).isEqualTo("code replayed");
        assertThat(f.count("SELECT COUNT(*) FROM access_tokens WHERE revoked_at IS NULL")).isZero();
        assertThat(f.count("SELECT COUNT(*) FROM refresh_tokens WHERE revoked_at IS NULL")).isZero();
        assertThat(first.refreshToken()).isNotNull();
        TokenRequest.RefreshRequest r = new TokenRequest.RefreshRequest(first.refreshToken(), null);
        assertThat(refused(() -> f.refreshGrant.handle(r, f.refreshGrant.read(r, app, as), app, as, f.issuerOf(as), GrantFixture.CALLER))
                .logDetail()).isEqualTo("refresh token expired or revoked");
    }

    @Test
    void aReusedCodeIsLoggedNamingTheAppInstanceItWasIssuedTo() {
        String code = code(OIDC);
        exchange(code, app);
        App other = f.app(List.of("authorization_code"), null, null, user);
        refused(() -> exchange(code, other));
        LogEvent replay = f.events("app.oauth2.as.token.grant").stream().filter(e -> e.outcome().result().equals("FAILURE")).findFirst().orElseThrow();
        assertThat(replay.targets()).containsExactly(new Target(app.id(), "AppInstance", app.label(), app.label()));
    }

    @Test
    void theNonceOfTheAuthorizationRequestIsInTheIdToken() throws ParseException {
        String code = f.code(as, app, user, OIDC, null, "n-0S6_WzA2Mj");
        assertThat(claims(exchange(code, app).idToken()).getStringClaim("nonce")).isEqualTo("n-0S6_WzA2Mj");
    }

    @Test
    void withoutANonceTheIdTokenHasNone() throws ParseException {
        assertThat(claims(exchange(code(OIDC), app).idToken()).getClaim("nonce")).isNull();
    }

    @Test
    void theScopesOfTheCodeDecideTheClaims() throws ParseException {
        JWTClaimsSet onlyOpenid = claims(exchange(code(List.of("openid")), app).idToken());
        assertThat(onlyOpenid.getClaim("email")).isNull();
        assertThat(onlyOpenid.getClaim("preferred_username")).isNull();
        JWTClaimsSet withProfile = claims(exchange(code(OIDC), app).idToken());
        assertThat(withProfile.getStringClaim("email")).isEqualTo("ada@example.com");
        assertThat(withProfile.getStringClaim("preferred_username")).isEqualTo("ada@example.com");
    }

    @Test
    void theGroupsScopePutsTheUsersGroupsInTheIdToken() throws ParseException {
        f.groupOf(user, "Analysts");
        assertThat(claims(exchange(code(List.of("openid", "groups")), app).idToken()).getStringListClaim("groups")).contains("Analysts");
        assertThat(claims(exchange(code(List.of("openid")), app).idToken()).getClaim("groups")).isNull();
    }

    @Test
    void aUserNoLongerActiveIsInvalidGrant() {
        String code = code(OIDC);
        f.status(user, "SUSPENDED");
        OAuthFailure failure = refused(() -> exchange(code, app));
        assertThat(failure.logDetail()).isEqualTo("user no longer active");
        assertThat(issued()).isZero();
    }

    @Test
    void anAppWithoutTheCodeGrantIsUnauthorizedClient() {
        App service = f.service();
        assertThat(refused(() -> exchange(code(OIDC), service)).error()).isEqualTo(OAuthError.UNAUTHORIZED_CLIENT);
    }

    @Test
    void aRefusedExchangeLeavesTheCodeUsableForTheRightVerifier() {
        String code = f.code(as, app, user, OIDC, CHALLENGE, null);
        refused(() -> exchange(code, app, GrantFixture.REDIRECT, VERIFIER.replace('d', 'e')));
        assertThat(issued()).isZero();
        assertThat(exchange(code, app, GrantFixture.REDIRECT, VERIFIER).accessToken()).isNotBlank();
    }

    @Test
    void aGrantIsLoggedOnceAsTheUserNamingTheAppInstanceAsTheManagementApiDoes() {
        exchange(code(OIDC), app);
        List<LogEvent> grants = f.events("app.oauth2.as.token.grant");
        assertThat(grants).hasSize(1);
        assertThat(grants.getFirst().actor().id()).isEqualTo(user.id());
        assertThat(grants.getFirst().debugData()).containsEntry("grant_type", "authorization_code");
        assertThat(grants.getFirst().targets()).containsExactly(app.auditTarget());
        assertThat(app.auditTarget().id()).isEqualTo(app.id()).isNotEqualTo(app.clientId());
    }

    @Test
    void theFamilyStartsWithTheServersAbsoluteLifetimeUnlimitedByDefault() {
        exchange(code(List.of("openid", "offline_access")), app);
        assertThat(f.count("SELECT COUNT(*) FROM token_families WHERE expires_at IS NULL")).isEqualTo(1);
    }
}
