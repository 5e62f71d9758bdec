package dev.gatehouse.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.OAuthFlow.Client;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.LogEvent;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.gatehouse.support.OAuthFlow.DEFAULT;
import static dev.gatehouse.support.OAuthFlow.basic;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every OAuth endpoint does with a refused request, the same way: a parameter sent twice is {@code invalid_request}
 * with Okta's exact words (RFC 6749 §3.1/§3.2) at /token, /introspect, /revoke and /authorize (redirected back, or an error
 * page when the client or the redirect URI is the repeated one); each refusal is one FAILURE event in the System Log; and
 * every OAuth event names the app as the management API's events do: {@code AppInstance} with the app's instance id.
 * On H2 and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class OAuthRefusalsHttpTest {

    static final String BODY = "{\"error\":\"invalid_request\",\"error_description\":\"The request contained multiple parameters with the same name.\"}";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static OAuthFlow flow;
    static Client web;
    static Browser signedIn;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        flow = new OAuthFlow(server);
        // A client_id of its own choosing, so an event naming the app by its client_id instead of its id shows.
        web = flow.webClient(a -> a.withObjectProperty("credentials").withObjectProperty("oauthClient")
                .put("client_id", "payroll-web-" + System.nanoTime() % 1_000_000));
        assertThat(web.clientId()).isNotEqualTo(web.appId());
        signedIn = flow.signedIn();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static Http.Response post(String path, String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/x-www-form-urlencoded";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return server.http().send("POST", DEFAULT + path, body, all);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void assertRepeatedRefused(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).isEqualTo(BODY);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    }

    private static List<LogEvent> events(String type) {
        return server.wiring().db.read(h -> server.wiring().systemLog.list(h,
                        new SystemLog.Query(null, null, null, List.of(), null, 10_000, false)))
                .stream().filter(e -> e.eventType().equals(type)).toList();
    }

    private static long failures(String type) {
        return events(type).stream().filter(e -> e.outcome().result().equals("FAILURE")).count();
    }

    // ---- a parameter sent twice ---------------------------------------------------------------------------

    @Test
    void tokenRefusesAnyParameterSentTwiceWithOktasWordsIssuesNothingAndLogsOneFailureEach() {
        String rows = flow.issuedRows();
        long before = failures("app.oauth2.as.token.grant");
        String auth = basic(web.clientId(), web.secret());
        assertRepeatedRefused(post("/token", "grant_type=client_credentials&grant_type=client_credentials&scope=x", "Authorization", auth));
        assertRepeatedRefused(post("/token", "grant_type=authorization_code&code=a&code=b&redirect_uri=" + enc(web.redirectUri()),
                "Authorization", auth));
        assertRepeatedRefused(post("/token", "grant_type=refresh_token&refresh_token=a&scope=openid&scope=email", "Authorization", auth));
        assertRepeatedRefused(post("/token", "grant_type=client_credentials&client_id=" + enc(web.clientId()) + "&client_id=" + enc(web.clientId())
                + "&client_secret=" + enc(web.secret())));
        assertThat(flow.issuedRows()).isEqualTo(rows);
        assertThat(failures("app.oauth2.as.token.grant")).isEqualTo(before + 4);
    }

    @Test
    void tokenWithAnEmptyRepeatedParameterIsRefusedToo() {
        assertRepeatedRefused(post("/token", "grant_type=client_credentials&scope=&scope=", "Authorization", basic(web.clientId(), web.secret())));
    }

    @Test
    void introspectRefusesATokenSentTwiceAndLogsOneFailure() {
        long before = failures("app.oauth2.as.token.introspect");
        assertRepeatedRefused(post("/introspect", "token=a&token=b&token_type_hint=access_token", "Authorization", basic(web.clientId(), web.secret())));
        assertRepeatedRefused(post("/introspect", "token=a&token_type_hint=access_token&token_type_hint=refresh_token",
                "Authorization", basic(web.clientId(), web.secret())));
        assertThat(failures("app.oauth2.as.token.introspect")).isEqualTo(before + 2);
    }

    @Test
    void revokeRefusesATokenSentTwiceRevokesNothingAndLogsOneFailure() {
        Map<String, String> tokens = tokens();
        long live = flow.count("SELECT COUNT(*) FROM refresh_tokens WHERE revoked_at IS NULL");
        long before = failures("app.oauth2.as.token.revoke");
        assertRepeatedRefused(post("/revoke", "token=" + enc(tokens.get("refresh_token")) + "&token=" + enc(tokens.get("refresh_token")),
                "Authorization", basic(web.clientId(), web.secret())));
        assertThat(flow.count("SELECT COUNT(*) FROM refresh_tokens WHERE revoked_at IS NULL")).isEqualTo(live);
        assertThat(failures("app.oauth2.as.token.revoke")).isEqualTo(before + 1);
    }

    @Test
    void authorizeSendsARepeatedParameterBackToTheClientAsInvalidRequest() {
        Map<String, String> p = OAuthFlow.params(web, null);
        long before = failures("app.oauth2.as.authorize");
        String url = OAuthFlow.authorizeUrl(DEFAULT, p) + "&scope=openid";
        Http.Response r = signedIn.get(url);
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        String location = r.header("Location");
        assertThat(location).startsWith(web.redirectUri() + "?");
        Map<String, String> answer = OAuthFlow.parameters(location);
        assertThat(answer).containsEntry("error", "invalid_request")
                .containsEntry("error_description", RepeatedParameters.DESCRIPTION)
                .containsEntry("state", p.get("state"))
                .doesNotContainKey("code");
        assertThat(failures("app.oauth2.as.authorize")).isEqualTo(before + 1);
    }

    @Test
    void authorizeWithTheClientOrTheRedirectUriSentTwiceIsAnErrorPageNeverARedirect() {
        Map<String, String> p = OAuthFlow.params(web, null);
        for (String again : List.of("&client_id=" + enc(web.clientId()), "&redirect_uri=" + enc(web.redirectUri()))) {
            String rows = flow.issuedRows();
            Http.Response r = signedIn.get(OAuthFlow.authorizeUrl(DEFAULT, p) + again);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.header("Location")).isNull();
            assertThat(r.body()).contains(RepeatedParameters.DESCRIPTION);
            assertThat(flow.issuedRows()).isEqualTo(rows);
        }
    }

    // ---- the app as the System Log names it ---------------------------------------------------------------

    @Test
    void grantsAndRefusalsNameTheAppByItsInstanceIdAsTheAppsApiDoes() {
        Target created = events("application.lifecycle.create").stream().map(e -> e.targets().getFirst())
                .filter(t -> t.id().equals(web.appId())).findFirst().orElseThrow();
        tokens();
        LogEvent granted = events("app.oauth2.as.token.grant").stream().filter(e -> e.outcome().result().equals("SUCCESS")).toList().getLast();
        assertThat(granted.targets()).containsExactly(created);
        post("/token", "grant_type=client_credentials&scope=openid", "Authorization", basic(web.clientId(), web.secret()));
        LogEvent refused = events("app.oauth2.as.token.grant").stream().filter(e -> e.outcome().result().equals("FAILURE")).toList().getLast();
        assertThat(refused.targets()).containsExactly(created);
        assertThat(created).isEqualTo(new Target(web.appId(), "AppInstance", created.displayName(), created.displayName()));
    }

    /** Tokens of {@code web} from a code exchange: {@code access_token}, {@code refresh_token}, .... */
    private static Map<String, String> tokens() {
        OAuthFlow.Code code = flow.code(signedIn, web);
        Http.Response r = flow.token(DEFAULT, OAuthFlow.fields("grant_type", "authorization_code", "code", code.code(), "redirect_uri", web.redirectUri()),
                "Authorization", basic(web.clientId(), web.secret()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode json = r.json();
        return Map.of("access_token", json.get("access_token").asText(), "refresh_token", json.get("refresh_token").asText());
    }
}
