package dev.gatehouse.oauth.keys;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.AuthorizationServerRequest;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.syslog.EventContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Automatic rotation, driven by moving the server's clock and running the check every node schedules. Each test
 * has a server of its own, since the clock jumps months ahead.
 */
@Tag("slow")   // a load or chaos test: runs after the fast tier (./gatehouse test), not in ./gatehouse test --fast
class AutomaticKeyRotationTest {

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private List<String> published(String asId) throws Exception {
        Http.Response r = server.http().get("/oauth2/" + asId + "/v1/keys");
        assertThat(r.status()).isEqualTo(200);
        return JWKSet.parse(r.body()).getKeys().stream().map(JWK::getKeyID).toList();
    }

    private String cacheControl(String asId) {
        return server.http().get("/oauth2/" + asId + "/v1/keys").header("Cache-Control");
    }

    private SigningKeys keys() {
        return server.wiring().signingKeys;
    }

    @ParameterizedTest
    @MethodSource("dev.gatehouse.support.TestDatabase#all")
    void theNextKeyIsPublishedWeeksAheadAndSignsAfterNinetyDays(TestDatabase database) throws Exception {
        server = TestServer.start(database);
        keys().awaitKeysMadeInAdvance();   // every built-in server gets its keys at start, so they all fall due together
        long servers = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM signing_key_schedules WHERE next_rotation_at IS NOT NULL");
        assertThat(servers).as("built-in servers with keys before any token").isGreaterThanOrEqualTo(1);
        TokenSigner first = keys().activeSigner("default");
        List<String> atStart = published("default");
        String next = atStart.stream().filter(k -> !k.equals(first.kid())).findFirst().orElseThrow();
        String jwt = first.sign(new JWTClaimsSet.Builder().subject("u").build());
        Instant due = keys().signing("default").nextRotation();
        assertThat(due).isEqualTo(keys().signing("default").lastRotated().plus(Duration.ofDays(90)));
        assertThat(first.kid()).isNotEqualTo(next);

        server.clock.advance(Duration.ofDays(90 - 14).plusMinutes(1));
        assertThat(keys().rotateDue()).isZero();
        assertThat(published("default")).containsExactly(first.kid(), next);
        assertThat(keys().activeSigner("default").kid()).isEqualTo(first.kid());

        // Near the rotation the JWKS may be cached only until shortly before it (5-minute margin).
        server.clock.advance(Duration.between(server.clock.instant(), due).minusMinutes(30));
        assertThat(cacheControl("default")).isEqualTo("max-age=1500, must-revalidate");
        assertThat(keys().rotateDue()).isZero();

        server.clock.advance(Duration.ofMinutes(31));
        long rollovers = events();
        assertThat(keys().rotateDue()).isEqualTo(servers);
        assertThat(keys().rotateDue()).as("a due rotation happens once").isZero();
        assertThat(events()).isEqualTo(rollovers + servers);
        assertThat(keys().activeSigner("default").kid()).isEqualTo(next);
        List<String> after = published("default");
        assertThat(after).hasSize(3).startsWith(next).contains(first.kid());
        JWKSet set = JWKSet.parse(server.http().get("/oauth2/default/v1/keys").body());
        assertThat(SignedJWT.parse(jwt).verify(new RSASSAVerifier((RSAKey) set.getKeyByKeyId(first.kid())))).isTrue();
        assertThat(Duration.between(server.clock.instant().plus(Duration.ofDays(90)), keys().signing("default").nextRotation()).abs())
                .isLessThan(Duration.ofMillis(1));

        // The retired key stays published for the longest token lifetime (plus an hour), then it is gone, private part included.
        server.clock.advance(Duration.ofHours(24));
        keys().rotateDue();
        assertThat(published("default")).contains(first.kid());
        server.clock.advance(Duration.ofHours(1).plusMinutes(1));
        keys().rotateDue();
        assertThat(published("default")).doesNotContain(first.kid()).hasSize(2);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM signing_keys WHERE kid = '" + first.kid() + "'")).isZero();
    }

    @ParameterizedTest
    @MethodSource("dev.gatehouse.support.TestDatabase#all")
    void aNewServersKeysAreMadeWhenItIsCreatedNotInItsFirstTokenRequest(TestDatabase database) {
        server = TestServer.start(database);
        AuthorizationServer s = server.wiring().authorizationServers.create(EventContext.system("test"),
                new AuthorizationServerRequest("Early keys", null, List.of("api://early-keys"), null));
        keys().awaitKeysMadeInAdvance();
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM signing_keys WHERE authorization_server_id = '" + s.id() + "'"))
                .as("ACTIVE and NEXT, before anything asked for them").isEqualTo(2);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM signing_keys WHERE authorization_server_id = 'default'")).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("dev.gatehouse.support.TestDatabase#all")
    void aRotationWaitsUntilTheNextKeyHasBeenPublishedForTwoWeeks(TestDatabase database) throws Exception {
        server = TestServer.start(database);
        AuthorizationServer s = server.wiring().authorizationServers.create(EventContext.system("test"),
                new AuthorizationServerRequest("Catch-up", null, List.of("api://catch-up"), null));
        String active = keys().activeSigner(s.id()).kid();
        // As if the node that made the next key had lost it, and the rotation were due right now.
        server.wiring().db.tx(h -> h.createUpdate("DELETE FROM signing_keys WHERE authorization_server_id = :as AND kid <> :kid")
                .bind("as", s.id()).bind("kid", active).execute());
        server.wiring().db.tx(h -> h.createUpdate("UPDATE signing_key_schedules SET next_rotation_at = :now WHERE authorization_server_id = :as")
                .bind("as", s.id()).bind("now", server.clock.instant().minusSeconds(1)).execute());

        assertThat(keys().rotateDue()).isZero();
        assertThat(keys().activeSigner(s.id()).kid()).isEqualTo(active);
        List<String> published = published(s.id());
        assertThat(published).hasSize(2).contains(active);
        Instant postponed = keys().signing(s.id()).nextRotation();
        assertThat(Duration.between(server.clock.instant(), postponed)).isBetween(Duration.ofDays(14).minusSeconds(1), Duration.ofDays(14).plusSeconds(1));

        server.clock.advance(Duration.ofDays(14).plusMinutes(1));
        assertThat(keys().rotateDue()).isEqualTo(1);
        assertThat(published).contains(keys().activeSigner(s.id()).kid());
    }

    private long events() {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'app.oauth2.as.key.rollover'"
                + " AND actor_type = 'SystemPrincipal'");
    }
}
