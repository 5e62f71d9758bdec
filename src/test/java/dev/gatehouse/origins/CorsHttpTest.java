package dev.gatehouse.origins;

import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CORS over HTTP, per endpoint class: what a trusted origin's preflight and actual requests get, that nothing
 * else gets any {@code Access-Control-Allow-*} header, and that /authorize, /logout and the pages never do.
 */
class CorsHttpTest {

    static final String TRUSTED = "http://localhost:9001";
    static final String REDIRECT_ONLY = "http://localhost:9002";
    static final String INACTIVE = "http://localhost:9003";
    static final String UNTRUSTED = "http://localhost:9004";
    static final String TOGGLED = "http://localhost:9005";
    static final String HTTPS_TRUSTED = "https://app.cors.example";

    static TestServer server;
    static Http http;
    static OriginsClient api;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2);
        http = server.http();
        api = new OriginsClient(server);
        api.create(TRUSTED, "CORS", "REDIRECT");
        api.create(REDIRECT_ONLY, "REDIRECT");
        api.create("HTTPS://App.CORS.example:443/", "CORS");   // stored as HTTPS_TRUSTED
        api.lifecycle(api.create(INACTIVE, "CORS", "REDIRECT").get("id").asText(), "deactivate");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Every CORS-enabled endpoint class: path, a method it serves, its allowed methods, and whether it uses the session cookie. */
    static Stream<Arguments> corsEndpoints() {
        return Stream.of(
                Arguments.of("/oauth2/default/v1/token", "POST", "POST", false),
                Arguments.of("/oauth2/v1/token", "POST", "POST", false),
                Arguments.of("/oauth2/default/v1/keys", "GET", "GET", false),
                Arguments.of("/oauth2/v1/keys", "GET", "GET", false),
                Arguments.of("/oauth2/default/v1/userinfo", "GET", "GET, POST", false),
                Arguments.of("/oauth2/v1/userinfo", "POST", "GET, POST", false),
                Arguments.of("/oauth2/default/v1/introspect", "POST", "POST", false),
                Arguments.of("/oauth2/default/v1/revoke", "POST", "POST", false),
                Arguments.of("/.well-known/openid-configuration", "GET", "GET", false),
                Arguments.of("/oauth2/default/.well-known/openid-configuration", "GET", "GET", false),
                Arguments.of("/oauth2/default/.well-known/oauth-authorization-server", "GET", "GET", false),
                Arguments.of("/api/v1/sessions/me", "GET", "GET, DELETE", true),
                Arguments.of("/api/v1/sessions/me/lifecycle/refresh", "POST", "POST", true),
                // Okta's Authentication API (issue #20): okta-auth-js posts with credentials from the app's page.
                Arguments.of("/api/v1/authn", "POST", "POST", true),
                Arguments.of("/api/v1/authn/factors/ost1234567890abcdef/verify", "POST", "POST", true),
                Arguments.of("/api/v1/authn/recovery/password", "POST", "POST", true));
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("corsEndpoints")
    void preflightFromATrustedOriginIsAllowed(String path, String method, String methods, boolean credentials) {
        Http.Response r = preflight(path, TRUSTED, method);
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(TRUSTED);
        assertThat(r.header("Access-Control-Allow-Methods")).isEqualTo(methods);
        assertThat(r.header("Access-Control-Allow-Headers"))
                .isEqualTo("content-type, accept, authorization, x-okta-user-agent-extended, dpop, x-requested-with, x-device-fingerprint");
        assertThat(r.header("Access-Control-Max-Age")).isEqualTo("3600");
        assertThat(r.header("Vary")).isEqualTo("Origin");
        assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo(credentials ? "true" : null);
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("corsEndpoints")
    void actualRequestFromATrustedOriginCarriesTheHeadersWhateverTheStatus(String path, String method, String methods, boolean credentials) {
        Http.Response r = actual(method, path, TRUSTED);
        assertThat(r.header("Access-Control-Allow-Origin")).as("status " + r.status()).isEqualTo(TRUSTED);
        assertThat(r.header("Vary")).isEqualTo("Origin");
        assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo(credentials ? "true" : null);
        assertThat(r.header("Access-Control-Expose-Headers")).contains("WWW-Authenticate");
        assertThat(r.header("Access-Control-Allow-Methods")).as("only on preflights").isNull();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("otherOriginsAndEndpoints")
    void anyOtherOriginGetsNoAllowHeaderAtAll(String origin, String path, String method) {
        Http.Response pre = preflight(path, origin, method);
        assertThat(pre.status()).isEqualTo(204);
        assertNoAllowHeaders(pre);
        assertThat(pre.header("Vary")).isEqualTo("Origin");
        assertNoAllowHeaders(actual(method, path, origin));
    }

    static Stream<Arguments> otherOriginsAndEndpoints() {
        return Stream.of(UNTRUSTED, REDIRECT_ONLY, INACTIVE, "null", "http://localhost:9001.evil.example", "https://localhost:9001")
                .flatMap(origin -> Stream.of(
                        Arguments.of(origin, "/oauth2/default/v1/token", "POST"),
                        Arguments.of(origin, "/oauth2/default/v1/keys", "GET"),
                        Arguments.of(origin, "/api/v1/sessions/me", "GET")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "GET, /oauth2/default/v1/authorize", "POST, /oauth2/default/v1/authorize", "GET, /oauth2/v1/authorize",
            "GET, /oauth2/default/v1/logout", "POST, /oauth2/v1/logout", "GET, /signin", "POST, /signin", "GET, /signout",
            "GET, /admin", "GET, /admin/api/trusted-origins", "GET, /api/v1/users", "GET, /", "GET, /health/ready"})
    void authorizeLogoutPagesAndTheRestOfTheApiNeverCarryCors(String method, String path) {
        Http.Response r = actual(method, path, TRUSTED);
        assertNoCorsHeaders(r);
        Http.Response pre = preflight(path, TRUSTED, method);
        assertNoCorsHeaders(pre);
        assertThat(pre.status()).as("not answered as a preflight").isNotEqualTo(204);
    }

    @Test
    void aTokenErrorIsReadableByTheTrustedPage() {
        Http.Response r = http.send("POST", "/oauth2/default/v1/token", "grant_type=authorization_code&code=nope&client_id=nobody",
                "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json", "Origin", TRUSTED);
        assertThat(r.status()).isIn(400, 401);
        assertThat(r.json().get("error").asText()).isNotBlank();
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(TRUSTED);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/oauth2/nosuch/.well-known/openid-configuration, application/json", "/oauth2/nosuch/v1/keys, application/json",
            "/api/v1/sessions/me, text/html"})
    void errorsMappedFromExceptionsKeepTheHeaders(String path, String accept) {
        Http.Response r = http.send("GET", path, null, "Origin", TRUSTED, "Accept", accept);
        assertThat(r.status()).isGreaterThanOrEqualTo(400);
        assertThat(r.json().get("errorCode").asText()).startsWith("E0000");
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(TRUSTED);
    }

    /**
     * Outside review, finding 8: CORS answered any spelling of a trusted origin and echoed it as sent. A browser always
     * sends the canonical serialisation, so only that gets CORS headers, and the value echoed is exactly it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("nonCanonicalSpellings")
    void aNonCanonicalSpellingOfATrustedOriginGetsNoCorsHeaders(String spelling) {
        for (String[] endpoint : new String[][]{{"/oauth2/default/v1/token", "POST"}, {"/oauth2/default/v1/keys", "GET"},
                {"/api/v1/sessions/me", "GET"}}) {
            Http.Response pre = preflight(endpoint[0], spelling, endpoint[1]);
            assertThat(pre.status()).isEqualTo(204);
            assertNoAllowHeaders(pre);
            assertNoAllowHeaders(actual(endpoint[1], endpoint[0], spelling));
        }
    }

    static Stream<String> nonCanonicalSpellings() {
        return Stream.of("HTTP://localhost:9001", "http://LOCALHOST:9001", "http://Localhost:9001", "http://localhost:9001/",
                "http://localhost:9001/path", "http://localhost:9001?x", "http://localhost:09001", "https://app.cors.example:443",
                "HTTPS://app.cors.example", "https://APP.cors.example", "https://app.cors.example/", "https://app.cors.example:443/");
    }

    @Test
    void theCanonicalSpellingIsAnsweredAndEchoedAsIs() {
        for (String origin : List.of(TRUSTED, HTTPS_TRUSTED)) {
            assertThat(preflight("/oauth2/default/v1/token", origin, "POST").header("Access-Control-Allow-Origin")).isEqualTo(origin);
            assertThat(actual("GET", "/oauth2/default/v1/keys", origin).header("Access-Control-Allow-Origin")).isEqualTo(origin);
        }
    }

    @Test
    void deactivatingAnOriginWithdrawsCorsAtOnceAndActivatingRestoresIt() {
        String id = api.create(TOGGLED, "CORS").get("id").asText();
        assertThat(actual("GET", "/oauth2/default/v1/keys", TOGGLED).header("Access-Control-Allow-Origin")).isEqualTo(TOGGLED);
        api.lifecycle(id, "deactivate");
        assertNoAllowHeaders(actual("GET", "/oauth2/default/v1/keys", TOGGLED));
        api.lifecycle(id, "activate");
        assertThat(preflight("/oauth2/default/v1/token", TOGGLED, "POST").header("Access-Control-Allow-Origin")).isEqualTo(TOGGLED);
        api.send("PUT", OriginsClient.PATH + "/" + id, OriginsClient.body("Toggled", TOGGLED, "REDIRECT"));
        assertNoAllowHeaders(actual("GET", "/oauth2/default/v1/keys", TOGGLED));
        api.send("DELETE", OriginsClient.PATH + "/" + id, null);
        assertNoAllowHeaders(actual("GET", "/oauth2/default/v1/keys", TOGGLED));
    }

    private static Http.Response preflight(String path, String origin, String method) {
        return http.send("OPTIONS", path, null, "Origin", origin, "Access-Control-Request-Method", method,
                "Access-Control-Request-Headers", "accept, content-type, x-okta-user-agent-extended");
    }

    private static Http.Response actual(String method, String path, String origin) {
        boolean form = method.equals("POST") && !path.startsWith("/api/");
        return http.send(method, path, method.equals("POST") ? (form ? "token=x" : "") : null, "Origin", origin, "Accept", "application/json",
                "Content-Type", form ? "application/x-www-form-urlencoded" : "application/json");
    }

    private static void assertNoAllowHeaders(Http.Response r) {
        List<String> allow = r.headers().map().keySet().stream().filter(h -> h.toLowerCase().startsWith("access-control-allow")).toList();
        assertThat(allow).as("status " + r.status()).isEmpty();
    }

    private static void assertNoCorsHeaders(Http.Response r) {
        List<String> cors = r.headers().map().keySet().stream().filter(h -> h.toLowerCase().startsWith("access-control-")).toList();
        assertThat(cors).as("status " + r.status()).isEmpty();
    }
}
