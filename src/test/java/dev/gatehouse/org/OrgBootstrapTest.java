package dev.gatehouse.org;

import dev.gatehouse.Wiring;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.Sql;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class OrgBootstrapTest {

    /** Two nodes starting at the same moment on one store create exactly one org and one admin. */
    @ParameterizedTest
    @MethodSource("dev.gatehouse.support.TestDatabase#all")
    void twoNodesStartingAtOnceCreateOneOrgAndOneAdmin(TestDatabase database) throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-race");
        String url = database == TestDatabase.H2
                ? "jdbc:h2:file:" + dir.resolve("shared") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                : database.freshUrl();
        List<String> args = List.of("--port", "0", "--data-dir", dir.toString(), "--db-url", url, "--admin-password", "Race-Password-1");
        GatehouseConfig config = ConfigLoader.load(args, Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Wiring> nodes = new ArrayList<>();
        try {
            List<Future<Wiring>> starts = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                starts.add(pool.submit((Callable<Wiring>) () -> Wiring.start(config, Clock.systemUTC())));
            }
            for (Future<Wiring> f : starts) {
                nodes.add(f.get());
            }
            assertThat(nodes.stream().filter(n -> n.firstStart.created()).count()).isLessThanOrEqualTo(1);
            Wiring any = nodes.getFirst();
            assertThat(Sql.count(any.db, "SELECT COUNT(*) FROM orgs")).isEqualTo(1);
            assertThat(Sql.count(any.db, "SELECT COUNT(*) FROM users")).isEqualTo(1);
            assertThat(Sql.count(any.db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'user.lifecycle.create'")).isEqualTo(1);
        } finally {
            nodes.forEach(Wiring::close);
            pool.shutdownNow();
            TestDatabase.drop(database == TestDatabase.H2 ? null : url);
        }
    }
}
