package dev.gatehouse.origins;

import dev.gatehouse.origins.TrustedOrigin.Scope;
import dev.gatehouse.storage.ChangeFeed;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Gatehouse nodes on one PostgreSQL database: a change committed on node A reaches node B's cache through
 * {@code LISTEN/NOTIFY} (the {@link ChangeFeed}), without a restart and without B reading the database per request.
 */
@EnabledIfEnvironmentVariable(named = TestDatabase.POSTGRES_URL_ENV, matches = ".+")
class TrustedOriginsListenerTest {

    private static final EventContext ADMIN = EventContext.system("listener-test");

    private String url;
    private Database nodeA;
    private Database nodeB;
    private TrustedOrigins originsA;
    private TrustedOriginCache cacheB;
    private ChangeFeed changesA;
    private ChangeFeed changesB;
    private final Semaphore reloadsOnB = new Semaphore(0);

    @BeforeEach
    void twoNodes() {
        url = TestDatabase.POSTGRES.freshUrl();
        nodeA = Database.open(url, null, null, 2, dev.gatehouse.Wiring.JAVA_MIGRATIONS);
        nodeB = Database.open(url, null, null, 2, dev.gatehouse.Wiring.JAVA_MIGRATIONS);
        TrustedOriginStore store = new TrustedOriginStore();
        changesA = new ChangeFeed(nodeA);
        new TrustedOriginCache(nodeA, changesA, store);
        originsA = new TrustedOrigins(nodeA, changesA, store, new SystemLog(Clock.systemUTC(), new dev.gatehouse.syslog.SignInProblemStore()), new Ids(new SecureRandom()), Clock.systemUTC());
        changesB = new ChangeFeed(nodeB);
        cacheB = new TrustedOriginCache(nodeB, changesB, store);
        changesB.onChange(TrustedOrigins.CHANNEL, reloadsOnB::release);   // after the cache's own reload
        changesB.listen(url, null, null);
    }

    @AfterEach
    void stop() {
        changesB.close();
        changesA.close();
        nodeA.close();
        nodeB.close();
        TestDatabase.drop(url);
    }

    @Test
    void aChangeOnOneNodeReachesTheOtherNodesCache() throws InterruptedException {
        String origin = "https://two-nodes.example.com";
        TrustedOrigin created = originsA.create(ADMIN, new TrustedOrigins.Request("Two nodes", origin, EnumSet.of(Scope.CORS)));
        awaitOnB(() -> cacheB.allowsCors(origin));
        originsA.deactivate(ADMIN, created.id());
        awaitOnB(() -> !cacheB.allowsCors(origin));
        originsA.activate(ADMIN, created.id());
        awaitOnB(() -> cacheB.allowsCors(origin));
        originsA.delete(ADMIN, created.id());
        awaitOnB(() -> !cacheB.allowsCors(origin));
    }

    /** Waits for B's listener to reload until the condition holds (each wait ends with a reload, never with a sleep). */
    private void awaitOnB(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 5 && !condition.getAsBoolean(); i++) {
            assertThat(reloadsOnB.tryAcquire(10, TimeUnit.SECONDS)).as("a reload on node B").isTrue();
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }
}
