package dev.gatehouse.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.cluster.LoadClients.Ledger;
import dev.gatehouse.cluster.LoadClients.RefreshChain;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.NodeFlow;
import dev.gatehouse.support.NodeProcess;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #10, item 4: {@code kill -9} of a node in the middle of a refresh, sign-in and user-creation load, then a
 * restart, loses nothing that was acknowledged. On PostgreSQL two nodes share the schema and one is killed (the
 * clients carry on against the other); on H2 the only node is killed and restarted on the same data dir.
 *
 * <p>The invariants, checked after the restart (over HTTP) and after a second {@code kill -9} right after that
 * check (in the tables, so the check's own writes must have survived a crash too):
 * <ol>
 *   <li>Refresh: the last refresh token each client received refreshes (on every node). It was either never used,
 *       or used only by a refresh whose answer the client never got (the kill) and then retried within the grace
 *       period ({@code leeway} 60 s), which the rotation rules allow. Only a retry later than the grace period after
 *       the unanswered attempt may be refused, and then its family must be revoked (reuse detection).</li>
 *   <li>Every access token a client received introspects as active (families revoked by rule 1 excepted).</li>
 *   <li>Every refresh token a client received is in the table; each one except the client's last has been used
 *       (legitimately rotated) and none is revoked; no used token lacks the successor its rotation wrote in the
 *       same transaction (no half-rotated family); no family is revoked except by rule 1.</li>
 *   <li>Every acknowledged token grant, sign-in and user creation has its System Log event (matched by the
 *       request id the client saw); every acknowledged user exists; every acknowledged session still works.</li>
 *   <li>No answer is a 5xx.</li>
 * </ol>
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)   // a hang guard: each phase is bounded on its own (start 180 s, load 30 s)
@Tag("slow")   // a load or chaos test: runs after the fast tier (./gatehouse test), not in ./gatehouse test --fast
class CrashSafetyTest {

    static final int LEEWAY_SECONDS = 60;
    static final int CHAINS = 4;
    /** The kill comes once the load has run this long and this many refreshes were answered (so it lands mid-load also on a slow machine). */
    static final Duration LOAD_BEFORE_KILL = Duration.ofSeconds(3);
    static final int GRANTS_BEFORE_KILL = 40;
    static final Duration DOWN_BEFORE_RESTART = Duration.ofSeconds(2);
    /** After the restart, the load goes on this long and until this many more refreshes were answered. */
    static final Duration LOAD_AFTER_RESTART = Duration.ofSeconds(3);
    static final int GRANTS_AFTER_RESTART = 20;
    /** Whatever the counts, no phase of load waits longer than this. */
    static final Duration MAX_PHASE = Duration.ofSeconds(30);

    @ParameterizedTest
    @MethodSource("dev.gatehouse.support.TestDatabase#all")
    void killMinus9DuringLoadLosesNothingAcknowledgedAndLeavesNoFamilyHalfRotated(TestDatabase database) throws Exception {
        String dbUrl = database.freshUrl();
        String tag = database.name().toLowerCase();
        List<NodeProcess> nodes = new ArrayList<>();
        ExecutorService load = Executors.newFixedThreadPool(CHAINS + 5);
        try {
            NodeProcess victim = NodeProcess.create("crash-" + tag + "-a", dbUrl, null, Map.of());
            nodes.add(victim);
            if (database == TestDatabase.POSTGRES) {
                nodes.add(NodeProcess.create("crash-" + tag + "-b", dbUrl, "http://127.0.0.1:" + victim.port, Map.of()));
            }
            nodes.forEach(NodeProcess::launch);
            nodes.forEach(NodeProcess::awaitReady);
            List<String> urls = nodes.stream().map(NodeProcess::url).toList();

            // Setup (not under load): an SPA with the longest grace period, a signed-in person, one family per chain.
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            Ledger ledger = new Ledger();
            AtomicBoolean stop = new AtomicBoolean();
            var roundRobin = LoadClients.roundRobin(urls);
            NodeFlow spa = NodeFlow.spa(victim.url(), LEEWAY_SECONDS);
            String password = "Durable-Secret-1";
            People.create(victim.http(), "crash-signin@crash.example", password);
            Browser browser = new Browser(victim.url());
            assertThat(NodeFlow.signIn(browser, victim.url(), victim.url(), TestServer.ADMIN, TestServer.ADMIN_PASSWORD).status()).isEqualTo(303);
            List<RefreshChain> chains = new ArrayList<>();
            for (int i = 0; i < CHAINS; i++) {
                JsonNode tokens = spa.tokens(browser, roundRobin.get(), roundRobin.get());
                RefreshChain chain = new RefreshChain(spa.clientId, tokens.get("refresh_token").asText(), Duration.ofSeconds(LEEWAY_SECONDS),
                        http, ledger, roundRobin, stop);
                chain.accessTokens.add(tokens.get("access_token").asText());
                chains.add(chain);
            }

            // A service app for client-credentials grants (their only write is their System Log event, batched: issue #23).
            JsonNode service = LoadClients.json(victim.http().send("POST", "/api/v1/apps", """
                    {"name":"oidc_client","label":"Crash Service","signOnMode":"OPENID_CONNECT",
                     "settings":{"oauthClient":{"application_type":"service","grant_types":["client_credentials"],"response_types":["token"]}}}""",
                    Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json")).body()).get("credentials").get("oauthClient");
            assertThat(victim.http().send("POST", "/api/v1/authorizationServers/default/scopes", "{\"name\":\"crash.read\"}",
                    Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json")).status()).isEqualTo(201);

            // Load; kill -9 in the middle of it; restart while the load goes on.
            List<Future<?>> running = new ArrayList<>();
            chains.forEach(c -> running.add(load.submit(c)));
            running.add(load.submit(new LoadClients.SignIns("crash-signin@crash.example", password, http, ledger, roundRobin, stop)));
            running.add(load.submit(new LoadClients.SignIns(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, http, ledger, roundRobin, stop)));
            running.add(load.submit(new LoadClients.UserWrites("w-" + tag, http, ledger, roundRobin, stop)));
            for (int i = 0; i < 2; i++) {
                running.add(load.submit(new LoadClients.ServiceGrants(service.get("client_id").asText(), service.get("client_secret").asText(),
                        "crash.read", http, ledger, roundRobin, stop)));
            }
            awaitLoad(ledger, LOAD_BEFORE_KILL, GRANTS_BEFORE_KILL);
            int requestsAtKill = ledger.requests.get();
            victim.kill();
            long killedAt = System.nanoTime();
            Thread.sleep(DOWN_BEFORE_RESTART.toMillis());
            victim.start();
            Duration outage = Duration.ofNanos(System.nanoTime() - killedAt);
            awaitLoad(ledger, LOAD_AFTER_RESTART, ledger.grantRequestIds.size() + GRANTS_AFTER_RESTART);
            stop.set(true);
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(ledger.violations).as("answers the rules do not allow, during the load").isEmpty();

            // After the restart: every chain goes on, on every node; every token and session received still works.
            int reused = (int) chains.stream().filter(c -> c.reuseAfterGrace).count();
            for (RefreshChain chain : chains) {
                if (chain.reuseAfterGrace) {
                    continue;
                }
                for (String node : urls) {
                    assertThat(chain.refreshOnce(node)).as("the last token of the chain refreshes on " + node + ": " + ledger.violations).isTrue();
                }
            }
            List<String> access = chains.stream().filter(c -> !c.reuseAfterGrace).flatMap(c -> c.accessTokens.stream()).toList();
            List<String> inactive = inParallel(access, urls, (token, node) -> {
                JsonNode r = spa.introspect(node, token, "access_token").json();
                return r.path("active").asBoolean() ? null : "access token not active on " + node + ": " + r;
            });
            assertThat(inactive).as("acknowledged access tokens that no longer work").isEmpty();
            List<String> sessionsLost = inParallel(List.copyOf(ledger.sessionCookies), urls, (sid, node) -> {
                Http.Response r = NodeFlow.api(node).get("/api/v1/sessions/me", "Cookie", "sid=" + sid, "Accept", "application/json");
                return r.status() == 200 ? null : "session lost (" + r.status() + " on " + node + ")";
            });
            assertThat(sessionsLost).as("acknowledged sign-ins whose session is gone").isEmpty();
            List<String> usersLost = inParallel(List.copyOf(ledger.userIds), urls, (id, node) -> {
                int status = NodeFlow.api(node).get("/api/v1/users/" + id, Http.ssws(TestServer.API_TOKEN)).status();
                return status == 200 ? null : "user " + id + " lost (" + status + " on " + node + ")";
            });
            assertThat(usersLost).as("acknowledged user creations that are gone").isEmpty();

            // A second kill -9 right after those answers, then the tables.
            nodes.forEach(NodeProcess::kill);
            checkTables(victim.jdbcUrl(), chains, ledger, reused);

            System.out.printf("CrashSafetyTest[%s]: %d nodes, %d requests (%d before the kill, %d unanswered), outage %d ms; acknowledged: "
                            + "%d refresh grants, %d sign-ins, %d users; checked after restart: %d access tokens, %d sessions, %d users, "
                            + "%d chains refreshed on every node; chains ended by reuse after grace: %d%n",
                    tag, nodes.size(), ledger.requests.get(), requestsAtKill, ledger.unanswered.get(), outage.toMillis(),
                    ledger.grantRequestIds.size(), ledger.signInRequestIds.size(), ledger.userIds.size(), access.size(),
                    ledger.sessionCookies.size(), ledger.userIds.size(), chains.size() - reused, reused);
            assertThat(ledger.grantRequestIds).as("the load made refreshes").isNotEmpty();
            assertThat(ledger.serviceGrantRequestIds).as("the load made client-credentials grants").isNotEmpty();
            assertThat(ledger.signInRequestIds).as("the load made sign-ins").isNotEmpty();
            assertThat(ledger.userIds).as("the load made users").isNotEmpty();
        } finally {
            load.shutdownNow();
            nodes.forEach(NodeProcess::close);
            TestDatabase.drop(dbUrl);
        }
    }

    /** Lets the load run at least {@code atLeast} and until {@code grants} refreshes were answered, but never past {@link #MAX_PHASE}. */
    static void awaitLoad(Ledger ledger, Duration atLeast, int grants) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < MAX_PHASE.toNanos()
                && (System.nanoTime() - start < atLeast.toNanos() || ledger.grantRequestIds.size() < grants) && ledger.violations.isEmpty()) {
            Thread.sleep(50);
        }
    }

    /** Invariants 3 and 4, read straight from the store after the nodes are dead. */
    static void checkTables(String jdbcUrl, List<RefreshChain> chains, Ledger ledger, int reused) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            Map<String, String[]> refresh = new HashMap<>();   // token_hash -> {first_used_at, revoked_at, family_id}
            try (ResultSet rs = c.createStatement().executeQuery("SELECT token_hash, first_used_at, revoked_at, family_id FROM refresh_tokens")) {
                while (rs.next()) {
                    refresh.put(rs.getString(1), new String[]{rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
            List<String> problems = new ArrayList<>();
            for (RefreshChain chain : chains) {
                List<String> received = List.copyOf(chain.refreshTokens);
                for (int i = 0; i < received.size(); i++) {
                    String[] row = refresh.get(Hashes.sha256(received.get(i)));
                    boolean last = i == received.size() - 1;
                    if (row == null) {
                        problems.add("refresh token #" + i + " of a chain was acknowledged but is not in the table");
                    } else if (!chain.reuseAfterGrace && row[1] != null) {
                        problems.add("refresh token #" + i + " of a chain is revoked");
                    } else if (!chain.reuseAfterGrace && !last && row[0] == null) {
                        problems.add("refresh token #" + i + " was followed by another but is recorded as never used");
                    } else if (!chain.reuseAfterGrace && last && row[0] != null) {
                        problems.add("the last refresh token of a chain is recorded as used, but nobody got its successor");
                    }
                }
            }
            assertThat(problems).as("refresh tokens the clients received").isEmpty();
            assertThat(strings(c, """
                    SELECT r.id FROM refresh_tokens r WHERE r.first_used_at IS NOT NULL AND NOT EXISTS (
                      SELECT 1 FROM refresh_tokens s WHERE s.family_id = r.family_id AND s.id <> r.id AND s.created_at = r.first_used_at)"""))
                    .as("used refresh tokens without the successor their rotation wrote (half-rotated families)").isEmpty();
            assertThat(strings(c, "SELECT id FROM token_families WHERE revoked_at IS NOT NULL")).as("revoked families").hasSize(reused);

            Set<String> jtis = new HashSet<>(strings(c, "SELECT jti FROM access_tokens"));
            List<String> missingAccess = chains.stream().flatMap(ch -> ch.accessTokens.stream())
                    .map(t -> OAuthFlow.claims(t).get("jti").asText()).filter(j -> !jtis.contains(j)).toList();
            assertThat(missingAccess).as("acknowledged access tokens not in the table").isEmpty();

            assertEvents(c, "app.oauth2.as.token.grant", ledger.grantRequestIds);
            assertEvents(c, "app.oauth2.as.token.grant", ledger.serviceGrantRequestIds);
            assertEvents(c, "user.session.start", ledger.signInRequestIds);
            assertEvents(c, "user.lifecycle.create", ledger.userCreateRequestIds);
            Set<String> users = new HashSet<>(strings(c, "SELECT id FROM users"));
            assertThat(ledger.userIds).as("acknowledged users").allMatch(users::contains);
            assertThat(strings(c, "SELECT uuid FROM system_log_events WHERE event_type = 'app.oauth2.as.token.detect_reuse'")).hasSize(reused);
        }
    }

    static void assertEvents(Connection c, String type, java.util.Collection<String> requestIds) throws SQLException {
        Set<String> logged = new HashSet<>(strings(c, "SELECT transaction_id FROM system_log_events WHERE outcome_result = 'SUCCESS' AND event_type = '"
                + type + "'"));
        List<String> missing = requestIds.stream().filter(id -> !logged.contains(id)).toList();
        assertThat(missing).as("acknowledged requests without their " + type + " event (of " + requestIds.size() + ")").isEmpty();
    }

    static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Runs {@code check(item, node)} for every item on 4 threads, nodes in turn; the non-null answers (problems). */
    static <T> List<String> inParallel(List<T> items, List<String> nodes, java.util.function.BiFunction<T, String, String> check)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                T item = items.get(i);
                String node = nodes.get(i % nodes.size());
                results.add(pool.submit(() -> check.apply(item, node)));
            }
            List<String> problems = new ArrayList<>();
            for (Future<String> f : results) {
                String p = f.get(60, TimeUnit.SECONDS);
                if (p != null) {
                    problems.add(p);
                }
            }
            return problems;
        } finally {
            pool.shutdownNow();
        }
    }
}
