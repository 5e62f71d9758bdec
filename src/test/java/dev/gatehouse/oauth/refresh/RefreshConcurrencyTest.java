package dev.gatehouse.oauth.refresh;

import dev.gatehouse.Wiring;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.storage.Hashes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fifty simultaneous refreshes of one token, spread over two Gatehouse nodes sharing one store, twenty
 * rounds each: with no grace period exactly one wins and the family ends revoked; with a 30 s grace
 * period all succeed and every token they get belongs to the family.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
@Tag("slow")   // a load or chaos test: runs after the fast tier (./gatehouse test), not in ./gatehouse test --fast
class RefreshConcurrencyTest {

    static final int CONCURRENT = 50;
    static final int ROUNDS = 20;

    @Parameter
    TestDatabase database;

    static TestServer server;
    static Wiring secondNode;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        secondNode = Wiring.start(server.anotherNodeConfig(), server.clock);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        secondNode.close();
        server.close();
    }

    @Test
    void withNoGracePeriodExactlyOneOfFiftyConcurrentRefreshesWins() throws Exception {
        OAuthFlow flow = RefreshPolicies.spa(server, "ROTATE", 0);
        var browser = OAuthFlow.signedIn(server);
        for (int round = 0; round < ROUNDS; round++) {
            String token = flow.tokens(browser, OAuthFlow.ALL_SCOPES).get("refresh_token").asText();
            List<Http.Response> answers = race(flow, token);
            assertThat(answers.stream().filter(r -> r.status() == 200).count()).as("round " + round).isEqualTo(1);
            assertThat(answers).allSatisfy(r -> assertThat(r.status()).isIn(200, 400));
            String family = familyOf(token);
            assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM token_families WHERE id = '" + family + "' AND revoked_at IS NOT NULL"))
                    .as("round " + round + ": the family ends revoked").isEqualTo(1);
        }
    }

    @Test
    void withAGracePeriodAllFiftyConcurrentRefreshesSucceedWithinTheFamily() throws Exception {
        OAuthFlow flow = RefreshPolicies.spa(server, "ROTATE", 30);
        var browser = OAuthFlow.signedIn(server);
        for (int round = 0; round < ROUNDS; round++) {
            String token = flow.tokens(browser, OAuthFlow.ALL_SCOPES).get("refresh_token").asText();
            List<Http.Response> answers = race(flow, token);
            assertThat(answers).as("round " + round).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
            String family = familyOf(token);
            for (Http.Response r : answers) {
                assertThat(familyOf(r.json().get("refresh_token").asText())).isEqualTo(family);
            }
            assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM token_families WHERE id = '" + family + "' AND revoked_at IS NULL"))
                    .isEqualTo(1);
        }
    }

    /** All requests start together; even ones go to the first node, odd ones to the second. */
    private static List<Http.Response> race(OAuthFlow flow, String token) throws Exception {
        Http[] nodes = {server.http(), new Http("http://127.0.0.1:" + secondNode.port())};
        String body = OAuthFlow.encode("grant_type", "refresh_token", "client_id", flow.clientId(), "refresh_token", token);
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Http.Response>> futures = new ArrayList<>();
            for (int i = 0; i < CONCURRENT; i++) {
                Http node = nodes[i % 2];
                futures.add(pool.submit((Callable<Http.Response>) () -> {
                    go.await();
                    return node.send("POST", flow.base() + "/token", body, "Content-Type", "application/x-www-form-urlencoded");
                }));
            }
            go.countDown();
            List<Http.Response> out = new ArrayList<>();
            for (Future<Http.Response> f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }

    private static String familyOf(String refreshToken) {
        String hash = Hashes.sha256(refreshToken);
        return server.wiring().db.read(h -> h.createQuery("SELECT family_id FROM refresh_tokens WHERE token_hash = :h")
                .bind("h", hash).mapTo(String.class).one());
    }
}
