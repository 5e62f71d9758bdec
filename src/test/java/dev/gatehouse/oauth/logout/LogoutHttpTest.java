package dev.gatehouse.oauth.logout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.sessions.SessionCookie;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static dev.gatehouse.support.OAuthFlow.ALL_SCOPES;
import static dev.gatehouse.support.OAuthFlow.POST_LOGOUT_REDIRECT_URI;
import static dev.gatehouse.support.OAuthFlow.enc;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1/logout}: RP-initiated logout ends the session and redirects, or shows an error page; on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class LogoutHttpTest {

    static final String LOGOUT = "/oauth2/default/v1/logout";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static OAuthFlow spa;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        spa = OAuthFlow.spa(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    /** A browser with a session of its own, and the tokens an SPA got in it. */
    record SignedIn(Browser browser, String sessionCookie, JsonNode tokens) {
        String idToken() {
            return tokens.get("id_token").asText();
        }

        boolean sessionAlive() {
            Browser probe = server.browser();
            probe.cookies.put(SessionCookie.NAME, sessionCookie);
            return probe.get("/api/v1/sessions/me").status() == 200;
        }
    }

    static SignedIn signIn() {
        Browser b = OAuthFlow.signedIn(server);
        return new SignedIn(b, b.cookies.get(SessionCookie.NAME), spa.tokens(b, ALL_SCOPES));
    }

    @Test
    void endsTheSessionAndRedirectsToTheRegisteredUriWithTheState() {
        SignedIn s = signIn();
        long ended = OAuthFlow.events(server, "user.session.end", "SUCCESS");

        Http.Response r = s.browser().get(LOGOUT + "?id_token_hint=" + s.idToken() + "&post_logout_redirect_uri=" + enc(POST_LOGOUT_REDIRECT_URI)
                + "&state=" + enc("st a/te"));

        assertThat(r.status()).as(r.body()).isEqualTo(302);
        assertThat(r.header("Location")).isEqualTo(POST_LOGOUT_REDIRECT_URI + "?state=st%20a%2Fte");
        assertThat(Browser.setCookies(r)).anySatisfy(c -> assertThat(c).startsWith(SessionCookie.NAME + "=;").contains("Max-Age=0"));
        assertThat(s.browser().get("/api/v1/sessions/me").status()).isEqualTo(404);
        assertThat(s.sessionAlive()).as("ended on the server, not only forgotten by the browser").isFalse();
        assertThat(OAuthFlow.events(server, "user.session.end", "SUCCESS")).isEqualTo(ended + 1);
    }

    @Test
    void withoutARedirectUriItGoesToTheSignInPage() {
        SignedIn s = signIn();
        Http.Response r = s.browser().get(LOGOUT + "?id_token_hint=" + s.idToken() + "&state=ignored");
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).isEqualTo("/signin?signedOut");
        assertThat(s.sessionAlive()).isFalse();
    }

    @Test
    void aFormPostWorksLikeGet() {
        SignedIn s = signIn();
        Http.Response r = s.browser().post(LOGOUT, "id_token_hint", s.idToken(), "post_logout_redirect_uri", POST_LOGOUT_REDIRECT_URI);
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).isEqualTo(POST_LOGOUT_REDIRECT_URI);
        assertThat(s.sessionAlive()).isFalse();
    }

    @Test
    void anExpiredButOtherwiseValidHintIsAccepted() {
        SignedIn s = signIn();
        server.clock.advance(Duration.ofMinutes(61));
        assertThat(OAuthFlow.claims(s.idToken()).get("exp").asLong()).isLessThan(server.clock.instant().getEpochSecond());
        Http.Response r = s.browser().get(LOGOUT + "?id_token_hint=" + s.idToken() + "&post_logout_redirect_uri=" + enc(POST_LOGOUT_REDIRECT_URI));
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).isEqualTo(POST_LOGOUT_REDIRECT_URI);
        assertThat(s.sessionAlive()).isFalse();
    }

    @Test
    void withoutASessionItStillRedirects() {
        SignedIn s = signIn();
        long skipped = OAuthFlow.events(server, "user.session.end", "SKIPPED");
        Http.Response r = server.browser().get(LOGOUT + "?id_token_hint=" + s.idToken() + "&post_logout_redirect_uri=" + enc(POST_LOGOUT_REDIRECT_URI));
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).isEqualTo(POST_LOGOUT_REDIRECT_URI);
        assertThat(s.sessionAlive()).isTrue();
        assertThat(OAuthFlow.events(server, "user.session.end", "SKIPPED")).isEqualTo(skipped + 1);
    }

    @Test
    void anotherUsersSessionIsLeftAlone() {
        SignedIn adminSession = signIn();
        String login = "other." + System.nanoTime() + "@gatehouse.test";
        People.create(server.http(), login, "Correct-Horse-42");
        String othersHint = spa.tokens(OAuthFlow.signedIn(server, login, "Correct-Horse-42"), "openid").get("id_token").asText();

        Http.Response r = adminSession.browser().get(LOGOUT + "?id_token_hint=" + othersHint + "&post_logout_redirect_uri="
                + enc(POST_LOGOUT_REDIRECT_URI));

        assertThat(r.status()).isEqualTo(302);
        assertThat(adminSession.sessionAlive()).as("no logout CSRF with someone else's ID token").isTrue();
        assertThat(adminSession.browser().get("/api/v1/sessions/me").status()).isEqualTo(200);
    }

    @Test
    void refreshTokensOutliveTheSessionAsInOkta() {
        Browser b = OAuthFlow.signedIn(server);
        JsonNode tokens = spa.tokens(b, ALL_SCOPES);
        assertThat(b.get(LOGOUT + "?id_token_hint=" + tokens.get("id_token").asText()).status()).isEqualTo(302);
        assertThat(spa.refresh(tokens.get("refresh_token").asText()).status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"no id_token_hint", "a garbage hint", "an access token as hint", "a hint with a tampered signature",
            "a hint of another authorization server", "an unregistered post_logout_redirect_uri",
            "a post_logout_redirect_uri that only starts like a registered one", "another app's post_logout_redirect_uri"})
    void refusedRequestsShowAnErrorPageAndNeverRedirect(String kind) {
        SignedIn s = signIn();
        JsonNode tokens = s.tokens();
        String idToken = s.idToken();
        String uri = enc(POST_LOGOUT_REDIRECT_URI);
        long failed = OAuthFlow.events(server, "user.session.end", "FAILURE");
        String query = switch (kind) {
            case "no id_token_hint" -> "post_logout_redirect_uri=" + uri;
            case "a garbage hint" -> "id_token_hint=garbage&post_logout_redirect_uri=" + uri;
            case "an access token as hint" -> "id_token_hint=" + tokens.get("access_token").asText() + "&post_logout_redirect_uri=" + uri;
            case "a hint with a tampered signature" -> "id_token_hint=" + idToken.substring(0, idToken.length() - 4)
                    + (idToken.endsWith("AAAA") ? "BBBB" : "AAAA") + "&post_logout_redirect_uri=" + uri;
            case "a hint of another authorization server" -> "id_token_hint=" + spa.at("org").tokens(s.browser(), "openid").get("id_token").asText()
                    + "&post_logout_redirect_uri=" + uri;
            case "an unregistered post_logout_redirect_uri" -> "id_token_hint=" + idToken + "&post_logout_redirect_uri=" + enc("https://evil.example");
            case "a post_logout_redirect_uri that only starts like a registered one" -> "id_token_hint=" + idToken
                    + "&post_logout_redirect_uri=" + enc(POST_LOGOUT_REDIRECT_URI + "/");
            case "another app's post_logout_redirect_uri" -> {
                OAuthFlow other = OAuthFlow.spa(server);
                yield "id_token_hint=" + other.tokens(s.browser(), "openid").get("id_token").asText() + "&post_logout_redirect_uri="
                        + enc("https://not-registered.example/bye");
            }
            default -> throw new IllegalArgumentException(kind);
        };

        Http.Response r = s.browser().get(LOGOUT + "?" + query + "&state=s1");

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("Location")).isNull();
        assertThat(r.header("Content-Type")).startsWith("text/html");
        assertThat(r.body()).contains("Sign-out request not accepted");
        assertThat(s.sessionAlive()).isTrue();
        assertThat(OAuthFlow.events(server, "user.session.end", "FAILURE")).isEqualTo(failed + 1);
    }

    @Test
    void aHintOfADeactivatedAppIsRefused() {
        OAuthFlow doomed = OAuthFlow.spa(server);
        SignedIn s = signIn();
        String idToken = doomed.tokens(s.browser(), "openid").get("id_token").asText();
        String appId = server.wiring().apps.findByClientId(doomed.clientId()).orElseThrow().id();
        assertThat(server.http().send("POST", "/api/v1/apps/" + appId + "/lifecycle/deactivate", null, Http.ssws(TestServer.API_TOKEN)).status())
                .isEqualTo(200);

        Http.Response r = s.browser().get(LOGOUT + "?id_token_hint=" + idToken + "&post_logout_redirect_uri=" + enc(POST_LOGOUT_REDIRECT_URI));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("does not exist or is not active");
        assertThat(s.sessionAlive()).isTrue();
    }
}
