package dev.gatehouse.http;

import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.People;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import static dev.gatehouse.support.Http.ssws;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #10's acceptance point, with Gatehouse's default limits (multiplier 1, no overrides): one client tries many
 * usernames (real and unknown ones, as a leaked list has) with wrong passwords. It is throttled after the per-client
 * sign-in limit (200 a minute); a refused attempt checks no password, so each account's failure count is exactly the
 * number of its attempts that were let through, no account is locked, and another client (another loopback address)
 * signs in normally before, during and after. The injected clock stands still, so no bucket refills during the run and
 * the figures are exact; the run prints them.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
@Tag("slow")   // a load or chaos test: runs after the fast tier (./gatehouse test), not in ./gatehouse test --fast
class CredentialStuffingTest {

    static final int ACCOUNTS = 25;
    static final int UNKNOWN = 50;
    /** Each username is tried this often: within the per-username limit (4 a second), so the per-client limit is what binds. */
    static final int ROUNDS = 4;

    @Parameter
    TestDatabase database;

    static TestServer server;
    static Http http;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database, "--rate-limit-multiplier", "1");
        http = server.http();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @Test
    void oneClientStuffingCredentialsIsThrottledLocksNothingAndAnotherClientSignsInMeanwhile() throws UnknownHostException {
        int threshold = server.wiring().config.lockoutAttempts();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            ids.add(People.create(http, "victim" + i + "@example.com", "Victim-Password-" + i));
        }
        People.create(http, "colleague@example.com", "Desk-Neighbour-1");
        Browser attacker = server.browser();                                          // connects from 127.0.0.1
        InetAddress elsewhere = InetAddress.getByName("127.0.0.2");
        assertThat(signIn(elsewhere, "colleague@example.com", "Desk-Neighbour-1")).as("before the run").isEqualTo(303);

        int attempts = 0;
        int accepted = 0;
        int throttled = 0;
        int firstThrottledAt = -1;
        long throttledNanos = 0;
        boolean colleagueSignedInDuringTheRun = false;
        long start = System.nanoTime();
        int[] letThrough = new int[ACCOUNTS];
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < ACCOUNTS + UNKNOWN; i++) {
                long t = System.nanoTime();
                String login = i < ACCOUNTS ? "victim" + i + "@example.com" : "nobody" + i + "@example.com";
                Http.Response r = attacker.signIn(login, "guess-" + round, "/");
                attempts++;
                if (r.status() == 429) {
                    throttledNanos += System.nanoTime() - t;
                    throttled++;
                    firstThrottledAt = firstThrottledAt < 0 ? attempts : firstThrottledAt;
                } else {
                    assertThat(r.status()).as("a wrong password").isEqualTo(401);
                    assertThat(throttled).as("once throttled, always throttled while the bucket is empty").isZero();
                    accepted++;
                    if (i < ACCOUNTS) {
                        letThrough[i]++;
                    }
                }
            }
            if (throttled > 0 && !colleagueSignedInDuringTheRun) {
                assertThat(signIn(elsewhere, "colleague@example.com", "Desk-Neighbour-1")).as("during the run").isEqualTo(303);
                colleagueSignedInDuringTheRun = true;
            }
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(accepted).as("the default per-client sign-in limit").isEqualTo(200);
        assertThat(throttled).isEqualTo((ACCOUNTS + UNKNOWN) * ROUNDS - 200);
        assertThat(colleagueSignedInDuringTheRun).isTrue();
        for (int i = 0; i < ACCOUNTS; i++) {
            String id = ids.get(i);
            long failures = Sql.count(server.wiring().db, "SELECT failed_sign_ins FROM users WHERE id = '" + id + "'");
            assertThat(failures).as("refused attempts count nothing").isEqualTo(letThrough[i]);
            assertThat(failures).as("fewer failures than the lockout threshold").isLessThan(threshold);
            assertThat(http.get("/api/v1/users/" + id, ssws(TestServer.API_TOKEN)).json().get("status").asText()).isEqualTo("ACTIVE");
        }
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM users WHERE status = 'LOCKED_OUT'")).isZero();
        assertThat(signIn(elsewhere, "victim0@example.com", "Victim-Password-0")).as("a victim signs in from elsewhere").isEqualTo(303);
        assertThat(attacker.signIn("victim1@example.com", "Victim-Password-1", "/").status())
                .as("the throttled client, even with a right password").isEqualTo(429);

        System.out.printf("Credential stuffing on %s: %d attempts over %d usernames from one client in %d ms; %d accepted "
                        + "(each a wrong password, at most %d per account, lockout threshold %d), throttled from attempt %d on, "
                        + "%d refused with 429 (%.1f ms each on average); no account locked; another client signed in before, "
                        + "during and after.%n", database, attempts, ACCOUNTS + UNKNOWN, elapsedMillis, accepted,
                java.util.Arrays.stream(letThrough).max().orElse(0),
                threshold, firstThrottledAt, throttled, throttled == 0 ? 0.0 : throttledNanos / 1e6 / throttled);
    }

    @Test
    void hammeringOneUsernameIsThrottledByThePerUsernameLimitBeforeTheLockout() throws UnknownHostException {
        String id = People.create(http, "target@example.com", "Bullseye-Secret-1");
        Browser attacker = new Browser(server.url(), InetAddress.getByName("127.0.0.3"));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            statuses.add(attacker.signIn("TARGET@example.com", "guess-" + i, "/").status());
        }
        assertThat(statuses).as("Okta's 4 a second per username").containsExactly(401, 401, 401, 401, 429, 429, 429, 429);
        assertThat(Sql.count(server.wiring().db, "SELECT failed_sign_ins FROM users WHERE id = '" + id + "'")).isEqualTo(4);
        assertThat(http.get("/api/v1/users/" + id, ssws(TestServer.API_TOKEN)).json().get("status").asText()).isEqualTo("ACTIVE");
    }

    /** A sign-in from another address: another client, as far as per-client limits go. */
    private static int signIn(InetAddress from, String login, String password) {
        return new Browser(server.url(), from).signIn(login, password, "/").status();
    }
}
