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
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.LogEvent;
import dev.gatehouse.syslog.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.text.ParseException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link RefreshGrant} below HTTP, branch by branch (named as Hydra names its handler cases): rotation and its grace
 * period at 0, 30 and 60 seconds and their edges, reuse detection, revoked and expired families, the user, the assignment,
 * the client and the server, and scope narrowing. In-memory H2, the real stores and keys, a clock the tests move.
 */
class RefreshGrantTest {

    private static final List<String> SCOPES = List.of("openid", "profile", "offline_access");

    private GrantFixture f;
    private AuthorizationServer as;
    private User user;

    @BeforeEach
    void start() {
        f = new GrantFixture();
        as = f.defaultServer();
        user = f.user("grace@example.com");
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private App rotating(int leeway) {
        return f.app(List.of("authorization_code", "refresh_token"), "ROTATE", leeway, user);
    }

    /** A refresh token of a fresh family, from a code exchange. */
    private String issue(App app, List<String> scopes) {
        String code = f.code(as, app, user, scopes, null, null);
        return f.codeGrant.handle(new TokenRequest.CodeExchange(code, GrantFixture.REDIRECT, null), app, as, f.issuerOf(as), GrantFixture.CALLER)
                .refreshToken();
    }

    private TokenResponse refresh(String token, App app) {
        return refresh(token, app, null, as);
    }

    private TokenResponse refresh(String token, App app, List<String> scope, AuthorizationServer server) {
        TokenRequest.RefreshRequest r = new TokenRequest.RefreshRequest(token, scope);
        return f.refreshGrant.handle(r, f.refreshGrant.read(r, app, server), app, server, f.issuerOf(server), GrantFixture.CALLER);
    }

    private static OAuthFailure refused(Executable call) {
        OAuthFailure failure = catchThrowableOfType(OAuthFailure.class, call::execute);
        assertThat(failure).as("the grant refused").isNotNull();
        return failure;
    }

    private String familyOf(String token) {
        return f.db.read(h -> f.issued.findRefreshToken(h, Hashes.sha256(token))).orElseThrow().familyId();
    }

    private int accessTokens() {
        return f.count("SELECT COUNT(*) FROM access_tokens");
    }

    private static JWTClaimsSet claims(String jwt) throws ParseException {
        return SignedJWT.parse(jwt).getJWTClaimsSet();
    }

    @Test
    void rotatingTokenIsExchangedForANewTokenOfTheSameFamily() {
        App app = rotating(30);
        String first = issue(app, SCOPES);
        TokenResponse next = refresh(first, app);
        assertThat(next.refreshToken()).isNotNull().isNotEqualTo(first);
        assertThat(next.accessToken()).isNotBlank();
        assertThat(familyOf(next.refreshToken())).isEqualTo(familyOf(first));
    }

    @Test
    void staticTokenComesBackUnchangedAndItsIdleWindowSlides() {
        App app = f.app(List.of("authorization_code", "refresh_token"), "STATIC", 30, user);
        String token = issue(app, SCOPES);
        f.clock.advance(Duration.ofDays(6));
        assertThat(refresh(token, app).refreshToken()).isEqualTo(token);
        f.clock.advance(Duration.ofDays(6));   // 12 days after issue, 6 after the last use: still within the 7-day window
        assertThat(refresh(token, app).refreshToken()).isEqualTo(token);
    }

    @Test
    void staticTokenUnusedForItsIdleWindowExpires() {
        App app = f.app(List.of("authorization_code", "refresh_token"), "STATIC", 30, user);
        String token = issue(app, SCOPES);
        f.clock.advance(Duration.ofDays(7));
        assertThat(refused(() -> refresh(token, app)).logDetail()).isEqualTo("refresh token expired or revoked");
    }

    @Test
    void rotatedTokenUsedAgainWithinTheGracePeriodSucceeds() {
        App app = rotating(30);
        String token = issue(app, SCOPES);
        refresh(token, app);
        f.clock.advance(Duration.ofSeconds(29));
        TokenResponse again = refresh(token, app);
        assertThat(again.refreshToken()).isNotEqualTo(token);
        assertThat(familyOf(again.refreshToken())).isEqualTo(familyOf(token));
    }

    @Test
    void rotatedTokenUsedAgainWhenTheGracePeriodEndsIsReuse() {
        App app = rotating(30);
        String token = issue(app, SCOPES);
        refresh(token, app);
        f.clock.advance(Duration.ofSeconds(30));
        assertThat(refused(() -> refresh(token, app)).logDetail()).startsWith("refresh token reuse");
    }

    @Test
    void aGracePeriodOfZeroMakesEverySecondUseReuseEvenAtTheSameInstant() {
        App app = rotating(0);
        String token = issue(app, SCOPES);
        refresh(token, app);
        OAuthFailure f2 = refused(() -> refresh(token, app));
        assertThat(f2.error()).isEqualTo(OAuthError.INVALID_GRANT);
        assertThat(f2.description()).isEqualTo(RefreshGrant.INVALID);
    }

    @Test
    void aGracePeriodOfSixtyAcceptsASecondUseFiftyNineSecondsLater() {
        App app = rotating(60);
        String token = issue(app, SCOPES);
        refresh(token, app);
        f.clock.advance(Duration.ofSeconds(59));
        assertThat(refresh(token, app).refreshToken()).isNotNull();
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(refused(() -> refresh(token, app)).logDetail()).startsWith("refresh token reuse");
    }

    @Test
    void refreshTokenUsedTwiceAfterTheGracePeriodRevokesTheFamily() {
        App app = rotating(30);
        String token = issue(app, SCOPES);
        TokenResponse next = refresh(token, app);
        f.clock.advance(Duration.ofSeconds(31));
        refused(() -> refresh(token, app));
        assertThat(refused(() -> refresh(next.refreshToken(), app)).logDetail())
                .as("the newest token of the family is revoked too").isEqualTo("refresh token expired or revoked");
        assertThat(f.count("SELECT COUNT(*) FROM access_tokens WHERE revoked_at IS NULL")).as("every access token of the family").isZero();
    }

    @Test
    void detectedReuseIsLoggedOnceNamingTheUserAndTheAppInstance() {
        App app = rotating(0);
        String token = issue(app, SCOPES);
        refresh(token, app);
        refused(() -> refresh(token, app));
        List<LogEvent> reuse = f.events("app.oauth2.as.token.detect_reuse");
        assertThat(reuse).hasSize(1);
        assertThat(reuse.getFirst().outcome().result()).isEqualTo("FAILURE");
        assertThat(reuse.getFirst().actor().id()).isEqualTo(user.id());
        assertThat(reuse.getFirst().targets()).containsExactly(new Target(app.id(), "AppInstance", app.label(), app.label()));
    }

    @Test
    void aTokenOfARevokedFamilyIsInvalidGrantAndMintsNothing() {
        App app = rotating(30);
        String token = issue(app, SCOPES);
        f.db.inTx(h -> f.issued.revokeFamily(h, familyOf(token), f.clock.instant()));
        int before = accessTokens();
        OAuthFailure failure = refused(() -> refresh(token, app));
        assertThat(failure.error()).isEqualTo(OAuthError.INVALID_GRANT);
        assertThat(failure.logDetail()).isEqualTo("refresh token expired or revoked");
        assertThat(accessTokens()).isEqualTo(before);
    }

    @Test
    void aFamilyPastItsAbsoluteLifetimeIsRefused() {
        App app = rotating(30);
        String token = issue(app, SCOPES);
        f.db.inTx(h -> h.createUpdate("UPDATE token_families SET expires_at = :at").bind("at", f.clock.instant().plusSeconds(60)).execute());
        f.clock.advance(Duration.ofSeconds(60));
        assertThat(refused(() -> refresh(token, app)).logDetail()).isEqualTo("refresh token expired or revoked");
    }

    @Test
    void anUnknownTokenIsInvalidGrant() {
        App app = rotating(30);
        OAuthFailure failure = refused(() -> refresh("no-such-token-" + f.ids.base62(30), app));
        assertThat(failure.error()).isEqualTo(OAuthError.INVALID_GRANT);
        assertThat(failure.logDetail()).isEqualTo("unknown refresh token");
    }

    @Test
    void anotherClientsTokenIsInvalidGrantAndLeavesTheTokenUsable() {
        App app = rotating(30);
        App other = rotating(30);
        String token = issue(app, SCOPES);
        assertThat(refused(() -> refresh(token, other)).logDetail()).isEqualTo("unknown refresh token");
        assertThat(refresh(token, app).refreshToken()).as("not claimed by the refused attempt").isNotNull();
    }

    @Test
    void aTokenPresentedToAnotherAuthorizationServerIsInvalidGrant() {
        App app = rotating(30);
        String token = issue(app, SCOPES);
        assertThat(refused(() -> refresh(token, app, null, f.servers.org())).logDetail()).isEqualTo("unknown refresh token");
    }

    @Test
    void anAppWithoutTheRefreshGrantIsUnauthorizedClient() {
        App app = rotating(30);
        String token = issue(app, SCOPES);
        App codeOnly = f.app(List.of("authorization_code"), null, null, user);
        assertThat(refused(() -> refresh(token, codeOnly)).error()).isEqualTo(OAuthError.UNAUTHORIZED_CLIENT);
    }

    @Test
    void anInactiveUserIsInvalidGrant() {
        App app = rotating(30);
        String token = issue(app, SCOPES);
        f.status(user, "SUSPENDED");
        OAuthFailure failure = refused(() -> refresh(token, app));
        assertThat(failure.description()).isEqualTo(RefreshGrant.INVALID);
        assertThat(failure.logDetail()).isEqualTo("user no longer active");
    }

    @Test
    void aUserNoLongerAssignedToTheAppIsInvalidGrant() {
        App app = rotating(30);
        String token = issue(app, SCOPES);
        f.apps.unassignUser(EventContext.system("test"), app.id(), user.id());
        assertThat(refused(() -> refresh(token, app)).logDetail()).isEqualTo("user no longer assigned to the app");
    }

    @Test
    void deactivatingTheAppEndsItsRefreshTokens() {
        App app = rotating(30);
        String token = issue(app, SCOPES);
        App inactive = f.apps.deactivate(EventContext.system("test"), app.id());
        assertThat(refused(() -> refresh(token, inactive)).logDetail()).isEqualTo("refresh token expired or revoked");
    }

    @Test
    void aNarrowerScopeIsGrantedAndTheNextTokenKeepsIt() throws ParseException {
        App app = rotating(30);
        String token = issue(app, SCOPES);
        TokenResponse narrowed = refresh(token, app, List.of("openid", "offline_access"), as);
        assertThat(narrowed.scope()).isEqualTo("openid offline_access");
        assertThat(claims(narrowed.accessToken()).getStringListClaim("scp")).containsExactly("openid", "offline_access");
        assertThat(f.db.read(h -> f.issued.findRefreshToken(h, Hashes.sha256(narrowed.refreshToken()))).orElseThrow().scopes())
                .containsExactly("openid", "offline_access");
    }

    @Test
    void aWiderScopeIsInvalidScopeAndClaimsNothing() {
        App app = rotating(0);
        String token = issue(app, SCOPES);
        assertThat(refused(() -> refresh(token, app, List.of("openid", "email"), as)).error()).isEqualTo(OAuthError.INVALID_SCOPE);
        assertThat(refresh(token, app).refreshToken()).as("the refusal did not use the token up").isNotNull();
    }

    @Test
    void withoutOpenidThereIsNoIdToken() {
        App app = rotating(30);
        String token = issue(app, SCOPES);
        assertThat(refresh(token, app).idToken()).isNotNull();
        String next = refresh(token, app).refreshToken();
        assertThat(refresh(next, app, List.of("offline_access"), as).idToken()).isNull();
    }

    @Test
    void theGroupsScopePutsTheUsersGroupsInTheIdTokenUnlessNarrowedAway() throws ParseException {
        App app = rotating(30);
        f.groupOf(user, "Engineering");
        String token = issue(app, List.of("openid", "groups", "offline_access"));
        TokenResponse withGroups = refresh(token, app);
        assertThat(claims(withGroups.idToken()).getStringListClaim("groups")).contains("Engineering");
        TokenResponse without = refresh(withGroups.refreshToken(), app, List.of("openid", "offline_access"), as);
        assertThat(claims(without.idToken()).getClaim("groups")).isNull();
    }

    @Test
    void aGrantIsLoggedOnceAsTheUserNamingTheAppInstanceAsTheManagementApiDoes() {
        App app = rotating(30);
        String token = issue(app, SCOPES);
        int grantsBefore = f.events("app.oauth2.as.token.grant").size();
        refresh(token, app);
        List<LogEvent> grants = f.events("app.oauth2.as.token.grant");
        assertThat(grants).hasSize(grantsBefore + 1);
        LogEvent grant = grants.getLast();
        assertThat(grant.actor().id()).isEqualTo(user.id());
        assertThat(grant.debugData()).containsEntry("grant_type", "refresh_token");
        Target created = f.events("application.lifecycle.create").stream()
                .filter(e -> e.targets().getFirst().displayName().equals(app.label())).findFirst().orElseThrow().targets().getFirst();
        assertThat(grant.targets()).containsExactly(created);
        assertThat(created.id()).isEqualTo(app.id()).isNotEqualTo(app.clientId());
    }

    @Test
    void readingFindsTheTokenForThePerUserLimitWhateverItsClient() {
        App app = rotating(30);
        App other = rotating(30);
        String token = issue(app, SCOPES);
        TokenRequest.RefreshRequest r = new TokenRequest.RefreshRequest(token, null);
        RefreshGrant.Presented own = f.refreshGrant.read(r, app, as);
        RefreshGrant.Presented foreign = f.refreshGrant.read(r, other, as);
        assertThat(own.token()).isPresent();
        assertThat(own.user()).isPresent();
        assertThat(own.assigned()).isTrue();
        assertThat(foreign.token().map(t -> t.familyId())).as("the family keys the limit").isEqualTo(own.token().map(t -> t.familyId()));
        assertThat(foreign.user()).as("nothing else is read for another client's token").isEmpty();
    }
}
