package dev.gatehouse.sessions;

import dev.gatehouse.support.Http;
import dev.gatehouse.support.People;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.jdbi.v3.core.Handle;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many sign-ins at once (issue #9: Argon2 on virtual threads starved the requests holding database connections
 * and the pool ran dry into 500s). A burst must answer every request properly and count every failure exactly;
 * and when the pool really is exhausted, the person sees a 503 "busy", never a 500.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
@Tag("slow")   // a load or chaos test: runs after the fast tier (./gatehouse test), not in ./gatehouse test --fast
class SignInBurstHttpTest {

    private static final String PASSWORD = "Steady-Keel-9";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static Http http;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        http = server.http();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @Test
    void aBurstOfSignInsAnswersEveryoneAndCountsEveryFailure() throws Exception {
        String tag = database.name().toLowerCase();
        // 8 people sign in rightly twice each; 4 people get 3 wrong passwords each; 1 person gets exactly 10 wrong ones
        // (the lockout maximum): 16 + 12 + 10 = 38 sign-ins at once.
        List<String> right = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            right.add(People.create(http, "burst-right-" + i + "-" + tag + "@example.com", PASSWORD));
        }
        for (int i = 0; i < 4; i++) {
            wrong.add(People.create(http, "burst-wrong-" + i + "-" + tag + "@example.com", PASSWORD));
        }
        String locked = People.create(http, "burst-lock-" + tag + "@example.com", PASSWORD);
        long locksBefore = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'user.account.lock'");

        List<Callable<Integer>> attempts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String login = "burst-right-" + i + "-" + tag + "@example.com";
            attempts.add(() -> server.browser().signIn(login, PASSWORD, "/").status());
            attempts.add(() -> server.browser().signIn(login, PASSWORD, "/").status());
        }
        List<Callable<Integer>> failing = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String login = "burst-wrong-" + i + "-" + tag + "@example.com";
            for (int k = 0; k < 3; k++) {
                String pw = "wrong-" + k;
                failing.add(() -> server.browser().signIn(login, pw, "/").status());
            }
        }
        for (int k = 0; k < 10; k++) {
            String pw = "wrong-" + k;
            failing.add(() -> server.browser().signIn("burst-lock-" + tag + "@example.com", pw, "/").status());
        }
        int rightCount = attempts.size();
        attempts.addAll(failing);

        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(attempts.size())) {
            for (Future<Integer> f : pool.invokeAll(attempts)) {
                statuses.add(f.get());
            }
        }
        assertThat(statuses.subList(0, rightCount)).as("right passwords").containsOnly(303);
        assertThat(statuses.subList(rightCount, statuses.size())).as("wrong passwords").containsOnly(401);

        for (String id : right) {
            assertThat(failedSignIns(id)).isZero();
            assertThat(status(id)).isEqualTo("ACTIVE");
        }
        for (String id : wrong) {
            assertThat(failedSignIns(id)).as("each failure counted once").isEqualTo(3);
            assertThat(status(id)).isEqualTo("ACTIVE");
        }
        assertThat(status(locked)).isEqualTo("LOCKED_OUT");
        assertThat(failedSignIns(locked)).isEqualTo(10);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'user.account.lock'"))
                .as("exactly one lock event").isEqualTo(locksBefore + 1);
    }

    @Test
    void anExhaustedConnectionPoolIsA503BusyPageNotA500() {
        var browser = server.browser();
        var page = browser.get("/signin");
        // Take every pooled connection (TestServer's pool has 4), so the sign-in's own read waits out Hikari's timeout.
        List<Handle> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                held.add(server.wiring().db.jdbi().open());
            }
            Http.Response r = browser.post("/signin", "csrf", dev.gatehouse.support.Browser.csrf(page),
                    "username", TestServer.ADMIN, "password", TestServer.ADMIN_PASSWORD, "fromURI", "/");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(r.body()).contains("Busy, try again").doesNotContain("Exception");
        } finally {
            held.forEach(Handle::close);
        }
        assertThat(server.browser().signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/").status()).isEqualTo(303);
    }

    private static long failedSignIns(String id) {
        return Sql.count(server.wiring().db, "SELECT failed_sign_ins FROM users WHERE id = '" + id + "'");
    }

    private static String status(String id) {
        return server.wiring().db.read(h -> h.createQuery("SELECT status FROM users WHERE id = :id").bind("id", id)
                .mapTo(String.class).one());
    }
}
