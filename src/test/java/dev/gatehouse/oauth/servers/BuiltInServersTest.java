package dev.gatehouse.oauth.servers;

import dev.gatehouse.Wiring;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.oauth.keys.TokenSigner;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
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

/** The org AS and {@code default} are created once, also when two nodes start at the same moment on one store. */
class BuiltInServersTest {

    @ParameterizedTest
    @MethodSource("dev.gatehouse.support.TestDatabase#all")
    void twoNodesStartingAtOnceCreateEachBuiltInServerOnceAndShareItsKeys(TestDatabase database) throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-as-race");
        String url = database == TestDatabase.H2
                ? "jdbc:h2:file:" + dir.resolve("shared") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                : database.freshUrl();
        GatehouseConfig config = ConfigLoader.load(List.of("--port", "0", "--data-dir", dir.toString(), "--db-url", url,
                "--admin-password", "Race-Password-1", "--db-pool-size", "4"), Map.of());
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
            Wiring any = nodes.getFirst();
            assertThat(Sql.count(any.db, "SELECT COUNT(*) FROM authorization_servers")).isEqualTo(2);
            assertThat(Sql.count(any.db, "SELECT COUNT(*) FROM authorization_servers WHERE id IN ('org', 'default')")).isEqualTo(2);
            assertThat(Sql.count(any.db, "SELECT COUNT(*) FROM signing_key_schedules")).isEqualTo(2);
            assertThat(Sql.count(any.db, "SELECT COUNT(*) FROM authorization_server_scopes")).isEqualTo(14);
            assertThat(Sql.count(any.db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = 'oauth2.as.created'")).isEqualTo(2);

            // Both nodes need the signing keys at once: one set is made, and both sign with the same key.
            List<Future<TokenSigner>> signers = new ArrayList<>();
            for (Wiring node : nodes) {
                signers.add(pool.submit(() -> node.signingKeys.activeSigner(AuthorizationServers.DEFAULT)));
            }
            assertThat(signers.get(0).get().kid()).isEqualTo(signers.get(1).get().kid());
            assertThat(Sql.count(any.db, "SELECT COUNT(*) FROM signing_keys WHERE authorization_server_id = 'default'")).isEqualTo(2);

            nodes.getLast().close();
            nodes.removeLast();
            nodes.add(Wiring.start(config, Clock.systemUTC()));
            assertThat(Sql.count(any.db, "SELECT COUNT(*) FROM authorization_servers")).as("a restart creates nothing").isEqualTo(2);
            assertThat(nodes.getLast().signingKeys.activeSigner(AuthorizationServers.DEFAULT).kid()).isEqualTo(signers.get(0).get().kid());
        } finally {
            nodes.forEach(Wiring::close);
            pool.shutdownNow();
            TestDatabase.drop(database == TestDatabase.H2 ? null : url);
        }
    }
}
