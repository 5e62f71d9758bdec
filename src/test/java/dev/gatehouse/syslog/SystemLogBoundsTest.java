package dev.gatehouse.syslog;

import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every field of a System Log event is bounded by {@link SystemLog#record} itself, whatever an entry or a request
 * carries (outside review, finding 2): a caller that forgets to check a value can no longer store it whole, and no
 * value can be longer than its column (which on PostgreSQL was an error, so a 500). On H2 and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class SystemLogBoundsTest {

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

    @Test
    void anEventOfHugeFieldsIsStoredBoundedAndReadsBackAsOktasShape() {
        String k = "k".repeat(10_000);
        EventContext ctx = new EventContext(new Actor("i" + k, "t" + k, "a" + k, "d" + k), "1" + k, "u".repeat(100_000), "r" + k,
                "/p" + "p".repeat(100_000));
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            targets.add(new Target(i + k, "T" + k, "A" + k, "D" + k));
        }
        Map<String, Object> debug = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            debug.put("key" + i + k, "v\u0000" + "v".repeat(100_000));
        }
        debug.put("list", java.util.Collections.nCopies(1_000, "x".repeat(1_000)));
        SystemLog.Entry entry = new SystemLog.Entry("e" + k, "m" + k, LogEvent.Severity.WARN, LogEvent.Outcome.failure("why" + k), targets, debug);

        long before = count();
        server.wiring().db.tx(h -> {
            server.wiring().systemLog.record(h, ctx, entry);
            return null;
        });
        assertThat(count()).isEqualTo(before + 1);

        LogEvent e = server.wiring().db.read(h -> server.wiring().systemLog.list(h,
                new SystemLog.Query(null, null, null, null, null, 1, true))).getFirst();
        assertThat(e.eventType()).hasSize(LogText.EVENT_TYPE).endsWith("…");
        assertThat(e.displayMessage()).hasSize(LogText.TEXT);
        assertThat(e.outcome().reason()).hasSize(LogText.TEXT);
        assertThat(e.actor().id()).hasSize(LogText.ACTOR_ID);
        assertThat(e.actor().type()).hasSize(LogText.ACTOR_TYPE);
        assertThat(e.actor().alternateId()).hasSize(LogText.TEXT);
        assertThat(e.actor().displayName()).hasSize(LogText.TEXT);
        assertThat(e.clientIp()).hasSize(LogText.SHORT);
        assertThat(e.clientUserAgent()).hasSize(LogText.USER_AGENT);
        assertThat(e.transactionId()).hasSize(LogText.SHORT);
        assertThat(e.targets()).hasSize(LogText.TARGETS).allSatisfy(t -> {
            assertThat(t.id()).hasSize(LogText.TEXT);
            assertThat(t.displayName()).hasSize(LogText.TEXT);
        });
        assertThat(e.debugData()).containsEntry("targetsOmitted", 150).containsKey("entriesOmitted")
                .hasSizeLessThanOrEqualTo(LogText.DEBUG_ENTRIES);
        assertThat((String) e.debugData().get(SystemLog.REQUEST_URI)).hasSize(LogText.DEBUG_VALUE).startsWith("/pppp");
        assertThat(e.debugData().values()).noneMatch(v -> v instanceof String s && s.indexOf('\0') >= 0);

        long stored = server.wiring().db.read(h -> h.createQuery("""
                SELECT LENGTH(targets) + LENGTH(debug_data) + LENGTH(actor_alternate_id) + LENGTH(client_user_agent)
                FROM system_log_events ORDER BY seq DESC LIMIT 1""").mapTo(Long.class).one());
        assertThat(stored).as("characters of the largest columns together").isLessThanOrEqualTo(LogText.TARGETS * (4 * LogText.TEXT + 80) + LogText.DEBUG_TOTAL + LogText.TEXT + LogText.USER_AGENT);
    }

    @Test
    void anOrdinaryEventIsStoredExactlyAsBefore() {
        EventContext ctx = new EventContext(Actor.user("00u1", "ada@example.com", "Ada"), "127.0.0.1", "Mozilla/5.0", "req1", "/signin");
        server.wiring().db.tx(h -> {
            server.wiring().systemLog.record(h, ctx, SystemLog.Entry.success("user.session.start", "User login to Okta",
                    new Target("102abc", "Session", "102abc", "Session")).withDebug(Map.of("scopes", "openid profile")));
            return null;
        });
        LogEvent e = server.wiring().db.read(h -> server.wiring().systemLog.list(h,
                new SystemLog.Query(null, null, null, null, null, 1, true))).getFirst();
        assertThat(e.actor()).isEqualTo(Actor.user("00u1", "ada@example.com", "Ada"));
        assertThat(e.targets()).containsExactly(new Target("102abc", "Session", "102abc", "Session"));
        assertThat(e.debugData()).isEqualTo(Map.of("scopes", "openid profile", SystemLog.REQUEST_URI, "/signin"));
        assertThat(e.clientUserAgent()).isEqualTo("Mozilla/5.0");
    }

    private static long count() {
        return server.wiring().db.read(h -> h.createQuery("SELECT COUNT(*) FROM system_log_events").mapTo(Long.class).one());
    }
}
