package dev.gatehouse.oauth.userinfo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.gatehouse.support.Http.ssws;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1/userinfo}: claims per granted scope, and Okta's 401/403 answers; on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class UserInfoHttpTest {

    static final String INVALID = "Bearer error=\"invalid_token\", error_description=\"The access token is invalid\"";
    static final String INSUFFICIENT = "Bearer error=\"insufficient_scope\", error_description=\"The access token must provide access "
            + "to at least one of these scopes - profile, email, address or phone\"";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static Http http;
    static OAuthFlow spa;
    static Browser admin;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        http = server.http();
        spa = OAuthFlow.spa(server);
        admin = OAuthFlow.signedIn(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    static Http.Response userinfo(String accessToken) {
        return http.get("/oauth2/default/v1/userinfo", "Authorization", "Bearer " + accessToken);
    }

    static JsonNode adminTokens(String scopes) {
        return spa.tokens(admin, scopes);
    }

    @Test
    void returnsEveryClaimOfTheGrantedScopesWithTheIdTokensSubject() {
        String login = "grace." + System.nanoTime() + "@gatehouse.test";
        String body = """
                {"profile":{"firstName":"Grace","lastName":"Hopper","middleName":"Brewster","nickName":"Amazing Grace",
                  "email":"%s","login":"%s","locale":"en_GB","timezone":"Europe/London","mobilePhone":"+44 20 7946 0000",
                  "streetAddress":"1 Navy Way","city":"Arlington","state":"VA","zipCode":"22202","countryCode":"US"},
                 "credentials":{"password":{"value":"Correct-Horse-42"}}}""".formatted(login, login);
        Http.Response created = http.send("POST", "/api/v1/users?activate=true", body, ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String userId = created.json().get("id").asText();
        String groupName = "Admirals " + System.nanoTime();
        Http.Response group = http.send("POST", "/api/v1/groups", "{\"profile\":{\"name\":\"" + groupName + "\"}}",
                ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(group.status()).as(group.body()).isEqualTo(200);
        assertThat(http.send("PUT", "/api/v1/groups/" + group.json().get("id").asText() + "/users/" + userId, null,
                ssws(TestServer.API_TOKEN)).status()).isEqualTo(204);

        JsonNode tokens = spa.tokens(OAuthFlow.signedIn(server, login, "Correct-Horse-42"), "openid profile email phone address groups");
        Http.Response r = userinfo(tokens.get("access_token").asText());

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        JsonNode u = r.json();
        assertThat(u.get("sub").asText()).isEqualTo(userId).isEqualTo(OAuthFlow.claims(tokens.get("id_token").asText()).get("sub").asText());
        assertThat(u.get("name").asText()).isEqualTo("Grace Hopper");
        assertThat(u.get("given_name").asText()).isEqualTo("Grace");
        assertThat(u.get("middle_name").asText()).isEqualTo("Brewster");
        assertThat(u.get("family_name").asText()).isEqualTo("Hopper");
        assertThat(u.get("nickname").asText()).isEqualTo("Amazing Grace");
        assertThat(u.get("preferred_username").asText()).isEqualTo(login);
        assertThat(u.get("locale").asText()).as("BCP 47, as OIDC asks").isEqualTo("en-GB");
        assertThat(u.get("zoneinfo").asText()).isEqualTo("Europe/London");
        assertThat(u.get("updated_at").isIntegralNumber()).isTrue();
        assertThat(u.get("updated_at").asLong()).isBetween(server.clock.instant().getEpochSecond() - 60, server.clock.instant().getEpochSecond());
        assertThat(u.get("email").asText()).isEqualTo(login);
        assertThat(u.get("email_verified").asBoolean()).isTrue();
        assertThat(u.get("phone_number").asText()).isEqualTo("+44 20 7946 0000");
        assertThat(u.get("address").toString()).isEqualTo(
                "{\"street_address\":\"1 Navy Way\",\"locality\":\"Arlington\",\"region\":\"VA\",\"postal_code\":\"22202\",\"country\":\"US\"}");
        assertThat(u.get("groups").toString()).contains("\"Everyone\"").contains("\"" + groupName + "\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            openid                       | sub
            openid profile               | sub name given_name family_name zoneinfo locale updated_at preferred_username
            openid email                 | sub email email_verified
            openid address phone         | sub
            openid email offline_access  | sub email email_verified
            """)
    void returnsOnlyTheClaimsOfTheGrantedScopesThatHaveValues(String scopes, String claims) {
        JsonNode u = userinfo(adminTokens(scopes).get("access_token").asText()).json();
        List<String> names = new ArrayList<>();
        u.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly(claims.split(" "));
    }

    @Test
    void defaultsLocaleAndZoneinfoAsOktaDoes() {
        JsonNode u = userinfo(adminTokens("openid profile").get("access_token").asText()).json();
        assertThat(u.get("locale").asText()).isEqualTo("en-US");
        assertThat(u.get("zoneinfo").asText()).isEqualTo("America/Los_Angeles");
        assertThat(u.get("preferred_username").asText()).isEqualTo(TestServer.ADMIN);
    }

    @Test
    void answersPostLikeGet() {
        String at = adminTokens("openid email").get("access_token").asText();
        Http.Response r = http.send("POST", "/oauth2/default/v1/userinfo", "", "Authorization", "Bearer " + at,
                "Content-Type", "application/x-www-form-urlencoded");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("email").asText()).isEqualTo(TestServer.ADMIN);
    }

    @Test
    void bearerSchemeIsCaseInsensitive() {
        String at = adminTokens("openid").get("access_token").asText();
        assertThat(http.get("/oauth2/default/v1/userinfo", "Authorization", "bearer " + at).status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"no Authorization header", "Basic credentials", "empty Bearer token", "garbage", "an ID token",
            "a tampered signature", "a token of the org server's path"})
    void refusesAMissingOrUnusableTokenWith401InvalidToken(String kind) {
        JsonNode tokens = adminTokens("openid profile");
        String at = tokens.get("access_token").asText();
        String path = "/oauth2/default/v1/userinfo";
        String[] headers = switch (kind) {
            case "no Authorization header" -> new String[0];
            case "Basic credentials" -> new String[]{"Authorization", OAuthFlow.basic(spa.clientId(), "x")};
            case "empty Bearer token" -> new String[]{"Authorization", "Bearer "};
            case "garbage" -> new String[]{"Authorization", "Bearer not.a.jwt"};
            case "an ID token" -> new String[]{"Authorization", "Bearer " + tokens.get("id_token").asText()};
            case "a tampered signature" -> new String[]{"Authorization", "Bearer " + at.substring(0, at.length() - 4)
                    + (at.endsWith("AAAA") ? "BBBB" : "AAAA")};
            case "a token of the org server's path" -> {
                path = "/oauth2/v1/userinfo";
                yield new String[]{"Authorization", "Bearer " + at};
            }
            default -> throw new IllegalArgumentException(kind);
        };
        assertInvalidToken(http.get(path, headers));
    }

    @Test
    void refusesAnExpiredAccessToken() {
        String at = adminTokens("openid profile").get("access_token").asText();
        assertThat(userinfo(at).status()).isEqualTo(200);
        server.clock.advance(Duration.ofMinutes(61));
        assertInvalidToken(userinfo(at));
    }

    @Test
    void refusesARevokedAccessToken() {
        String at = adminTokens("openid profile").get("access_token").asText();
        assertThat(userinfo(at).status()).isEqualTo(200);
        assertThat(spa.formAsAuthJs("/revoke", "token", at, "token_type_hint", "access_token").status()).isEqualTo(200);
        assertInvalidToken(userinfo(at));
    }

    @Test
    void refusesTheTokenOfADeactivatedUser() {
        String login = "leaver." + System.nanoTime() + "@gatehouse.test";
        String userId = dev.gatehouse.support.People.create(http, login, "Correct-Horse-42");
        String at = spa.tokens(OAuthFlow.signedIn(server, login, "Correct-Horse-42"), "openid").get("access_token").asText();
        assertThat(userinfo(at).status()).isEqualTo(200);
        assertThat(http.send("POST", "/api/v1/users/" + userId + "/lifecycle/deactivate", null, ssws(TestServer.API_TOKEN)).status())
                .isEqualTo(200);
        assertInvalidToken(userinfo(at));
    }

    @Test
    void clientCredentialsTokenHasNoUserSoItIsInsufficientScope() {
        Http.Response r = userinfo(OAuthFlow.clientCredentialsToken(server));
        assertInsufficientScope(r);
    }

    @Test
    void userTokenWithoutOpenidIsInsufficientScope() {
        String scope = "orders.read." + System.nanoTime();
        assertThat(http.send("POST", "/api/v1/authorizationServers/default/scopes", "{\"name\":\"" + scope + "\"}",
                ssws(TestServer.API_TOKEN, "Content-Type", "application/json")).status()).isEqualTo(201);
        JsonNode tokens = adminTokens(scope);
        assertThat(tokens.has("id_token")).isFalse();
        assertInsufficientScope(userinfo(tokens.get("access_token").asText()));
    }

    @Test
    void everyAnswerIsLogged() {
        long ok = OAuthFlow.events(server, "app.oauth2.as.userinfo.read", "SUCCESS");
        long failed = OAuthFlow.events(server, "app.oauth2.as.userinfo.read", "FAILURE");
        userinfo(adminTokens("openid").get("access_token").asText());
        userinfo("garbage");
        assertThat(OAuthFlow.events(server, "app.oauth2.as.userinfo.read", "SUCCESS")).isEqualTo(ok + 1);
        assertThat(OAuthFlow.events(server, "app.oauth2.as.userinfo.read", "FAILURE")).isEqualTo(failed + 1);
    }

    static void assertInvalidToken(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isEqualTo(INVALID);
        assertThat(r.json().toString()).isEqualTo("{\"error\":\"invalid_token\",\"error_description\":\"The access token is invalid\"}");
    }

    static void assertInsufficientScope(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.header("WWW-Authenticate")).isEqualTo(INSUFFICIENT);
        assertThat(r.json().get("error").asText()).isEqualTo("insufficient_scope");
    }
}
