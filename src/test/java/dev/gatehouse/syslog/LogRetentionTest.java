package dev.gatehouse.syslog;

import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** GATEHOUSE_LOG_RETENTION_DAYS: old events go, in batches, once, however many nodes purge at the same time. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class LogRetentionTest {

    @Parameter
    TestDatabase database;

    static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database, "--log-retention-days", "30");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static void record(String eventType, int n) {
        server.wiring().db.tx(h -> {
            for (int i = 0; i < n; i++) {
                server.wiring().systemLog.record(h, EventContext.system("test"), SystemLog.Entry.success(eventType, "Retention test"));
            }
            return null;
        });
    }

    private static long count(String eventType) {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = '" + eventType + "'");
    }

    @Test
    void eventsOlderThanTheRetentionGoInBatchesAndNewerOnesStay() {
        record("test.retention.old", LogRetention.BATCH * 2 + 500);
        server.clock.advance(Duration.ofDays(20));
        record("test.retention.middle", 3);
        server.clock.advance(Duration.ofDays(11));
        record("test.retention.new", 2);

        int purged = server.wiring().logRetention.purge();

        assertThat(purged).isGreaterThanOrEqualTo(LogRetention.BATCH * 2 + 500);
        assertThat(count("test.retention.old")).isZero();
        assertThat(count("test.retention.middle")).as("20 + 11 days: 11 days old").isEqualTo(3);
        assertThat(count("test.retention.new")).isEqualTo(2);
        assertThat(server.wiring().logRetention.purge()).as("a second run has nothing left to do").isZero();
    }

    @Test
    void severalNodesPurgingAtOnceDeleteEachEventOnce() throws Exception {
        record("test.retention.race", LogRetention.BATCH * 3);
        server.clock.advance(Duration.ofDays(31));
        record("test.retention.race-kept", 1);
        List<LogRetention> nodes = List.of(
                new LogRetention(server.wiring().db, server.wiring().systemLog, server.clock, 30),
                new LogRetention(server.wiring().db, server.wiring().systemLog, server.clock, 30),
                new LogRetention(server.wiring().db, server.wiring().systemLog, server.clock, 30));
        java.time.Instant cutoff = server.clock.instant().minus(Duration.ofDays(30));
        long old = server.wiring().db.read(h -> h.createQuery("SELECT COUNT(*) FROM system_log_events WHERE published < :cutoff")
                .bind("cutoff", cutoff).mapTo(Long.class).one());
        try (var pool = Executors.newFixedThreadPool(nodes.size())) {
            List<CompletableFuture<Integer>> runs = nodes.stream().map(n -> CompletableFuture.supplyAsync(n::purge, pool)).toList();
            int total = 0;
            for (CompletableFuture<Integer> run : runs) {
                total += run.get();
            }
            assertThat(total).as("each old event deleted by exactly one node").isEqualTo(old);
        }
        assertThat(count("test.retention.race")).isZero();
        assertThat(count("test.retention.race-kept")).isEqualTo(1);
    }

    @Test
    void zeroDaysKeepsEverything() {
        record("test.retention.forever", 2);
        server.clock.advance(Duration.ofDays(3650));
        LogRetention forever = new LogRetention(server.wiring().db, server.wiring().systemLog, server.clock, 0);
        assertThat(forever.purge()).isZero();
        assertThat(count("test.retention.forever")).isEqualTo(2);
    }

    @Test
    void retentionIsNinetyDaysUnlessConfigured() {
        assertThat(ConfigLoader.load(List.of(), Map.of()).logRetentionDays()).isEqualTo(90);
        assertThat(ConfigLoader.load(List.of(), Map.of("GATEHOUSE_LOG_RETENTION_DAYS", "0")).logRetentionDays()).isZero();
        assertThat(server.wiring().config.logRetentionDays()).isEqualTo(30);
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--log-retention-days", "-1"), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("GATEHOUSE_LOG_RETENTION_DAYS");
    }
}
