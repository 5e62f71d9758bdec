package dev.gatehouse.oauth.e2e;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.Token;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.Prompt;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.UserInfo;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.openid.connect.sdk.validators.AccessTokenValidator;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.OAuthFlow.Client;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Gatehouse against an independent OpenID Connect client, the Nimbus OAuth 2.0 SDK: it reads the discovery
 * document, builds the PKCE authentication request, exchanges the code, validates the ID token and the access
 * token against the published JWKS, calls userinfo, revokes, introspects and logs out, every message built and
 * parsed by Nimbus rather than by our own test code. Only the person in the browser is ours (support/Browser).
 * On H2 and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class NimbusFlowTest {

    @Parameter
    TestDatabase database;

    static TestServer server;
    static OAuthFlow flow;
    static Issuer issuer;
    static OIDCProviderMetadata provider;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) throws Exception {
        server = TestServer.start(database);
        flow = new OAuthFlow(server);
        issuer = new Issuer(server.url() + "/oauth2/default");
        // Discovery as Nimbus does it: {issuer}/.well-known/openid-configuration, and the issuer in it must be the one asked for.
        provider = OIDCProviderMetadata.resolve(issuer);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @Test
    void discoveryGivesNimbusEveryEndpointAndOnlyS256() {
        assertThat(provider.getIssuer()).isEqualTo(issuer);
        assertThat(provider.getAuthorizationEndpointURI()).isEqualTo(URI.create(issuer + "/v1/authorize"));
        assertThat(provider.getTokenEndpointURI()).isEqualTo(URI.create(issuer + "/v1/token"));
        assertThat(provider.getJWKSetURI()).isEqualTo(URI.create(issuer + "/v1/keys"));
        assertThat(provider.getUserInfoEndpointURI()).isEqualTo(URI.create(issuer + "/v1/userinfo"));
        assertThat(provider.getRevocationEndpointURI()).isEqualTo(URI.create(issuer + "/v1/revoke"));
        assertThat(provider.getIntrospectionEndpointURI()).isEqualTo(URI.create(issuer + "/v1/introspect"));
        assertThat(provider.getEndSessionEndpointURI()).isEqualTo(URI.create(issuer + "/v1/logout"));
        assertThat(provider.getCodeChallengeMethods()).containsExactly(CodeChallengeMethod.S256);
        assertThat(provider.getResponseTypes()).containsExactly(ResponseType.CODE);
        assertThat(provider.getIDTokenJWSAlgs()).containsExactly(JWSAlgorithm.RS256);
    }

    @Test
    void spaSignsInWithPkceValidatesItsTokensAndSignsOut() throws Exception {
        Client spa = flow.spaClient();
        ClientID clientId = new ClientID(spa.clientId());
        URI redirect = URI.create(spa.redirectUri());

        // 1. The authentication request, built by Nimbus: code flow, PKCE S256, state, nonce.
        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        Nonce nonce = new Nonce();
        AuthenticationRequest request = new AuthenticationRequest.Builder(ResponseType.CODE,
                new Scope("openid", "profile", "email", "offline_access"), clientId, redirect)
                .endpointURI(provider.getAuthorizationEndpointURI()).state(state).nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256).build();

        // 2. The person: no session yet, so the hosted sign-in page, then back to the same request.
        Browser browser = server.browser();
        Http.Response toSignIn = browser.get(request.toURI().toString());
        assertThat(toSignIn.status()).isEqualTo(302);
        String fromUri = OAuthFlow.parameters(toSignIn.header("Location")).get("fromURI");
        Http.Response signedIn = browser.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, fromUri);
        assertThat(signedIn.status()).isEqualTo(303);
        Http.Response back = browser.get(signedIn.header("Location"));
        assertThat(back.status()).isEqualTo(302);

        // 3. The authorization response, parsed by Nimbus: state and RFC 9207 iss checked.
        AuthorizationResponse response = AuthorizationResponse.parse(URI.create(back.header("Location")));
        assertThat(response.indicatesSuccess()).as(back.header("Location")).isTrue();
        AuthorizationSuccessResponse success = response.toSuccessResponse();
        assertThat(success.getState()).isEqualTo(state);
        assertThat(success.getIssuer()).isEqualTo(issuer);
        AuthorizationCode code = success.getAuthorizationCode();

        // 4. The token request, by Nimbus: a public client (client_id in the body), the code and the verifier.
        TokenRequest tokenRequest = new TokenRequest(provider.getTokenEndpointURI(), clientId, new AuthorizationCodeGrant(code, redirect, verifier));
        HTTPResponse tokenHttp = tokenRequest.toHTTPRequest().send();
        assertThat(tokenHttp.getHeaderValue("Cache-Control")).isEqualTo("no-store");
        TokenResponse tokenResponse = OIDCTokenResponseParser.parse(tokenHttp);
        assertThat(tokenResponse.indicatesSuccess()).as(tokenHttp.getBody()).isTrue();
        OIDCTokens tokens = ((OIDCTokenResponse) tokenResponse.toSuccessResponse()).getOIDCTokens();
        assertThat(tokens.getRefreshToken()).isNotNull();
        assertThat(tokens.getAccessToken().getScope()).isEqualTo(new Scope("openid", "profile", "email", "offline_access"));

        // 5. The ID token: signature from jwks_uri, iss, aud = client id, nonce, exp/iat; and at_hash binds the access token.
        IDTokenValidator idValidator = new IDTokenValidator(provider.getIssuer(), clientId, JWSAlgorithm.RS256, provider.getJWKSetURI().toURL());
        IDTokenClaimsSet idClaims = idValidator.validate(tokens.getIDToken(), nonce);
        assertThat(idClaims.getSubject().getValue()).startsWith("00u");
        AccessTokenValidator.validate(tokens.getAccessToken(), JWSAlgorithm.RS256, idClaims.getAccessTokenHash());
        assertThatThrownBy(() -> idValidator.validate(tokens.getIDToken(), new Nonce()))
                .as("another nonce is refused").isInstanceOf(BadJOSEException.class);

        // 6. The access token: an RS256 JWT verifiable with the same JWKS, for api://default.
        JWTClaimsSet access = accessTokenProcessor().process(tokens.getAccessToken().getValue(), null);
        assertThat(access.getStringClaim("cid")).isEqualTo(spa.clientId());
        assertThat(access.getStringClaim("uid")).isEqualTo(idClaims.getSubject().getValue());
        assertThat(access.getSubject()).isEqualTo(TestServer.ADMIN);

        // 7. userinfo with the bearer token: same subject as the ID token (what okta-auth-js insists on).
        UserInfoResponse userInfoResponse = UserInfoResponse.parse(new UserInfoRequest(provider.getUserInfoEndpointURI(),
                (BearerAccessToken) tokens.getAccessToken()).toHTTPRequest().send());
        assertThat(userInfoResponse.indicatesSuccess()).isTrue();
        UserInfo userInfo = userInfoResponse.toSuccessResponse().getUserInfo();
        assertThat(userInfo.getSubject()).isEqualTo(idClaims.getSubject());
        assertThat(userInfo.getEmailAddress()).isEqualTo(TestServer.ADMIN);

        // 8. Sign-out as okta-auth-js does it: revoke the access token (then the refresh token), introspection shows them inactive.
        assertThat(introspect(spa, tokens.getAccessToken()).isActive()).isTrue();
        revoke(clientId, tokens.getAccessToken());
        assertThat(introspect(spa, tokens.getAccessToken()).isActive()).as("revoked access token").isFalse();
        assertThat(introspect(spa, tokens.getRefreshToken()).isActive()).as("revoking the access token leaves the refresh token").isTrue();
        revoke(clientId, tokens.getRefreshToken());
        assertThat(introspect(spa, tokens.getRefreshToken()).isActive()).as("revoked refresh token").isFalse();
        UserInfoResponse afterRevoke = UserInfoResponse.parse(new UserInfoRequest(provider.getUserInfoEndpointURI(),
                (BearerAccessToken) tokens.getAccessToken()).toHTTPRequest().send());
        assertThat(afterRevoke.indicatesSuccess()).as("userinfo refuses a revoked token").isFalse();
        TokenResponse refreshAfterRevoke = TokenResponse.parse(new TokenRequest(provider.getTokenEndpointURI(), clientId,
                new RefreshTokenGrant(tokens.getRefreshToken())).toHTTPRequest().send());
        assertThat(refreshAfterRevoke.indicatesSuccess()).isFalse();
        assertThat(((TokenErrorResponse) refreshAfterRevoke).getErrorObject().getCode()).isEqualTo("invalid_grant");

        // 9. RP-initiated logout with the ID token as hint: back to the registered post-logout URI with the state.
        State logoutState = new State();
        URI logout = new LogoutRequest(provider.getEndSessionEndpointURI(), tokens.getIDToken(), URI.create("http://localhost:8080"), logoutState).toURI();
        Http.Response loggedOut = browser.get(logout.toString());
        assertThat(loggedOut.status()).as(loggedOut.body()).isEqualTo(302);
        assertThat(loggedOut.header("Location")).isEqualTo("http://localhost:8080?state=" + logoutState.getValue());

        // 10. The session is gone: a silent request now needs a login.
        AuthenticationRequest silent = new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid"), clientId, redirect)
                .endpointURI(provider.getAuthorizationEndpointURI()).state(new State()).nonce(new Nonce())
                .codeChallenge(new CodeVerifier(), CodeChallengeMethod.S256).prompt(Prompt.parse("none")).build();
        AuthorizationResponse none = AuthorizationResponse.parse(URI.create(browser.get(silent.toURI().toString()).header("Location")));
        assertThat(none.indicatesSuccess()).isFalse();
        assertThat(none.toErrorResponse().getErrorObject().getCode()).isEqualTo("login_required");
    }

    /** The token endpoint refuses Nimbus's requests with errors Nimbus parses: a replayed code and a wrong verifier. */
    @Test
    void nimbusParsesOktasTokenErrors() throws Exception {
        Client spa = flow.spaClient();
        ClientID clientId = new ClientID(spa.clientId());
        Browser browser = flow.signedIn();
        OAuthFlow.Code code = flow.code(browser, spa);
        AuthorizationCodeGrant wrongVerifier = new AuthorizationCodeGrant(new AuthorizationCode(code.code()), URI.create(spa.redirectUri()),
                new CodeVerifier());
        ErrorObject pkce = error(new TokenRequest(provider.getTokenEndpointURI(), clientId, wrongVerifier));
        assertThat(pkce.getCode()).isEqualTo("invalid_grant");
        assertThat(pkce.getDescription()).isEqualTo("PKCE verification failed.");
        assertThat(pkce.getHTTPStatusCode()).isEqualTo(400);

        ErrorObject noClient = error(new TokenRequest(provider.getTokenEndpointURI(), new ClientID("0oaNoSuchClient000001"), wrongVerifier));
        assertThat(noClient.getCode()).isEqualTo("invalid_client");
        assertThat(noClient.getHTTPStatusCode()).isEqualTo(401);
    }

    /** A confidential web app with client_secret_basic as Nimbus encodes it, and a service app's client-credentials token. */
    @Test
    void confidentialClientsAuthenticateTheNimbusWay() throws Exception {
        Client web = flow.webClient();
        Browser browser = flow.signedIn();
        OAuthFlow.Code code = flow.code(browser, web);
        ClientSecretBasic webAuth = new ClientSecretBasic(new ClientID(web.clientId()), new Secret(web.secret()));
        TokenResponse webTokens = OIDCTokenResponseParser.parse(new TokenRequest(provider.getTokenEndpointURI(), webAuth,
                new AuthorizationCodeGrant(new AuthorizationCode(code.code()), URI.create(web.redirectUri()))).toHTTPRequest().send());
        assertThat(webTokens.indicatesSuccess()).isTrue();

        Client service = flow.serviceClient();
        String scope = flow.customScope("default", "nimbus.read." + System.nanoTime());
        ClientSecretBasic serviceAuth = new ClientSecretBasic(new ClientID(service.clientId()), new Secret(service.secret()));
        TokenResponse cc = TokenResponse.parse(new TokenRequest(provider.getTokenEndpointURI(), serviceAuth, new ClientCredentialsGrant(),
                new Scope(scope)).toHTTPRequest().send());
        assertThat(cc.indicatesSuccess()).isTrue();
        AccessToken token = cc.toSuccessResponse().getTokens().getAccessToken();
        assertThat(cc.toSuccessResponse().getTokens().getRefreshToken()).isNull();
        JWTClaimsSet claims = accessTokenProcessor().process(token.getValue(), null);
        assertThat(claims.getSubject()).isEqualTo(service.clientId());
        assertThat(claims.getClaim("uid")).isNull();
        assertThat(claims.getStringListClaim("scp")).containsExactly(scope);
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** Verifies access tokens as a resource server would: RS256 with the JWKS, iss, aud, and Okta's reserved claims present. */
    private static DefaultJWTProcessor<SecurityContext> accessTokenProcessor() throws Exception {
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(provider.getJWKSetURI().toURL()).retrying(false).build();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>("api://default",
                new JWTClaimsSet.Builder().issuer(issuer.getValue()).claim("ver", 1L).build(),
                Set.of("sub", "iat", "exp", "jti", "cid", "scp")));
        return processor;
    }

    private static void revoke(ClientID clientId, Token token) throws Exception {
        HTTPResponse r = new TokenRevocationRequest(provider.getRevocationEndpointURI(), clientId, token).toHTTPRequest().send();
        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(200);
    }

    /** Introspection for a public client: Nimbus has no "none" client authentication, so client_id goes in as a body parameter. */
    private static TokenIntrospectionSuccessResponse introspect(Client client, Token token) throws Exception {
        TokenIntrospectionRequest request = new TokenIntrospectionRequest(provider.getIntrospectionEndpointURI(), token,
                Map.of("client_id", List.of(client.clientId())));
        TokenIntrospectionResponse response = TokenIntrospectionResponse.parse(request.toHTTPRequest().send());
        assertThat(response.indicatesSuccess()).isTrue();
        return response.toSuccessResponse();
    }

    private static ErrorObject error(TokenRequest request) throws Exception {
        TokenResponse r = TokenResponse.parse(request.toHTTPRequest().send());
        assertThat(r.indicatesSuccess()).isFalse();
        return r.toErrorResponse().getErrorObject();
    }
}
