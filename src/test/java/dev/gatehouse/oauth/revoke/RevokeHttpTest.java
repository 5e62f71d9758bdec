package dev.gatehouse.oauth.revoke;

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

import static dev.gatehouse.support.OAuthFlow.ALL_SCOPES;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1/revoke}: what a revocation reaches (and what it leaves alone), and its answers; on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class RevokeHttpTest {

    @Parameter
    TestDatabase database;

    static TestServer server;
    static Http http;
    static OAuthFlow spa;
    static OAuthFlow otherSpa;
    static Browser admin;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        http = server.http();
        spa = OAuthFlow.spa(server);
        otherSpa = OAuthFlow.spa(server);
        admin = OAuthFlow.signedIn(server);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    /** Revokes as okta-auth-js's {@code signOut()} does: Basic base64(client_id), a hint, a form. */
    static Http.Response revoke(OAuthFlow client, String token, String hint) {
        return client.formAsAuthJs("/revoke", "token_type_hint", hint, "token", token);
    }

    static boolean active(OAuthFlow client, String token) {
        return client.form("/introspect", "client_id", client.clientId(), "token", token).json().get("active").asBoolean();
    }

    static int userinfo(String accessToken) {
        return http.get("/oauth2/default/v1/userinfo", "Authorization", "Bearer " + accessToken).status();
    }

    static void assertEmpty200(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void revokingAnAccessTokenEndsItButLeavesTheRefreshTokenUsable() {
        JsonNode tokens = spa.tokens(admin, ALL_SCOPES);
        String at = tokens.get("access_token").asText();
        String rt = tokens.get("refresh_token").asText();

        assertEmpty200(revoke(spa, at, "access_token"));

        assertThat(active(spa, at)).isFalse();
        assertThat(userinfo(at)).isEqualTo(401);
        assertThat(active(spa, rt)).as("revoking an access token doesn't revoke the associated refresh token").isTrue();
        Http.Response refreshed = spa.refresh(rt);
        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        assertThat(userinfo(refreshed.json().get("access_token").asText())).isEqualTo(200);
    }

    @Test
    void revokingARefreshTokenRevokesItsWholeFamily() {
        JsonNode tokens = spa.tokens(admin, ALL_SCOPES);
        String firstAt = tokens.get("access_token").asText();
        String rt = tokens.get("refresh_token").asText();
        Http.Response refreshed = spa.refresh(rt);
        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        String secondAt = refreshed.json().get("access_token").asText();
        String currentRt = refreshed.json().get("refresh_token").asText();
        assertThat(userinfo(secondAt)).isEqualTo(200);

        assertEmpty200(revoke(spa, currentRt, "refresh_token"));

        assertThat(active(spa, currentRt)).isFalse();
        assertThat(active(spa, firstAt)).as("the access token of the code exchange").isFalse();
        assertThat(active(spa, secondAt)).as("the access token minted by the refresh").isFalse();
        assertThat(userinfo(firstAt)).isEqualTo(401);
        assertThat(userinfo(secondAt)).isEqualTo(401);
        Http.Response again = spa.refresh(currentRt);
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void revokingLeavesOtherSignInsAlone() {
        JsonNode kept = spa.tokens(admin, ALL_SCOPES);
        JsonNode revoked = spa.tokens(admin, ALL_SCOPES);
        assertEmpty200(revoke(spa, revoked.get("refresh_token").asText(), "refresh_token"));
        assertThat(active(spa, kept.get("refresh_token").asText())).isTrue();
        assertThat(active(spa, kept.get("access_token").asText())).isTrue();
    }

    @Test
    void anotherClientsTokensAreLeftUnchanged() {
        JsonNode theirs = otherSpa.tokens(admin, ALL_SCOPES);
        assertEmpty200(revoke(spa, theirs.get("access_token").asText(), "access_token"));
        assertEmpty200(revoke(spa, theirs.get("refresh_token").asText(), "refresh_token"));

        assertThat(active(otherSpa, theirs.get("access_token").asText())).isTrue();
        assertThat(active(otherSpa, theirs.get("refresh_token").asText())).isTrue();
        assertThat(userinfo(theirs.get("access_token").asText())).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"an unknown opaque token", "a JWT that is not ours", "an already revoked access token",
            "an already revoked refresh token", "an ID token", "a token with a hint that does not fit"})
    void answers200WithAnEmptyBodyWhateverTheTokenIs(String kind) {
        JsonNode tokens = spa.tokens(admin, ALL_SCOPES);
        Http.Response r = switch (kind) {
            case "an unknown opaque token" -> revoke(spa, "i6mapTIAVSp2oJkgUnCACKKfZxt_H5MBLiqcybBBd04", "refresh_token");
            case "a JWT that is not ours" -> revoke(spa, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "access_token");
            case "an already revoked access token" -> {
                revoke(spa, tokens.get("access_token").asText(), "access_token");
                yield revoke(spa, tokens.get("access_token").asText(), "access_token");
            }
            case "an already revoked refresh token" -> {
                revoke(spa, tokens.get("refresh_token").asText(), "refresh_token");
                yield revoke(spa, tokens.get("refresh_token").asText(), "refresh_token");
            }
            case "an ID token" -> revoke(spa, tokens.get("id_token").asText(), "id_token");
            case "a token with a hint that does not fit" -> revoke(spa, tokens.get("refresh_token").asText(), "access_token");
            default -> throw new IllegalArgumentException(kind);
        };
        assertEmpty200(r);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        if (kind.equals("a token with a hint that does not fit")) {
            assertThat(active(spa, tokens.get("refresh_token").asText())).as("the hint is only a hint").isFalse();
        }
    }

    @Test
    void clientIdInTheBodyAuthenticatesAPublicClientToo() {
        JsonNode tokens = spa.tokens(admin, ALL_SCOPES);
        assertEmpty200(spa.form("/revoke", "client_id", spa.clientId(), "token", tokens.get("access_token").asText()));
        assertThat(active(spa, tokens.get("access_token").asText())).isFalse();
    }

    @Test
    void aMissingTokenIs400InvalidRequest() {
        Http.Response r = spa.formAsAuthJs("/revoke", "token_type_hint", "access_token");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"error\":\"invalid_request\",\"error_description\":\"The `token` parameter is required.\"}");
    }

    @Test
    void noClientCredentialsIs401InvalidClient() {
        Http.Response r = spa.form("/revoke", "token", "anything");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).isEqualTo("{\"error\":\"invalid_client\",\"error_description\":\"No client credentials found.\"}");
    }

    @Test
    void aPublicClientSendingASecretIsRefused() {
        Http.Response r = spa.formWith(OAuthFlow.basic(spa.clientId(), "not-a-secret"), "/revoke", "token", "anything");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void everyRequestIsLoggedAsTokenRevoke() {
        long ok = OAuthFlow.events(server, "app.oauth2.as.token.revoke", "SUCCESS");
        long skipped = OAuthFlow.events(server, "app.oauth2.as.token.revoke", "SKIPPED");
        long failed = OAuthFlow.events(server, "app.oauth2.as.token.revoke", "FAILURE");
        JsonNode tokens = spa.tokens(admin, ALL_SCOPES);
        revoke(spa, tokens.get("access_token").asText(), "access_token");
        revoke(spa, tokens.get("access_token").asText(), "access_token");
        spa.form("/revoke", "token", "anything");
        assertThat(OAuthFlow.events(server, "app.oauth2.as.token.revoke", "SUCCESS")).isEqualTo(ok + 1);
        assertThat(OAuthFlow.events(server, "app.oauth2.as.token.revoke", "SKIPPED")).isEqualTo(skipped + 1);
        assertThat(OAuthFlow.events(server, "app.oauth2.as.token.revoke", "FAILURE")).isEqualTo(failed + 1);
    }

    @Test
    void theOrgServerLogsItsOwnEventType() {
        OAuthFlow org = spa.at("org");
        JsonNode tokens = org.tokens(admin, ALL_SCOPES);
        long before = OAuthFlow.events(server, "app.oauth2.token.revoke", "SUCCESS");
        assertEmpty200(revoke(org, tokens.get("refresh_token").asText(), "refresh_token"));
        assertThat(OAuthFlow.events(server, "app.oauth2.token.revoke", "SUCCESS")).isEqualTo(before + 1);
        assertThat(active(org, tokens.get("access_token").asText())).isFalse();
    }
}
