package dev.gatehouse.syslog;

import dev.gatehouse.storage.Database;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The System Log's group commit (issue #23): every event is committed when {@link EventBatcher#record} returns, however
 * many requests share a batch; an event the database refuses fails only its own request; after close, callers write their
 * own. On H2 and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class EventBatcherTest {

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
    void everyEventOfManyConcurrentRequestsIsCommittedWhenItsCallReturnsAndABadOneFailsAlone() throws Exception {
        Database db = server.wiring().db;
        String type = "test.batch." + System.nanoTime();
        Set<String> confirmed = ConcurrentHashMap.newKeySet();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        try (EventBatcher batcher = new EventBatcher(db, server.wiring().systemLog)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String id = "req-" + i;
                boolean bad = i == 150;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        go.await();
                        // event_type is NOT NULL: the database refuses this one, in whatever batch it lands.
                        batcher.record(new EventContext(Actor.SYSTEM, "127.0.0.1", "test", id, "/"),
                                SystemLog.Entry.success(bad ? null : type, "Batched"));
                        // Committed now: another connection (autocommit read) sees it.
                        long seen = db.read(h -> h.createQuery("SELECT COUNT(*) FROM system_log_events WHERE transaction_id = :id AND event_type = :t")
                                .bind("id", id).bind("t", type).mapTo(Long.class).one());
                        if (seen == 1) {
                            confirmed.add(id);
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
        }
        assertThat(failures).as("only the event the database refuses fails").hasSize(1);
        assertThat(confirmed).as("each caller saw its own event committed when its call returned").hasSize(299);
        long stored = db.read(h -> h.createQuery("SELECT COUNT(*) FROM system_log_events WHERE event_type = :t").bind("t", type)
                .mapTo(Long.class).one());
        assertThat(stored).isEqualTo(299);
    }

    @Test
    void afterCloseACallerWritesItsOwnEvent() {
        Database db = server.wiring().db;
        String type = "test.closed." + System.nanoTime();
        EventBatcher batcher = new EventBatcher(db, server.wiring().systemLog);
        batcher.close();
        batcher.record(EventContext.system("test"), SystemLog.Entry.success(type, "After close"));
        long stored = db.read(h -> h.createQuery("SELECT COUNT(*) FROM system_log_events WHERE event_type = :t").bind("t", type)
                .mapTo(Long.class).one());
        assertThat(stored).isEqualTo(1);
        assertThatThrownBy(() -> batcher.record(EventContext.system("test"), SystemLog.Entry.success(null, "Refused")))
                .isInstanceOf(RuntimeException.class);
    }
}
