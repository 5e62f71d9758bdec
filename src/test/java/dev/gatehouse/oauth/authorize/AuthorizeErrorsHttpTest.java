package dev.gatehouse.oauth.authorize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.gatehouse.support.OAuthFlow.DEFAULT;
import static dev.gatehouse.support.OAuthFlow.ORG;
import static dev.gatehouse.support.OAuthFlow.REDIRECT_URI;
import static dev.gatehouse.support.OAuthFlow.authorizeUrl;
import static dev.gatehouse.support.OAuthFlow.params;
import static dev.gatehouse.support.OAuthFlow.parameters;
import static dev.gatehouse.support.OAuthFlow.randomVerifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code /v1/authorize} refusal by refusal, in {@link Authorization}'s order and with Okta's texts: a client or
 * redirect URI that cannot be trusted gets an HTML error page and never a redirect; everything after that goes back
 * to the registered redirect URI with {@code error}, {@code error_description}, {@code state} (when valid) and
 * {@code iss}. A refused request writes no authorization code. Then the answers that succeed, in each response mode.
 * On H2 and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class AuthorizeErrorsHttpTest {

    private static final String PKCE_REQUIRED = "PKCE code challenge is required when the token endpoint authentication method is 'NONE'.";
    private static final String BAD_STATE = "The authentication request has an invalid 'state' parameter.";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static OAuthFlow flow;
    static String issuer;
    /** Public SPA, assigned to everyone. */
    static Client spa;
    /** Web app with pkce_required, assigned to everyone. */
    static Client webWithPkce;
    /** Web app without PKCE requirement. */
    static Client web;
    /** SPA assigned to nobody. */
    static Client unassigned;
    /** SPA with only the implicit grant (no authorization_code). */
    static Client implicitOnly;
    /** SPA without the refresh_token grant. */
    static Client noRefresh;
    static Browser signedIn;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        flow = new OAuthFlow(server);
        issuer = server.url() + "/oauth2/default";
        spa = flow.spaClient();
        web = flow.webClient();
        webWithPkce = flow.webClient(a -> a.withObjectProperty("credentials").withObjectProperty("oauthClient").put("pkce_required", true));
        unassigned = flow.spaClient(a -> a.withObjectProperty("settings").put("implicitAssignment", false));
        implicitOnly = flow.spaClient(a -> OAuthFlow.oauthClient(a).putPOJO("grant_types", List.of("implicit"))
                .putPOJO("response_types", List.of("token", "id_token")));
        noRefresh = flow.spaClient(a -> OAuthFlow.oauthClient(a).putPOJO("grant_types", List.of("authorization_code")));
        signedIn = flow.signedIn();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    // ---- no redirect: the client or the redirect URI cannot be trusted --------------------------------

    @ParameterizedTest(name = "client_id {0}")
    @ValueSource(strings = {"(none)", "0oaNoSuchClient000001", "(inactive)", "(empty)"})
    void unknownClientGetsAnErrorPageAndIsNeverRedirected(String which) {
        Map<String, String> p = params(spa, randomVerifier());
        switch (which) {
            case "(none)" -> p.remove("client_id");
            case "(empty)" -> p.put("client_id", "");
            case "(inactive)" -> {
                Client inactive = flow.spaClient();
                assertThat(server.http().send("POST", "/api/v1/apps/" + inactive.appId() + "/lifecycle/deactivate", null,
                        Http.ssws(TestServer.API_TOKEN)).status()).isEqualTo(200);
                p.put("client_id", inactive.clientId());
            }
            default -> p.put("client_id", which);
        }
        assertErrorPage(p, "invalid_client", "The specified client ID is invalid.");
    }

    @ParameterizedTest(name = "redirect_uri {0}")
    @ValueSource(strings = {"(none)", "https://evil.example/login/callback", REDIRECT_URI + "/", REDIRECT_URI + "?next=1",
            REDIRECT_URI + "#x", "http://localhost:8080/login/Callback", "HTTP://localhost:8080/login/callback",
            "http://localhost:8081/login/callback", "http://127.0.0.1:8080/login/callback", "http://localhost:8080/login/callback/../callback",
            "//localhost:8080/login/callback", "/login/callback"})
    void redirectUriIsComparedByExactStringAndAMismatchIsNeverFollowed(String redirectUri) {
        Map<String, String> p = params(spa, randomVerifier());
        p.put("redirect_uri", "(none)".equals(redirectUri) ? null : redirectUri);
        assertErrorPage(p, "invalid_request", "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings: "
                + server.url() + "/admin/apps/" + spa.appId());
    }

    @Test
    void redirectUriOfAnotherAppIsNotThisAppsRedirectUri() {
        Map<String, String> p = params(spa, randomVerifier());
        p.put("redirect_uri", OAuthFlow.WEB_REDIRECT);
        assertErrorPage(p, "invalid_request", "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings: "
                + server.url() + "/admin/apps/" + spa.appId());
    }

    /** The error page outranks every other problem: a bad redirect URI with a bad everything else still gets no redirect. */
    @Test
    void untrustedRedirectUriWinsOverEveryOtherError() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("client_id", spa.clientId());
        p.put("redirect_uri", "https://evil.example/cb");
        p.put("response_type", "token");
        p.put("response_mode", "bogus");
        assertErrorPage(p, "invalid_request", "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings: "
                + server.url() + "/admin/apps/" + spa.appId());
    }

    private void assertErrorPage(Map<String, String> p, String error, String description) {
        String before = flow.issuedRows();
        for (Browser b : new Browser[]{server.browser(), signedIn}) {
            Http.Response r = b.get(authorizeUrl(DEFAULT, p));
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.header("Location")).as("never a redirect").isNull();
            assertThat(r.header("Content-Type")).startsWith("text/html");
            assertThat(r.header("Access-Control-Allow-Origin")).isNull();
            assertThat(unescape(r.body())).contains("Error code " + error + ": " + description)
                    .doesNotContain("http-equiv=\"refresh\"").doesNotContain("window.location");
        }
        assertThat(flow.issuedRows()).as("a refused request writes nothing").isEqualTo(before);
    }

    // ---- redirected errors -----------------------------------------------------------------------------

    /** name, client ("spa", "web", "webWithPkce", "implicitOnly"), parameter changes (name, value; "-" removes), error, description, state echoed. */
    static Stream<Arguments> redirectedErrors() {
        String longScope = "openid " + "x".repeat(1100);
        return Stream.of(
                arguments("state missing", "spa", new String[]{"state", "-"}, "invalid_request", BAD_STATE, false),
                arguments("state empty", "spa", new String[]{"state", ""}, "invalid_request", BAD_STATE, false),
                arguments("state with a space", "spa", new String[]{"state", "a b"}, "invalid_request", BAD_STATE, false),
                arguments("state with markup", "spa", new String[]{"state", "<script>"}, "invalid_request", BAD_STATE, false),
                arguments("state too long", "spa", new String[]{"state", "s".repeat(1025)}, "invalid_request", BAD_STATE, false),
                arguments("response_type missing", "spa", new String[]{"response_type", "-"}, "invalid_request",
                        "The 'response_type' parameter is missing.", true),
                arguments("response_type token", "spa", new String[]{"response_type", "token"}, "unsupported_response_type",
                        "The response type is not supported by the authorization server. Configured response types: [code].", true),
                arguments("response_type id_token", "spa", new String[]{"response_type", "id_token"}, "unsupported_response_type",
                        "The response type is not supported by the authorization server. Configured response types: [code].", true),
                arguments("response_type code id_token", "spa", new String[]{"response_type", "code id_token"}, "unsupported_response_type",
                        "The response type is not supported by the authorization server. Configured response types: [code].", true),
                arguments("response_type code token", "spa", new String[]{"response_type", "code token"}, "unsupported_response_type",
                        "The response type is not supported by the authorization server. Configured response types: [code].", true),
                arguments("response_mode unknown", "spa", new String[]{"response_mode", "web_message"}, "unsupported_response_mode",
                        "The response mode isn't supported by the authorization server. Valid response modes: [query, fragment, form_post, okta_post_message].", true),
                arguments("response_mode with state missing", "spa", new String[]{"response_mode", "QUERY", "state", "-"}, "unsupported_response_mode",
                        "The response mode isn't supported by the authorization server. Valid response modes: [query, fragment, form_post, okta_post_message].", false),
                arguments("app without authorization_code", "implicitOnly", new String[]{}, "unauthorized_client",
                        "The client is not authorized to use the provided grant type. Configured grant types: [implicit].", true),
                arguments("scope missing", "spa", new String[]{"scope", "-"}, "invalid_scope",
                        "The authorization server resource does not have any configured default scopes, 'scope' must be provided.", true),
                arguments("scope blank", "spa", new String[]{"scope", "   "}, "invalid_scope",
                        "The authorization server resource does not have any configured default scopes, 'scope' must be provided.", true),
                arguments("scope unknown", "spa", new String[]{"scope", "openid orders:read"}, "invalid_scope",
                        "One or more scopes are not configured for the authorization server resource.", true),
                arguments("scope too long", "spa", new String[]{"scope", longScope}, "invalid_scope", "The 'scope' parameter is too long.", true),
                arguments("OIDC scopes without openid", "spa", new String[]{"scope", "profile email"}, "access_denied",
                        "Requests for ID tokens or access tokens with OpenID scopes require the 'openid' scope.", true),
                arguments("SPA without code_challenge", "spa", new String[]{"code_challenge", "-", "code_challenge_method", "-"},
                        "invalid_request", PKCE_REQUIRED, true),
                arguments("SPA with only a method", "spa", new String[]{"code_challenge", "-"}, "invalid_request", PKCE_REQUIRED, true),
                arguments("pkce_required web app without code_challenge", "webWithPkce", new String[]{"code_challenge", "-", "code_challenge_method", "-"},
                        "invalid_request", PKCE_REQUIRED, true),
                arguments("method without challenge", "web", new String[]{"code_challenge", "-", "code_challenge_method", "S256"},
                        "invalid_request", "The PKCE code challenge method was given without a code challenge.", true),
                arguments("plain method", "spa", new String[]{"code_challenge_method", "plain"}, "invalid_request",
                        "PKCE code challenge method is not supported. Supported methods: [S256].", true),
                arguments("challenge without method (plain by default)", "spa", new String[]{"code_challenge_method", "-"}, "invalid_request",
                        "PKCE code challenge method is not supported. Supported methods: [S256].", true),
                arguments("lower-case s256", "spa", new String[]{"code_challenge_method", "s256"}, "invalid_request",
                        "PKCE code challenge method is not supported. Supported methods: [S256].", true),
                arguments("challenge too short", "spa", new String[]{"code_challenge", "abc"}, "invalid_request",
                        "PKCE code challenge is invalid: it must be 43 to 128 base64url characters.", true),
                arguments("challenge with padding", "spa", new String[]{"code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM="}, "invalid_request",
                        "PKCE code challenge is invalid: it must be 43 to 128 base64url characters.", true),
                arguments("challenge in plain base64", "spa", new String[]{"code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM/"}, "invalid_request",
                        "PKCE code challenge is invalid: it must be 43 to 128 base64url characters.", true),
                arguments("challenge too long", "spa", new String[]{"code_challenge", "a".repeat(129)}, "invalid_request",
                        "PKCE code challenge is invalid: it must be 43 to 128 base64url characters.", true),
                arguments("prompt unknown", "spa", new String[]{"prompt", "select_account"}, "invalid_request",
                        "The 'prompt' parameter is invalid. Valid values: [none, login, consent].", true),
                arguments("prompt none with login", "spa", new String[]{"prompt", "none login"}, "invalid_request",
                        "The 'prompt' parameter is invalid. Valid values: [none, login, consent].", true),
                arguments("max_age negative", "spa", new String[]{"max_age", "-1"}, "invalid_request",
                        "Invalid value for 'max_age' parameter. It should be within range 0 - 2^31-1.", true),
                arguments("max_age not a number", "spa", new String[]{"max_age", "soon"}, "invalid_request",
                        "Invalid value for 'max_age' parameter. It should be within range 0 - 2^31-1.", true),
                arguments("max_age fraction", "spa", new String[]{"max_age", "1.5"}, "invalid_request",
                        "Invalid value for 'max_age' parameter. It should be within range 0 - 2^31-1.", true),
                arguments("nonce too long", "spa", new String[]{"nonce", "n".repeat(513)}, "invalid_request",
                        "The 'nonce' parameter is too long.", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("redirectedErrors")
    void refusedRequestGoesBackToTheRegisteredRedirectUriWithOktasErrorStateAndIss(String name, String which, String[] changes,
                                                                                  String error, String description, boolean stateEchoed) {
        Client client = switch (which) {
            case "web" -> web;
            case "webWithPkce" -> webWithPkce;
            case "implicitOnly" -> implicitOnly;
            default -> spa;
        };
        Map<String, String> p = params(client, randomVerifier());
        for (int i = 0; i < changes.length; i += 2) {
            p.put(changes[i], "-".equals(changes[i + 1]) ? null : changes[i + 1]);
        }
        // Anonymous and signed in alike: validation comes before the session is looked at.
        for (Browser b : new Browser[]{server.browser(), signedIn}) {
            assertRedirectedError(b, DEFAULT, p, client, error, description, stateEchoed ? p.get("state") : null);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {DEFAULT, ORG})
    void errorNamesTheIssuerOfTheServerThatWasAsked(String base) {
        Map<String, String> p = params(spa, randomVerifier());
        p.put("response_type", "token");
        String expectedIssuer = ORG.equals(base) ? server.url() : issuer;
        Http.Response r = server.browser().get(authorizeUrl(base, p));
        assertThat(parameters(r.header("Location"))).containsEntry("iss", expectedIssuer);
    }

    @Test
    void postedFormIsDecidedLikeAQuery() {
        Map<String, String> p = params(spa, randomVerifier());
        p.put("response_type", "token");
        String before = flow.issuedRows();
        Http.Response r = server.browser().post(DEFAULT + "/authorize", pairs(p));
        assertThat(r.status()).isEqualTo(302);
        assertThat(parameters(r.header("Location"))).containsEntry("error", "unsupported_response_type").containsEntry("state", p.get("state"));
        assertThat(flow.issuedRows()).isEqualTo(before);

        Http.Response ok = signedIn.post(DEFAULT + "/authorize", pairs(params(spa, randomVerifier())));
        assertThat(ok.status()).isEqualTo(302);
        assertThat(parameters(ok.header("Location"))).containsKey("code");
    }

    @Test
    void promptNoneWithoutASessionIsLoginRequired() {
        Map<String, String> p = params(spa, randomVerifier());
        p.put("prompt", "none");
        assertRedirectedError(server.browser(), DEFAULT, p, spa, "login_required",
                "The client specified not to prompt, but the user is not logged in.", p.get("state"));
    }

    @Test
    void promptNoneWithASessionOlderThanMaxAgeIsLoginRequired() {
        Browser b = flow.signedIn();
        server.clock.advance(Duration.ofSeconds(120));
        Map<String, String> p = params(spa, randomVerifier());
        p.put("prompt", "none");
        p.put("max_age", "60");
        assertRedirectedError(b, DEFAULT, p, spa, "login_required",
                "The client specified not to prompt, but the client app requires re-authentication or MFA.", p.get("state"));
    }

    @Test
    void userNotAssignedToTheAppIsAccessDenied() {
        long denied = flow.events("app.oauth2.as.authorize");
        Map<String, String> p = params(unassigned, randomVerifier());
        assertRedirectedError(signedIn, DEFAULT, p, unassigned, "access_denied", "User is not assigned to the client application.", p.get("state"));
        assertThat(flow.events("app.oauth2.as.authorize")).as("the refusal is in the System Log").isEqualTo(denied + 1);
    }

    private void assertRedirectedError(Browser b, String base, Map<String, String> p, Client client, String error, String description,
                                       String state) {
        String before = flow.issuedRows();
        Http.Response r = b.get(authorizeUrl(base, p));
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        String location = r.header("Location");
        assertThat(location).startsWith(client.redirectUri() + "?");
        Map<String, String> answer = parameters(location);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("error", error);
        expected.put("error_description", description);
        if (state != null) {
            expected.put("state", state);
        }
        expected.put("iss", DEFAULT.equals(base) ? issuer : server.url());
        assertThat(answer).as(location).containsExactlyEntriesOf(expected);
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(flow.issuedRows()).as("a refused request writes no code").isEqualTo(before);
    }

    // ---- answers that succeed ------------------------------------------------------------------------

    @Test
    void codeComesBackInTheQueryByDefaultWithStateAndIss() {
        long codes = flow.count("SELECT COUNT(*) FROM authorization_codes");
        long events = flow.events("app.oauth2.as.authorize.code");
        Map<String, String> p = params(spa, randomVerifier());
        Http.Response r = signedIn.get(authorizeUrl(DEFAULT, p));
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).startsWith(REDIRECT_URI + "?code=");
        Map<String, String> answer = parameters(r.header("Location"));
        assertThat(answer.keySet()).containsExactly("code", "state", "iss");
        assertThat(answer).containsEntry("state", p.get("state")).containsEntry("iss", issuer);
        assertThat(answer.get("code")).matches("[A-Za-z0-9]{43}");
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(flow.count("SELECT COUNT(*) FROM authorization_codes")).isEqualTo(codes + 1);
        assertThat(flow.count("SELECT COUNT(*) FROM authorization_codes WHERE code_hash = '" + answer.get("code") + "'"))
                .as("the code is stored only as a hash").isZero();
        assertThat(flow.events("app.oauth2.as.authorize.code")).isEqualTo(events + 1);
    }

    @Test
    void redirectUriWithAQueryKeepsItAndTheStateComesBackExactly() {
        Client withQuery = flow.webClient(a -> OAuthFlow.oauthClient(a).putPOJO("redirect_uris", List.of("https://app.example.com/cb?tenant=a%20b")));
        Map<String, String> p = params(withQuery, null);
        p.put("state", "a,b.c_d-e~Z9");
        Http.Response r = signedIn.get(authorizeUrl(DEFAULT, p));
        assertThat(r.header("Location")).startsWith("https://app.example.com/cb?tenant=a%20b&code=");
        assertThat(parameters(r.header("Location"))).containsEntry("tenant", "a b").containsEntry("state", "a,b.c_d-e~Z9");
    }

    /** RFC 9700 §4.13: Gatehouse trusts only its configured base URL, never X-Forwarded-* or Forwarded headers. */
    @Test
    void forwardedHeadersNeverChangeTheIssuerTheRedirectOrTheLoggedAddress() {
        String[] spoofed = {"X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.9",
                "Forwarded", "for=203.0.113.9;host=evil.example;proto=https", "X-Real-IP", "203.0.113.9"};
        Map<String, String> p = params(spa, randomVerifier());
        p.put("response_type", "token");
        Http.Response r = signedIn.send("GET", authorizeUrl(DEFAULT, p), spoofed);
        assertThat(parameters(r.header("Location"))).containsEntry("iss", issuer);
        Http.Response signIn = server.browser().send("GET", authorizeUrl(DEFAULT, params(spa, randomVerifier())), spoofed);
        assertThat(signIn.header("Location")).startsWith("/signin?fromURI=%2Foauth2%2Fdefault");
        Http.Response discovery = server.http().get("/oauth2/default/.well-known/openid-configuration", spoofed);
        assertThat(discovery.json().get("issuer").asText()).isEqualTo(issuer);
        assertThat(discovery.json().get("token_endpoint").asText()).isEqualTo(issuer + "/v1/token");
        assertThat(flow.count("SELECT COUNT(*) FROM system_log_events WHERE client_ip LIKE '%203.0.113.9%'")).as("the logged address is the socket's").isZero();
    }

    @Test
    void authorizeNeverAnswersCors() {
        Http.Response r = server.http().get(authorizeUrl(DEFAULT, params(spa, randomVerifier())), "Origin", "http://localhost:8080");
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
        assertThat(r.header("Access-Control-Allow-Credentials")).isNull();
        Http.Response preflight = server.http().send("OPTIONS", DEFAULT + "/authorize", null, "Origin", "http://localhost:8080",
                "Access-Control-Request-Method", "GET");
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void fragmentModePutsTheAnswerInTheFragment() {
        Map<String, String> p = params(spa, randomVerifier());
        p.put("response_mode", "fragment");
        Http.Response r = signedIn.get(authorizeUrl(DEFAULT, p));
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).startsWith(REDIRECT_URI + "#code=");
        assertThat(parameters(r.header("Location"))).containsEntry("state", p.get("state")).containsEntry("iss", issuer);
    }

    @Test
    void errorsFollowTheRequestedResponseMode() {
        Map<String, String> p = params(spa, randomVerifier());
        p.put("response_mode", "fragment");
        p.put("scope", "profile");
        Http.Response r = signedIn.get(authorizeUrl(DEFAULT, p));
        assertThat(r.header("Location")).startsWith(REDIRECT_URI + "#error=access_denied");
    }

    @Test
    void formPostModeServesAFormThatPostsOnlyToTheRedirectUri() {
        Map<String, String> p = params(spa, randomVerifier());
        p.put("response_mode", "form_post");
        Http.Response r = signedIn.get(authorizeUrl(DEFAULT, p));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/html");
        assertThat(r.header("Location")).isNull();
        String csp = r.header("Content-Security-Policy");
        assertThat(csp).contains("form-action http://localhost:8080;").contains("frame-ancestors 'none'").contains("default-src 'none'");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.body()).contains("<form method=\"post\" action=\"" + REDIRECT_URI + "\"");
        Map<String, String> fields = hiddenFields(r.body());
        assertThat(fields.keySet()).containsExactly("code", "state", "iss");
        assertThat(fields).containsEntry("state", p.get("state")).containsEntry("iss", issuer);
        assertScriptNonceMatches(r);
    }

    @Test
    void formPostErrorEscapesWhatItEchoes() {
        Map<String, String> p = params(spa, randomVerifier());
        p.put("response_mode", "form_post");
        p.put("state", "ok-state");
        p.put("prompt", "\"><script>alert(1)</script>");
        Http.Response r = signedIn.get(authorizeUrl(DEFAULT, p));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("<script>alert(1)");
        assertThat(hiddenFields(r.body())).containsEntry("error", "invalid_request").containsEntry("state", "ok-state");
    }

    @Test
    void oktaPostMessageIsServedFromTheIssuerFramedOnlyByTheClientAndPostsOnlyToIt() {
        assertThat(issuer).as("the page is served from the issuer's origin").startsWith(server.url() + "/");
        Map<String, String> p = params(spa, randomVerifier());
        p.put("response_mode", "okta_post_message");
        p.put("prompt", "none");
        Http.Response r = signedIn.get(authorizeUrl(DEFAULT, p));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/html");
        String csp = r.header("Content-Security-Policy");
        Matcher frameAncestors = Pattern.compile("frame-ancestors ([^;]*)").matcher(csp);
        assertThat(frameAncestors.find()).isTrue();
        assertThat(frameAncestors.group(1).trim()).as("framed only by the redirect URI's origin").isEqualTo("http://localhost:8080");
        assertThat(r.header("X-Frame-Options")).as("X-Frame-Options DENY would block the iframe").isNull();
        JsonNode data = scriptJson(r.body(), "data");
        assertThat(data.get("state").asText()).isEqualTo(p.get("state"));
        assertThat(data.get("code").asText()).matches("[A-Za-z0-9]{43}");
        assertThat(data.get("iss").asText()).isEqualTo(issuer);
        assertThat(scriptJson(r.body(), "origin").asText()).as("postMessage's targetOrigin").isEqualTo("http://localhost:8080");
        assertThat(r.body()).contains("window.parent.postMessage(data, target)").doesNotContain("'*'");
        assertScriptNonceMatches(r);
    }

    @Test
    void silentRenewWithoutASessionPostsLoginRequiredToTheClientOrigin() {
        Map<String, String> p = params(spa, randomVerifier());
        p.put("response_mode", "okta_post_message");
        p.put("prompt", "none");
        String before = flow.issuedRows();
        Http.Response r = server.browser().get(authorizeUrl(DEFAULT, p));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Security-Policy")).contains("frame-ancestors http://localhost:8080;");
        JsonNode data = scriptJson(r.body(), "data");
        assertThat(data.get("error").asText()).isEqualTo("login_required");
        assertThat(data.get("error_description").asText()).isEqualTo("The client specified not to prompt, but the user is not logged in.");
        assertThat(data.get("state").asText()).isEqualTo(p.get("state"));
        assertThat(data.has("code")).isFalse();
        assertThat(flow.issuedRows()).isEqualTo(before);
    }

    @Test
    void withoutASessionThePersonSignsInAndComesBackToTheSameRequest() {
        Browser b = server.browser();
        Map<String, String> p = params(spa, randomVerifier());
        p.put("login_hint", TestServer.ADMIN);
        String before = flow.issuedRows();
        Http.Response r = b.get(authorizeUrl(DEFAULT, p));
        assertThat(r.status()).isEqualTo(302);
        String location = r.header("Location");
        assertThat(location).startsWith("/signin?fromURI=");
        Map<String, String> signin = parameters(location);
        assertThat(signin.get("fromURI")).as("a path on Gatehouse, never another host").startsWith(DEFAULT + "/authorize?");
        assertThat(signin).containsEntry("login_hint", TestServer.ADMIN).doesNotContainKey("prompt");
        assertThat(flow.issuedRows()).as("no code before signing in").isEqualTo(before);
        assertThat(b.get(location).body()).contains("value=\"" + TestServer.ADMIN + "\"");

        Http.Response signedIn = b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, signin.get("fromURI"));
        assertThat(signedIn.status()).as("303: the credentials are never re-posted").isEqualTo(303);
        assertThat(signedIn.header("Location")).isEqualTo(signin.get("fromURI"));
        Http.Response back = b.get(signedIn.header("Location"));
        assertThat(back.status()).isEqualTo(302);
        assertThat(parameters(back.header("Location"))).containsKey("code").containsEntry("state", p.get("state"));
    }

    @Test
    void promptLoginMakesThePersonSignInAgainEvenWithASession() {
        Browser b = flow.signedIn();
        server.clock.advance(Duration.ofSeconds(30));
        Map<String, String> p = params(spa, randomVerifier());
        p.put("prompt", "login");
        Http.Response r = b.get(authorizeUrl(DEFAULT, p));
        assertThat(r.status()).isEqualTo(302);
        Map<String, String> signin = parameters(r.header("Location"));
        assertThat(signin).containsEntry("prompt", "login");
        assertThat(signin.get("fromURI")).doesNotContain("prompt=");
        Http.Response form = b.get(r.header("Location"));
        assertThat(form.status()).as("the form is shown despite the session").isEqualTo(200);

        long signedInAt = server.clock.instant().getEpochSecond();
        Http.Response again = b.post("/signin", "csrf", Browser.csrf(form), "username", TestServer.ADMIN,
                "password", TestServer.ADMIN_PASSWORD, "fromURI", signin.get("fromURI"));
        assertThat(again.status()).isEqualTo(303);
        OAuthFlow.Code code = codeAt(b.get(again.header("Location")), p);
        JsonNode tokens = flow.token(DEFAULT, OAuthFlow.exchange(spa, code)).json();
        assertThat(OAuthFlow.claims(tokens.get("id_token").asText()).get("auth_time").asLong()).isEqualTo(signedInAt);
    }

    @Test
    void maxAgeShorterThanTheSessionMakesThePersonSignInAgain() {
        Browser b = flow.signedIn();
        server.clock.advance(Duration.ofSeconds(90));
        Map<String, String> p = params(spa, randomVerifier());
        p.put("max_age", "600");
        assertThat(parameters(b.get(authorizeUrl(DEFAULT, p)).header("Location"))).as("young enough").containsKey("code");
        p.put("max_age", "60");
        Http.Response r = b.get(authorizeUrl(DEFAULT, p));
        assertThat(r.header("Location")).startsWith("/signin?fromURI=").contains("prompt=login");
        assertThat(parameters(r.header("Location")).get("fromURI")).doesNotContain("max_age");
    }

    @Test
    void offlineAccessIsDroppedWhenTheAppMayNotRefresh() {
        Map<String, String> p = params(noRefresh, randomVerifier());
        p.put("scope", "openid offline_access");
        OAuthFlow.Code code = flow.code(signedIn, DEFAULT, p);
        JsonNode tokens = flow.token(DEFAULT, OAuthFlow.exchange(noRefresh, code)).json();
        assertThat(tokens.get("scope").asText()).isEqualTo("openid");
        assertThat(tokens.has("refresh_token")).isFalse();
        assertThat(OAuthFlow.claims(tokens.get("access_token").asText()).get("scp").toString()).isEqualTo("[\"openid\"]");
    }

    @Test
    void offlineAccessAloneNeedsNoOpenidButGetsNoIdToken() {
        Map<String, String> p = params(spa, randomVerifier());
        p.put("scope", "offline_access");
        OAuthFlow.Code code = flow.code(signedIn, DEFAULT, p);
        JsonNode tokens = flow.token(DEFAULT, OAuthFlow.exchange(spa, code)).json();
        assertThat(tokens.has("id_token")).isFalse();
        assertThat(tokens.has("refresh_token")).isTrue();
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private static OAuthFlow.Code codeAt(Http.Response r, Map<String, String> p) {
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        Map<String, String> answer = parameters(r.header("Location"));
        assertThat(answer).containsKey("code").containsEntry("state", p.get("state"));
        return new OAuthFlow.Code(answer.get("code"), p.get(OAuthFlow.VERIFIER), answer);
    }

    private static String[] pairs(Map<String, String> p) {
        return p.entrySet().stream().filter(e -> e.getValue() != null && !OAuthFlow.VERIFIER.equals(e.getKey()))
                .flatMap(e -> Stream.of(e.getKey(), e.getValue())).toArray(String[]::new);
    }

    private static Map<String, String> hiddenFields(String html) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher f = Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">").matcher(html);
        while (f.find()) {
            m.put(unescape(f.group(1)), unescape(f.group(2)));
        }
        return m;
    }

    private static JsonNode scriptJson(String html, String id) {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"" + id + "\">(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as(html).isTrue();
        try {
            return new ObjectMapper().readTree(m.group(1));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Inline scripts run only with the nonce the CSP names. */
    private static void assertScriptNonceMatches(Http.Response r) {
        Matcher csp = Pattern.compile("script-src 'nonce-([A-Za-z0-9]+)'").matcher(r.header("Content-Security-Policy"));
        assertThat(csp.find()).isTrue();
        assertThat(r.body()).contains("<script nonce=\"" + csp.group(1) + "\">");
        assertThat(r.header("Content-Security-Policy")).doesNotContain("unsafe-inline");
    }

    private static String unescape(String html) {
        return html.replace("&#39;", "'").replace("&#x27;", "'").replace("&quot;", "\"").replace("&#34;", "\"").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&amp;", "&");
    }
}
