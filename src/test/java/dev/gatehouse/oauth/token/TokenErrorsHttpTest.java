package dev.gatehouse.oauth.token;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.OAuthFlow.Client;
import dev.gatehouse.support.OAuthFlow.Code;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.gatehouse.support.OAuthFlow.DEFAULT;
import static dev.gatehouse.support.OAuthFlow.ORG;
import static dev.gatehouse.support.OAuthFlow.basic;
import static dev.gatehouse.support.OAuthFlow.claims;
import static dev.gatehouse.support.OAuthFlow.exchange;
import static dev.gatehouse.support.OAuthFlow.fields;
import static dev.gatehouse.support.OAuthFlow.params;
import static dev.gatehouse.support.OAuthFlow.randomVerifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code /v1/token} refusal by refusal, with the exact status, {@code error} and {@code error_description} of
 * TokenEndpoint, ClientAuthentication and each grant; every answer carries {@code Cache-Control: no-store} and
 * {@code Pragma: no-cache}, and a refused request issues nothing. Then what each grant issues when it succeeds.
 * On H2 and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class TokenErrorsHttpTest {

    static final String FAILED = "Client authentication failed. Either the client or the client credentials are invalid.";
    static final String INVALID_CODE = "The authorization code is invalid or has expired.";
    static final String INVALID_REFRESH = "The refresh token is invalid or expired.";
    static final String PKCE_FAILED = "PKCE verification failed.";
    static final String MULTIPLE = "Can't supply multiple client credentials. Use one of the following: credentials in the Authorization header, "
            + "credentials in the post body, or a client_assertion in the post body.";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static OAuthFlow flow;
    static String issuer;
    static Client spa;
    static Client otherSpa;
    static Client web;
    static Client webPost;
    static Client service;
    static Client inactive;
    static String customScope;
    static Browser signedIn;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        flow = new OAuthFlow(server);
        issuer = server.url() + "/oauth2/default";
        spa = flow.spaClient();
        otherSpa = flow.spaClient();
        web = flow.webClient();
        webPost = flow.webClient(a -> a.withObjectProperty("credentials").withObjectProperty("oauthClient")
                .put("token_endpoint_auth_method", "client_secret_post"));
        service = flow.serviceClient();
        inactive = flow.serviceClient();
        assertThat(server.http().send("POST", "/api/v1/apps/" + inactive.appId() + "/lifecycle/deactivate", null,
                Http.ssws(TestServer.API_TOKEN)).status()).isEqualTo(200);
        customScope = flow.customScope("default", "orders:read");
        signedIn = flow.signedIn();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    // ---- the request itself ---------------------------------------------------------------------------

    @Test
    void bodyThatIsNotFormEncodedIsInvalidRequest() {
        String rows = flow.issuedRows();
        for (String type : new String[]{"application/json", "text/plain", "multipart/form-data; boundary=x"}) {
            Http.Response r = server.http().send("POST", DEFAULT + "/token", "{\"grant_type\":\"client_credentials\"}", "Content-Type", type,
                    "Authorization", basic(service.clientId(), service.secret()));
            assertTokenError(r, 400, "invalid_request", "The request must be form-encoded (Content-Type: application/x-www-form-urlencoded).");
        }
        Http.Response none = server.http().send("POST", DEFAULT + "/token", null, "Authorization", basic(service.clientId(), service.secret()));
        assertTokenError(none, 400, "invalid_request", "The request must be form-encoded (Content-Type: application/x-www-form-urlencoded).");
        assertThat(flow.issuedRows()).isEqualTo(rows);
    }

    @ParameterizedTest
    @ValueSource(strings = {"grant_type=client_credentials&scope=%zz", "grant_type=client_credentials&scope=%", "grant_type=%E0%A4%A"})
    void malformedFormIsARefusalNotAServerError(String body) {
        String rows = flow.issuedRows();
        Http.Response r = server.http().send("POST", DEFAULT + "/token", body, "Content-Type", "application/x-www-form-urlencoded",
                "Authorization", basic(service.clientId(), service.secret()));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(flow.issuedRows()).isEqualTo(rows);
    }

    @Test
    void formWithACharsetIsStillAForm() {
        Http.Response r = server.http().send("POST", DEFAULT + "/token", "grant_type=client_credentials&scope=" + customScope,
                "Content-Type", "application/x-www-form-urlencoded; charset=UTF-8", "Authorization", basic(service.clientId(), service.secret()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    void missingGrantTypeIsInvalidRequest() {
        assertRefused(() -> flow.token(DEFAULT, fields("scope", customScope), "Authorization", basic(service.clientId(), service.secret())),
                400, "invalid_request", "The 'grant_type' parameter is required.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"password", "implicit", "AUTHORIZATION_CODE", "urn:ietf:params:oauth:grant-type:device_code",
            "urn:ietf:params:oauth:grant-type:token-exchange", "interaction_code"})
    void grantTypeGatehouseDoesNotSpeakIsUnsupportedGrantType(String grantType) {
        assertRefused(() -> flow.token(DEFAULT, fields("grant_type", grantType, "scope", customScope), "Authorization",
                basic(service.clientId(), service.secret())), 400, "unsupported_grant_type", "The grant type in the request isn't supported.");
    }

    @Test
    void unknownAuthorizationServerIs404() {
        for (String base : new String[]{"/oauth2/ausNoSuchServer00001/v1", "/oauth2/nosuch/v1"}) {
            assertRefused(() -> flow.token(base, fields("grant_type", "client_credentials", "scope", customScope), "Authorization",
                    basic(service.clientId(), service.secret())), 404, "invalid_request", "The authorization server does not exist or is inactive.");
        }
    }

    // ---- client authentication -----------------------------------------------------------------------

    /** name, form (pairs), Authorization header or null, status, error, description. */
    static Stream<Arguments> clientAuthentication() {
        String grant = "grant_type";
        String cc = "client_credentials";
        return Stream.of(
                arguments("no credentials at all", new String[]{grant, cc}, null, 401, "invalid_client", "No client credentials found."),
                arguments("blank client_id", new String[]{grant, cc, "client_id", " "}, null, 401, "invalid_client", "No client credentials found."),
                arguments("Authorization header that is not base64", new String[]{grant, cc}, "Basic %%%not-base64", 401, "invalid_client",
                        "No client credentials found."),
                arguments("Bearer instead of Basic", new String[]{grant, cc}, "Bearer abc", 401, "invalid_client", "No client credentials found."),
                arguments("unknown client in the body", new String[]{grant, cc, "client_id", "0oaNoSuchClient000001"}, null, 401, "invalid_client", FAILED),
                arguments("unknown client in Basic", new String[]{grant, cc}, basic("0oaNoSuchClient000001", "secret"), 401, "invalid_client", FAILED),
                arguments("inactive client", new String[]{grant, cc}, "INACTIVE", 401, "invalid_client", FAILED),
                arguments("public client sending a secret in the body", new String[]{grant, "authorization_code", "code", "x", "client_id", "SPA",
                        "client_secret", "s3cret"}, null, 401, "invalid_client",
                        FAILED + " A public client (token_endpoint_auth_method 'none') must not send a client secret."),
                arguments("public client sending a secret in Basic", new String[]{grant, "authorization_code", "code", "x"}, "SPA:s3cret", 401,
                        "invalid_client", FAILED + " A public client (token_endpoint_auth_method 'none') must not send a client secret."),
                arguments("secrets in the header and the body", new String[]{grant, cc, "client_secret", "SERVICE_SECRET"}, "SERVICE", 400,
                        "invalid_request", MULTIPLE),
                arguments("client_assertion and a secret", new String[]{grant, cc, "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", "x.y.z"}, "SERVICE", 400, "invalid_request", MULTIPLE),
                arguments("client_assertion (not supported)", new String[]{grant, cc, "client_id", "SERVICE_ID", "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", "x.y.z"}, null, 401, "invalid_client", FAILED),
                arguments("client_id in the body differs from Basic", new String[]{grant, cc, "client_id", "OTHER_ID"}, "SERVICE", 401,
                        "invalid_client", FAILED),
                arguments("confidential client without its secret", new String[]{grant, cc, "client_id", "SERVICE_ID"}, null, 401, "invalid_client", FAILED),
                arguments("confidential client with Basic id only", new String[]{grant, cc}, "SERVICE_ID_ONLY", 401, "invalid_client", FAILED),
                arguments("wrong secret in Basic", new String[]{grant, cc}, "SERVICE_WRONG", 401, "invalid_client", FAILED),
                arguments("client_secret_basic client posting its secret", new String[]{grant, cc, "client_id", "SERVICE_ID", "client_secret",
                        "SERVICE_SECRET"}, null, 401, "invalid_client", FAILED),
                arguments("client_secret_post client using Basic", new String[]{grant, "authorization_code", "code", "x"}, "WEBPOST", 401,
                        "invalid_client", FAILED),
                arguments("client_secret_post client with a wrong secret", new String[]{grant, "authorization_code", "code", "x", "client_id",
                        "WEBPOST_ID", "client_secret", "wrong"}, null, 401, "invalid_client", FAILED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientAuthentication")
    void clientThatCannotBeAuthenticatedGetsOktasAnswer(String name, String[] pairs, String authorization, int status, String error,
                                                       String description) {
        List<String> fields = new ArrayList<>();
        for (String p : pairs) {
            fields.add(switch (p) {
                case "SPA" -> spa.clientId();
                case "SERVICE_ID" -> service.clientId();
                case "SERVICE_SECRET" -> service.secret();
                case "OTHER_ID" -> web.clientId();
                case "WEBPOST_ID" -> webPost.clientId();
                default -> p;
            });
        }
        String header = authorization == null ? null : switch (authorization) {
            case "INACTIVE" -> basic(inactive.clientId(), inactive.secret());
            case "SPA:s3cret" -> basic(spa.clientId(), "s3cret");
            case "SERVICE" -> basic(service.clientId(), service.secret());
            case "SERVICE_ID_ONLY" -> basic(service.clientId(), null);
            case "SERVICE_WRONG" -> basic(service.clientId(), service.secret() + "x");
            case "WEBPOST" -> basic(webPost.clientId(), webPost.secret());
            default -> authorization;
        };
        Map<String, String> body = fields(fields.toArray(String[]::new));
        assertRefused(() -> header == null ? flow.token(DEFAULT, body) : flow.token(DEFAULT, body, "Authorization", header),
                status, error, description);
    }

    @Test
    void clientSecretBasicAndPostAreAcceptedWhereConfigured() {
        Code code = flow.code(signedIn, web);
        Http.Response basicAuth = flow.token(DEFAULT, fields("grant_type", "authorization_code", "redirect_uri", web.redirectUri(), "code", code.code()),
                "Authorization", basic(web.clientId(), web.secret()));
        assertThat(basicAuth.status()).as(basicAuth.body()).isEqualTo(200);

        Code other = flow.code(signedIn, webPost);
        Http.Response post = flow.token(DEFAULT, fields("grant_type", "authorization_code", "redirect_uri", webPost.redirectUri(), "code", other.code(),
                "client_id", webPost.clientId(), "client_secret", webPost.secret()));
        assertThat(post.status()).as(post.body()).isEqualTo(200);
    }

    /** okta-auth-js sends {@code Authorization: Basic base64(client_id)} (no colon, no secret) for public clients. */
    @Test
    void publicClientMayNameItselfInBasicWithoutASecret() {
        Code code = flow.code(signedIn, spa);
        Map<String, String> body = exchange(spa, code);
        body.remove("client_id");
        String bare = "Basic " + Base64.getEncoder().encodeToString(spa.clientId().getBytes());
        Http.Response r = flow.token(DEFAULT, body, "Authorization", bare);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("access_token").asText()).isNotBlank();
    }

    // ---- authorization_code --------------------------------------------------------------------------

    @Test
    void codeExchangeIssuesOktasTokenResponse() {
        long grants = flow.events("app.oauth2.as.token.grant");
        Map<String, String> p = params(spa, randomVerifier());
        Code code = flow.code(signedIn, DEFAULT, p);
        Http.Response r = flow.token(DEFAULT, exchange(spa, code), "Accept", "application/json");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertNoStore(r);
        JsonNode t = r.json();
        List<String> members = new ArrayList<>();
        t.fieldNames().forEachRemaining(members::add);
        assertThat(members).containsExactly("token_type", "expires_in", "access_token", "scope", "refresh_token", "id_token");
        assertThat(t.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(t.get("expires_in").asInt()).isEqualTo(3600);
        assertThat(t.get("scope").asText()).isEqualTo("openid profile email offline_access");
        JsonNode at = claims(t.get("access_token").asText());
        assertThat(at.get("iss").asText()).isEqualTo(issuer);
        assertThat(at.get("aud").asText()).isEqualTo("api://default");
        assertThat(at.get("cid").asText()).isEqualTo(spa.clientId());
        assertThat(at.get("sub").asText()).isEqualTo(TestServer.ADMIN);
        JsonNode id = claims(t.get("id_token").asText());
        assertThat(id.get("aud").asText()).isEqualTo(spa.clientId());
        assertThat(id.get("nonce").asText()).isEqualTo(p.get("nonce"));
        assertThat(id.get("sub").asText()).isEqualTo(at.get("uid").asText());
        assertThat(flow.count("SELECT COUNT(*) FROM access_tokens WHERE jti = '" + at.get("jti").asText() + "' AND revoked_at IS NULL")).isEqualTo(1);
        assertThat(flow.count("SELECT COUNT(*) FROM refresh_tokens WHERE token_hash = '" + t.get("refresh_token").asText() + "'"))
                .as("refresh tokens are stored only as hashes").isZero();
        assertThat(flow.events("app.oauth2.as.token.grant")).isEqualTo(grants + 1);
    }

    @Test
    void orgServerExchangesItsOwnCodesWithItsOwnIssuer() {
        Map<String, String> p = params(spa, randomVerifier());
        Code code = flow.code(signedIn, ORG, p);
        assertThat(code.response()).containsEntry("iss", server.url());
        Http.Response r = flow.token(ORG, exchange(spa, code));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(claims(r.json().get("id_token").asText()).get("iss").asText()).isEqualTo(server.url());
        assertThat(flow.events("app.oauth2.token.grant")).isPositive();
    }

    @Test
    void missingCodeIsInvalidRequest() {
        Map<String, String> body = fields("grant_type", "authorization_code", "client_id", spa.clientId(), "redirect_uri", spa.redirectUri(),
                "code_verifier", randomVerifier());
        assertRefused(() -> flow.token(DEFAULT, body), 400, "invalid_request", "The 'code' parameter is required.");
    }

    @Test
    void unknownCodeIsInvalidGrant() {
        Code fake = new Code("A".repeat(43), randomVerifier(), Map.of());
        assertRefused(() -> flow.token(DEFAULT, exchange(spa, fake)), 400, "invalid_grant", INVALID_CODE);
    }

    @Test
    void codeOfAnotherAuthorizationServerIsUnknownHere() {
        Code code = flow.code(signedIn, spa);
        assertRefused(() -> flow.token(ORG, exchange(spa, code)), 400, "invalid_grant", INVALID_CODE);
        assertThat(flow.token(DEFAULT, exchange(spa, code)).status()).as("still good where it was issued").isEqualTo(200);
    }

    @Test
    void codeLivesThreeHundredSeconds() {
        Code early = flow.code(signedIn, spa);
        Code late = flow.code(signedIn, spa);
        server.clock.advance(Duration.ofSeconds(299));
        assertThat(flow.token(DEFAULT, exchange(spa, early)).status()).isEqualTo(200);
        server.clock.advance(Duration.ofSeconds(2));
        assertRefused(() -> flow.token(DEFAULT, exchange(spa, late)), 400, "invalid_grant", INVALID_CODE);
    }

    /** OIDF conformance modules OIDCCAuthCodeReuse and OIDCCAuthCodeReuseAfter30Seconds. */
    @ParameterizedTest(name = "replayed after {0} s")
    @ValueSource(ints = {0, 30})
    void replayedCodeIsRefusedAndRevokesWhatTheFirstExchangeIssued(int after) {
        Code code = flow.code(signedIn, spa);
        JsonNode first = flow.token(DEFAULT, exchange(spa, code)).json();
        String jti = claims(first.get("access_token").asText()).get("jti").asText();
        assertThat(refresh(spa, first.get("refresh_token").asText(), null).status()).as("the refresh token works before the replay").isEqualTo(200);
        assertThat(introspect(first.get("access_token").asText()).get("active").asBoolean()).isTrue();
        server.clock.advance(Duration.ofSeconds(after));
        long reuses = flow.events("app.oauth2.as.token.grant");

        assertRefused(() -> flow.token(DEFAULT, exchange(spa, code)), 400, "invalid_grant", INVALID_CODE);

        assertThat(flow.count("SELECT COUNT(*) FROM access_tokens WHERE jti = '" + jti + "' AND revoked_at IS NOT NULL"))
                .as("the first exchange's access token is revoked").isEqualTo(1);
        assertThat(flow.count("SELECT COUNT(*) FROM access_tokens a JOIN token_families f ON f.id = a.family_id WHERE f.id = "
                + "(SELECT family_id FROM access_tokens WHERE jti = '" + jti + "') AND a.revoked_at IS NULL"))
                .as("and every access token minted from its refresh token").isZero();
        assertThat(introspect(first.get("access_token").asText()).get("active").asBoolean()).as("introspection agrees").isFalse();
        assertRefused(() -> refresh(spa, first.get("refresh_token").asText(), null), 400, "invalid_grant", INVALID_REFRESH);
        assertThat(flow.events("app.oauth2.as.token.grant")).as("replay and refusals are logged").isGreaterThan(reuses);
    }

    /** Rule 5 of the architecture: the code is consumed by one conditional UPDATE, so of racing exchanges exactly one wins. */
    @Test
    void racingExchangesOfOneCodeYieldOneWinnerWhoseTokensAreThenRevoked() throws Exception {
        Code code = flow.code(signedIn, spa);
        int racers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Http.Response>> answers = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return flow.token(DEFAULT, exchange(spa, code));
                }));
            }
            go.countDown();
            List<Http.Response> won = new ArrayList<>();
            for (Future<Http.Response> f : answers) {
                Http.Response r = f.get(30, TimeUnit.SECONDS);
                if (r.status() == 200) {
                    won.add(r);
                } else {
                    assertTokenError(r, 400, "invalid_grant", INVALID_CODE);
                }
            }
            assertThat(won).as("exactly one exchange wins").hasSize(1);
            String jti = claims(won.get(0).json().get("access_token").asText()).get("jti").asText();
            assertThat(flow.count("SELECT COUNT(*) FROM access_tokens WHERE jti = '" + jti + "' AND revoked_at IS NOT NULL"))
                    .as("the losers' replay revoked the winner's tokens").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void codeIssuedToAnotherClientIsRefusedAndStaysUsableByItsOwner() {
        Code code = flow.code(signedIn, spa);
        Map<String, String> body = exchange(otherSpa, code);
        body.put("redirect_uri", spa.redirectUri());
        assertRefused(() -> flow.token(DEFAULT, body), 400, "invalid_grant",
                "The grant was issued to another client. Ensure that the `client_id` matches the one used at the authorize request.");
        assertThat(flow.token(DEFAULT, exchange(spa, code)).status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "redirect_uri {0}")
    @ValueSource(strings = {"(none)", "http://localhost:8080/login/callback/", "http://localhost:8080/other"})
    void redirectUriDifferentFromTheAuthorizeRequestIsInvalidGrant(String redirectUri) {
        Code code = flow.code(signedIn, spa);
        Map<String, String> body = exchange(spa, code);
        body.put("redirect_uri", "(none)".equals(redirectUri) ? null : redirectUri);
        assertRefused(() -> flow.token(DEFAULT, body), 400, "invalid_grant",
                "The 'redirect_uri' does not match the redirection URI used in the authorization request.");
    }

    @ParameterizedTest(name = "verifier {0}")
    @ValueSource(strings = {"(none)", "(another)", "(the challenge itself)", "short", "(verifier with a space)"})
    void verifierThatDoesNotMatchTheChallengeFailsPkce(String which) {
        Code code = flow.code(signedIn, spa);
        Map<String, String> body = exchange(spa, code);
        body.put("code_verifier", switch (which) {
            case "(none)" -> null;
            case "(another)" -> randomVerifier();
            case "(the challenge itself)" -> OAuthFlow.challenge(code.verifier());
            case "(verifier with a space)" -> code.verifier().substring(1) + " ";
            default -> which;
        });
        assertRefused(() -> flow.token(DEFAULT, body), 400, "invalid_grant", PKCE_FAILED);
    }

    /** RFC 9700 §4.8.2: a verifier is accepted only when the authorization request carried a challenge. */
    @Test
    void verifierWithoutAChallengeIsAPkceDowngradeAndFails() {
        Code code = flow.code(signedIn, web);
        assertThat(code.verifier()).isNull();
        Map<String, String> body = fields("grant_type", "authorization_code", "redirect_uri", web.redirectUri(), "code", code.code(),
                "code_verifier", randomVerifier());
        assertRefused(() -> flow.token(DEFAULT, body, "Authorization", basic(web.clientId(), web.secret())), 400, "invalid_grant", PKCE_FAILED);
        body.remove("code_verifier");
        assertThat(flow.token(DEFAULT, body, "Authorization", basic(web.clientId(), web.secret())).status())
                .as("without the verifier the web app's code is fine").isEqualTo(200);
    }

    @Test
    void clientWithoutTheAuthorizationCodeGrantIsUnauthorizedClient() {
        Code code = flow.code(signedIn, spa);
        Map<String, String> body = fields("grant_type", "authorization_code", "redirect_uri", spa.redirectUri(), "code", code.code());
        assertRefused(() -> flow.token(DEFAULT, body, "Authorization", basic(service.clientId(), service.secret())), 400, "unauthorized_client",
                "The client is not authorized to use the provided grant type. Configured grant types: [client_credentials].");
    }

    // ---- refresh_token -------------------------------------------------------------------------------

    @Test
    void refreshIssuesNewTokensAndMayNarrowTheScopes() {
        JsonNode tokens = tokensFor(spa);
        Http.Response r = refresh(spa, tokens.get("refresh_token").asText(), "openid email");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertNoStore(r);
        assertThat(r.json().get("scope").asText()).isEqualTo("openid email");
        assertThat(claims(r.json().get("access_token").asText()).get("scp").toString()).isEqualTo("[\"openid\",\"email\"]");
        assertThat(r.json().has("id_token")).isTrue();
    }

    @Test
    void missingRefreshTokenIsInvalidRequest() {
        assertRefused(() -> flow.token(DEFAULT, fields("grant_type", "refresh_token", "client_id", spa.clientId())), 400, "invalid_request",
                "The 'refresh_token' parameter is required.");
    }

    @Test
    void unknownRefreshTokenIsInvalidGrant() {
        assertRefused(() -> refresh(spa, "x".repeat(44), null), 400, "invalid_grant", INVALID_REFRESH);
    }

    @Test
    void refreshTokenOfAnotherClientIsInvalidGrant() {
        JsonNode tokens = tokensFor(spa);
        assertRefused(() -> refresh(otherSpa, tokens.get("refresh_token").asText(), null), 400, "invalid_grant", INVALID_REFRESH);
        assertThat(refresh(spa, tokens.get("refresh_token").asText(), null).status()).as("its owner still may").isEqualTo(200);
    }

    @Test
    void refreshTokenOfAnotherAuthorizationServerIsInvalidGrant() {
        JsonNode tokens = tokensFor(spa);
        assertRefused(() -> flow.token(ORG, fields("grant_type", "refresh_token", "client_id", spa.clientId(), "refresh_token",
                tokens.get("refresh_token").asText())), 400, "invalid_grant", INVALID_REFRESH);
    }

    @Test
    void scopesBeyondTheRefreshTokensAreInvalidScope() {
        JsonNode tokens = tokensFor(spa);
        assertRefused(() -> refresh(spa, tokens.get("refresh_token").asText(), "openid phone"), 400, "invalid_scope",
                "The requested scopes are not a subset of the scopes of the refresh token.");
    }

    @Test
    void clientWithoutTheRefreshGrantIsUnauthorizedClient() {
        JsonNode tokens = tokensFor(spa);
        Map<String, String> body = fields("grant_type", "refresh_token", "refresh_token", tokens.get("refresh_token").asText());
        assertRefused(() -> flow.token(DEFAULT, body, "Authorization", basic(service.clientId(), service.secret())), 400, "unauthorized_client",
                "The client is not authorized to use the provided grant type. Configured grant types: [client_credentials].");
    }

    // ---- client_credentials --------------------------------------------------------------------------

    @Test
    void serviceAppGetsAnAccessTokenForACustomScopeAndNothingElse() {
        long grants = flow.events("app.oauth2.as.token.grant");
        long rows = flow.count("SELECT COUNT(*) FROM access_tokens");
        Http.Response r = flow.token(DEFAULT, fields("grant_type", "client_credentials", "scope", customScope),
                "Authorization", basic(service.clientId(), service.secret()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertNoStore(r);
        JsonNode t = r.json();
        assertThat(t.has("refresh_token")).isFalse();
        assertThat(t.has("id_token")).isFalse();
        assertThat(t.get("scope").asText()).isEqualTo(customScope);
        JsonNode at = claims(t.get("access_token").asText());
        assertThat(at.has("uid")).as("no user").isFalse();
        assertThat(at.get("sub").asText()).isEqualTo(service.clientId());
        assertThat(at.get("cid").asText()).isEqualTo(service.clientId());
        assertThat(at.get("scp").toString()).isEqualTo("[\"" + customScope + "\"]");
        assertThat(at.get("aud").asText()).isEqualTo("api://default");
        assertThat(at.get("iss").asText()).isEqualTo(issuer);
        // Issue #23: the grant writes no access_tokens row (its System Log event is its record); revoking it writes one.
        assertThat(flow.count("SELECT COUNT(*) FROM access_tokens")).as("no row for a client-credentials token").isEqualTo(rows);
        assertThat(flow.events("app.oauth2.as.token.grant")).isEqualTo(grants + 1);
    }

    @Test
    void clientCredentialsWithoutScopesIsInvalidScope() {
        for (String scope : new String[]{null, "", "  "}) {
            assertRefused(() -> flow.token(DEFAULT, fields("grant_type", "client_credentials", "scope", scope),
                    "Authorization", basic(service.clientId(), service.secret())), 400, "invalid_scope", "No scopes were requested.");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openid", "offline_access", "profile", "orders:write"})
    void clientCredentialsRefusesOidcAndUnknownScopes(String scope) {
        assertRefused(() -> flow.token(DEFAULT, fields("grant_type", "client_credentials", "scope", customScope + " " + scope),
                "Authorization", basic(service.clientId(), service.secret())), 400, "invalid_scope",
                "The following scopes are not allowed: [" + scope + "].");
    }

    @Test
    void orgServerRefusesClientCredentials() {
        assertRefused(() -> flow.token(ORG, fields("grant_type", "client_credentials", "scope", customScope),
                "Authorization", basic(service.clientId(), service.secret())), 400, "invalid_scope",
                "The following scopes are not allowed: [" + customScope + "]. Use a custom authorization server, such as default, for client credentials.");
    }

    @Test
    void spaUsingClientCredentialsIsUnauthorizedClient() {
        assertRefused(() -> flow.token(DEFAULT, fields("grant_type", "client_credentials", "client_id", spa.clientId(), "scope", customScope)),
                400, "unauthorized_client",
                "The client is not authorized to use the provided grant type. Configured grant types: [authorization_code, refresh_token].");
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private static JsonNode tokensFor(Client client) {
        Http.Response r = flow.token(DEFAULT, exchange(client, flow.code(signedIn, client)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** helper-6's /introspect, asked as the public client that holds the token. */
    private static JsonNode introspect(String token) {
        Http.Response r = server.http().send("POST", DEFAULT + "/introspect", OAuthFlow.encode(fields("token", token, "client_id", spa.clientId())),
                "Content-Type", "application/x-www-form-urlencoded");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static Http.Response refresh(Client client, String refreshToken, String scope) {
        return flow.token(DEFAULT, fields("grant_type", "refresh_token", "client_id", client.clientId(), "refresh_token", refreshToken, "scope", scope));
    }

    /** A refusal: Okta's body, the no-store headers, and nothing issued (no code, family, access or refresh token row added). */
    private static void assertRefused(Supplier<Http.Response> request, int status, String error, String description) {
        String rows = flow.issuedRows();
        assertTokenError(request.get(), status, error, description);
        assertThat(flow.issuedRows()).as("a refused token request issues nothing").isEqualTo(rows);
    }

    static void assertTokenError(Http.Response r, int status, String error, String description) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode body = r.json();
        List<String> members = new ArrayList<>();
        body.fieldNames().forEachRemaining(members::add);
        assertThat(members).containsExactly("error", "error_description");
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("error_description").asText()).isEqualTo(description);
        assertNoStore(r);
    }

    static void assertNoStore(Http.Response r) {
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.header("Pragma")).isEqualTo("no-cache");
    }
}
