package dev.gatehouse.oauth.refresh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refresh-token rotation for single-page apps with a movable clock: rotation, the grace period, reuse
 * detection revoking the family, leeway 0, persistent tokens, the family's absolute lifetime and idle expiry.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class RefreshRotationHttpTest {

    @Parameter
    TestDatabase database;

    static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    static OAuthFlow spa(String rotation, Integer leeway) {
        return RefreshPolicies.spa(server, rotation, leeway);
    }

    static JsonNode firstTokens(OAuthFlow flow) {
        return RefreshPolicies.firstTokens(server, flow);
    }

    static boolean active(OAuthFlow flow, String token) {
        Http.Response r = flow.form("/introspect", "client_id", flow.clientId(), "token", token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("active").asBoolean();
    }

    @Test
    void rotationReturnsANewRefreshTokenEachTime() {
        OAuthFlow flow = spa("ROTATE", 30);
        String first = firstTokens(flow).get("refresh_token").asText();
        Http.Response r = flow.refresh(first);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String second = r.json().get("refresh_token").asText();
        assertThat(second).isNotEqualTo(first);
        assertThat(r.json().get("access_token").asText()).isNotBlank();
        assertThat(r.json().get("id_token").asText()).isNotBlank();
        assertThat(flow.refresh(second).status()).isEqualTo(200);
    }

    @Test
    void reuseInsideTheGracePeriodSucceedsWithANewTokenOfTheSameFamily() {
        OAuthFlow flow = spa("ROTATE", 30);
        String first = firstTokens(flow).get("refresh_token").asText();
        String second = flow.refresh(first).json().get("refresh_token").asText();
        server.clock.advance(Duration.ofSeconds(29));
        Http.Response again = flow.refresh(first);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        String third = again.json().get("refresh_token").asText();
        assertThat(third).isNotEqualTo(second).isNotEqualTo(first);
        assertThat(active(flow, second)).isTrue();
        assertThat(active(flow, third)).isTrue();
    }

    @Test
    void reuseAfterTheGracePeriodRevokesTheWholeFamilyAndIsLogged() {
        OAuthFlow flow = spa("ROTATE", 30);
        JsonNode tokens = firstTokens(flow);
        String first = tokens.get("refresh_token").asText();
        JsonNode rotated = flow.refresh(first).json();
        String newest = rotated.get("refresh_token").asText();
        String newestAccess = rotated.get("access_token").asText();
        long events = OAuthFlow.events(server, "app.oauth2.as.token.detect_reuse", "FAILURE");
        server.clock.advance(Duration.ofSeconds(31));
        Http.Response reuse = flow.refresh(first);
        assertThat(reuse.status()).isEqualTo(400);
        assertThat(reuse.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(reuse.json().get("error_description").asText()).isEqualTo("The refresh token is invalid or expired.");
        assertThat(flow.refresh(newest).status()).as("the newest refresh token of the family").isEqualTo(400);
        assertThat(active(flow, newestAccess)).as("access tokens minted from the family").isFalse();
        assertThat(active(flow, tokens.get("access_token").asText())).isFalse();
        Http.Response userinfo = server.http().get(flow.base() + "/userinfo", "Authorization", "Bearer " + newestAccess);
        assertThat(userinfo.status()).isEqualTo(401);
        assertThat(OAuthFlow.events(server, "app.oauth2.as.token.detect_reuse", "FAILURE")).isEqualTo(events + 1);
    }

    @Test
    void withNoGracePeriodASecondUseIsReuse() {
        OAuthFlow flow = spa("ROTATE", 0);
        String first = firstTokens(flow).get("refresh_token").asText();
        String second = flow.refresh(first).json().get("refresh_token").asText();
        assertThat(flow.refresh(first).status()).isEqualTo(400);
        assertThat(flow.refresh(second).status()).isEqualTo(400);
    }

    @Test
    void persistentTokensComeBackUnchangedAndSlideTheirIdleWindow() {
        OAuthFlow flow = spa("STATIC", null);
        String token = firstTokens(flow).get("refresh_token").asText();
        for (int i = 0; i < 3; i++) {
            server.clock.advance(Duration.ofDays(6));
            Http.Response r = flow.refresh(token);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("refresh_token").asText()).isEqualTo(token);
        }
        server.clock.advance(Duration.ofDays(7).plusSeconds(1));
        assertThat(flow.refresh(token).status()).as("idle for more than 7 days").isEqualTo(400);
    }

    @Test
    void aRotatedTokenUnusedForSevenDaysExpires() {
        OAuthFlow flow = spa("ROTATE", 30);
        String first = firstTokens(flow).get("refresh_token").asText();
        String second = flow.refresh(first).json().get("refresh_token").asText();
        server.clock.advance(Duration.ofDays(7).plusSeconds(1));
        assertThat(flow.refresh(second).status()).isEqualTo(400);
    }

    @Test
    void rotationNeverExtendsTheFamilysAbsoluteLifetime() {
        OAuthFlow flow = spa("ROTATE", 30);
        String token = firstTokens(flow).get("refresh_token").asText();
        String hash = dev.gatehouse.storage.Hashes.sha256(token);
        String family = server.wiring().db.read(h -> h.createQuery("SELECT family_id FROM refresh_tokens WHERE token_hash = :h")
                .bind("h", hash).mapTo(String.class).one());
        // An absolute end one day out, as a server with a 1-day refresh-token lifetime would set at the first token.
        java.time.Instant end = server.clock.instant().plus(Duration.ofDays(1));
        server.wiring().db.tx(h -> h.createUpdate("UPDATE token_families SET expires_at = :end WHERE id = :id")
                .bind("end", end).bind("id", family).execute());
        for (int i = 0; i < 4; i++) {
            server.clock.advance(Duration.ofHours(5));
            Http.Response r = flow.refresh(token);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            token = r.json().get("refresh_token").asText();
        }
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM token_families WHERE id = '" + family + "' AND expires_at IS NOT NULL"))
                .isEqualTo(1);
        server.clock.advance(Duration.ofHours(5));
        assertThat(flow.refresh(token).status()).as("past the family's end, however recently rotated").isEqualTo(400);
    }
}
