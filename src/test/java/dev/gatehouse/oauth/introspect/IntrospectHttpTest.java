package dev.gatehouse.oauth.introspect;

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
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.gatehouse.support.OAuthFlow.ALL_SCOPES;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1/introspect}: Okta's shapes for active tokens, {@code {"active":false}} for everything else, and its errors; on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class IntrospectHttpTest {

    static final String INACTIVE = "{\"active\":false}";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static OAuthFlow spa;
    static OAuthFlow otherSpa;
    static Browser admin;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        spa = OAuthFlow.spa(server);
        otherSpa = OAuthFlow.spa(server);
        admin = OAuthFlow.signedIn(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    static Http.Response introspect(String token, String hint) {
        return spa.form("/introspect", "client_id", spa.clientId(), "token", token, "token_type_hint", hint);
    }

    static List<String> names(JsonNode j) {
        List<String> names = new ArrayList<>();
        j.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void activeAccessTokenHasOktasShape() {
        JsonNode tokens = spa.tokens(admin, ALL_SCOPES);
        String at = tokens.get("access_token").asText();
        Http.Response r = introspect(at, "access_token");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        JsonNode j = r.json();
        assertThat(names(j)).containsExactly("active", "token_type", "scope", "client_id", "username", "exp", "iat", "sub", "aud", "iss",
                "jti", "uid");
        JsonNode claims = OAuthFlow.claims(at);
        assertThat(j.get("active").asBoolean()).isTrue();
        assertThat(j.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(j.get("scope").asText()).isEqualTo(ALL_SCOPES);
        assertThat(j.get("client_id").asText()).isEqualTo(spa.clientId());
        assertThat(j.get("username").asText()).isEqualTo(TestServer.ADMIN);
        assertThat(j.get("sub").asText()).as("the login, as the access token's sub").isEqualTo(TestServer.ADMIN);
        assertThat(j.get("exp").asLong()).isEqualTo(claims.get("exp").asLong());
        assertThat(j.get("iat").asLong()).isEqualTo(claims.get("iat").asLong());
        assertThat(j.get("exp").asLong() - j.get("iat").asLong()).isEqualTo(3600);
        assertThat(j.get("aud").asText()).isEqualTo("api://default");
        assertThat(j.get("iss").asText()).isEqualTo(server.wiring().config.baseUrl() + "/oauth2/default").isEqualTo(claims.get("iss").asText());
        assertThat(j.get("jti").asText()).startsWith("AT.").isEqualTo(claims.get("jti").asText());
        assertThat(j.get("uid").asText()).startsWith("00u").isEqualTo(OAuthFlow.claims(tokens.get("id_token").asText()).get("sub").asText());
    }

    @Test
    void activeRefreshTokenHasOktasShapeWithTheIdleExpiry() {
        JsonNode tokens = spa.tokens(admin, ALL_SCOPES);
        Http.Response r = introspect(tokens.get("refresh_token").asText(), "refresh_token");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(names(j)).containsExactly("active", "token_type", "scope", "client_id", "username", "exp", "sub", "uid");
        assertThat(j.get("active").asBoolean()).isTrue();
        assertThat(j.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(j.get("scope").asText()).isEqualTo(ALL_SCOPES);
        assertThat(j.get("client_id").asText()).isEqualTo(spa.clientId());
        assertThat(j.get("username").asText()).isEqualTo(TestServer.ADMIN);
        assertThat(j.get("sub").asText()).isEqualTo(TestServer.ADMIN);
        assertThat(j.get("uid").asText()).isEqualTo(OAuthFlow.claims(tokens.get("id_token").asText()).get("sub").asText());
        long sevenDays = server.clock.instant().plus(Duration.ofDays(7)).getEpochSecond();
        assertThat(j.get("exp").asLong()).as("the default 7-day idle window, no absolute limit").isBetween(sevenDays - 5, sevenDays);
    }

    @Test
    void idTokenOfTheAskingClientIsActiveWithItsOwnClaims() {
        String idToken = spa.tokens(admin, "openid profile").get("id_token").asText();
        JsonNode j = introspect(idToken, "id_token").json();
        JsonNode claims = OAuthFlow.claims(idToken);
        assertThat(j.get("active").asBoolean()).isTrue();
        assertThat(j.get("sub").asText()).isEqualTo(claims.get("sub").asText());
        assertThat(j.get("aud").asText()).isEqualTo(spa.clientId());
        assertThat(j.get("jti").asText()).startsWith("ID.");
        assertThat(j.get("preferred_username").asText()).isEqualTo(TestServer.ADMIN);
    }

    @Test
    void theHintIsOnlyAHint() {
        JsonNode tokens = spa.tokens(admin, ALL_SCOPES);
        assertThat(introspect(tokens.get("access_token").asText(), "refresh_token").json().get("active").asBoolean()).isTrue();
        assertThat(introspect(tokens.get("refresh_token").asText(), "access_token").json().get("active").asBoolean()).isTrue();
        assertThat(introspect(tokens.get("refresh_token").asText(), "no_such_kind").json().get("active").asBoolean()).isTrue();
    }

    @Test
    void publicClientMayAuthenticateWithBasicClientIdOnlyAsOktaAuthJsDoes() {
        String at = spa.tokens(admin, ALL_SCOPES).get("access_token").asText();
        Http.Response r = spa.formAsAuthJs("/introspect", "token", at, "token_type_hint", "access_token");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("active").asBoolean()).isTrue();
        assertThat(r.json().get("client_id").asText()).isEqualTo(spa.clientId());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"an unknown opaque token", "a JWT that is not ours", "another client's access token",
            "another client's refresh token", "another client's ID token", "a revoked access token", "a refresh token of a revoked family",
            "an access token of another family member after the refresh token was revoked", "an access token at another authorization server"})
    void everythingElseIsInactiveAndNothingMore(String kind) {
        JsonNode mine = spa.tokens(admin, ALL_SCOPES);
        Http.Response r = switch (kind) {
            case "an unknown opaque token" -> introspect("i6mapTIAVSp2oJkgUnCACKKfZxt_H5MBLiqcybBBd04", "refresh_token");
            case "a JWT that is not ours" -> introspect("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "access_token");
            case "another client's access token" -> introspect(otherSpa.tokens(admin, ALL_SCOPES).get("access_token").asText(), "access_token");
            case "another client's refresh token" -> introspect(otherSpa.tokens(admin, ALL_SCOPES).get("refresh_token").asText(), "refresh_token");
            case "another client's ID token" -> introspect(otherSpa.tokens(admin, ALL_SCOPES).get("id_token").asText(), "id_token");
            case "a revoked access token" -> {
                assertThat(spa.formAsAuthJs("/revoke", "token", mine.get("access_token").asText()).status()).isEqualTo(200);
                yield introspect(mine.get("access_token").asText(), "access_token");
            }
            case "a refresh token of a revoked family" -> {
                assertThat(spa.formAsAuthJs("/revoke", "token", mine.get("refresh_token").asText()).status()).isEqualTo(200);
                yield introspect(mine.get("refresh_token").asText(), "refresh_token");
            }
            case "an access token of another family member after the refresh token was revoked" -> {
                assertThat(spa.formAsAuthJs("/revoke", "token", mine.get("refresh_token").asText()).status()).isEqualTo(200);
                yield introspect(mine.get("access_token").asText(), "access_token");
            }
            case "an access token at another authorization server" -> spa.at("org").form("/introspect", "client_id", spa.clientId(),
                    "token", mine.get("access_token").asText());
            default -> throw new IllegalArgumentException(kind);
        };
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(INACTIVE);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void anExpiredAccessTokenIsInactiveWhileItsRefreshTokenIsNot() {
        JsonNode tokens = spa.tokens(admin, ALL_SCOPES);
        server.clock.advance(Duration.ofMinutes(61));
        assertThat(introspect(tokens.get("access_token").asText(), "access_token").body()).isEqualTo(INACTIVE);
        assertThat(introspect(tokens.get("id_token").asText(), "id_token").body()).isEqualTo(INACTIVE);
        assertThat(introspect(tokens.get("refresh_token").asText(), "refresh_token").json().get("active").asBoolean()).isTrue();
    }

    @Test
    void aMissingTokenIs400InvalidRequest() {
        Http.Response r = spa.form("/introspect", "client_id", spa.clientId(), "token_type_hint", "access_token");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.body()).isEqualTo("{\"error\":\"invalid_request\",\"error_description\":\"The `token` parameter is required.\"}");
    }

    @Test
    void noClientCredentialsIs401InvalidClient() {
        Http.Response r = spa.form("/introspect", "token", "anything");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).isEqualTo("{\"error\":\"invalid_client\",\"error_description\":\"No client credentials found.\"}");
    }

    @Test
    void anUnknownClientIs401InvalidClient() {
        Http.Response r = spa.formWith(OAuthFlow.basicClientIdOnly("0oaNoSuchClient00000"), "/introspect", "token", "anything");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void everyAnswerIsLogged() {
        long ok = OAuthFlow.events(server, "app.oauth2.as.token.introspect", "SUCCESS");
        long failed = OAuthFlow.events(server, "app.oauth2.as.token.introspect", "FAILURE");
        introspect("unknown", "refresh_token");
        spa.form("/introspect", "token", "anything");
        assertThat(OAuthFlow.events(server, "app.oauth2.as.token.introspect", "SUCCESS")).isEqualTo(ok + 1);
        assertThat(OAuthFlow.events(server, "app.oauth2.as.token.introspect", "FAILURE")).isEqualTo(failed + 1);
    }
}
