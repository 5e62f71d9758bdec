package dev.gatehouse.oauth.servers;

import dev.gatehouse.storage.Database;
import dev.gatehouse.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.migration.JavaMigration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V30 on a store made by the previous version (schema up to V29), on H2 and PostgreSQL: every custom server that existed
 * gets Okta's Default Policy and Default Policy Rule, system, with that server's own lifetimes (so an org that changed
 * them keeps them and nobody is locked out); the org authorization server gets none; codes and families from before
 * keep working without stored lifetimes (their columns are NULL: the server's lifetimes apply).
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class AsPolicyMigrationTest {

    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;

    private String url;

    @AfterEach
    void drop() {
        TestDatabase.drop(url);
    }

    private String freshUrl() {
        String fresh = database.freshUrl();
        return fresh != null ? fresh
                : "jdbc:h2:file:" + dir.resolve("gatehouse") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }

    private static void server(Connection c, String id, String kind, String name, int access, int idle, int max) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("""
                INSERT INTO authorization_servers (id, kind, name, name_key, description, audience, status, access_token_minutes,
                    id_token_minutes, refresh_token_idle_minutes, refresh_token_max_minutes, created_at, last_updated_at)
                VALUES (?, ?, ?, ?, NULL, ?, 'ACTIVE', ?, 60, ?, ?, ?, ?)""")) {
            Timestamp t = Timestamp.from(Instant.parse("2026-01-01T00:00:00Z"));
            p.setString(1, id);
            p.setString(2, kind);
            p.setString(3, name);
            p.setString(4, name.toLowerCase());
            p.setString(5, kind.equals("ORG") ? null : "api://" + id);
            p.setInt(6, access);
            p.setInt(7, idle);
            p.setInt(8, max);
            p.setTimestamp(9, t);
            p.setTimestamp(10, t);
            p.executeUpdate();
        }
    }

    @Test
    void everyExistingCustomServerGetsTheDefaultPolicyWithItsOwnLifetimes() throws SQLException {
        url = freshUrl();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
                .javaMigrations(dev.gatehouse.Wiring.JAVA_MIGRATIONS.toArray(new JavaMigration[0])).target("29").load().migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            server(c, "org", "ORG", "Org Authorization Server", 60, 10080, 0);
            server(c, "default", "CUSTOM", "default", 60, 10080, 0);
            server(c, "ausUpgraded000000001", "CUSTOM", "Upgraded", 15, 120, 240);
        }
        try (Database db = Database.open(url, null, null, 2, dev.gatehouse.Wiring.JAVA_MIGRATIONS)) {
            AccessPolicyStore store = new AccessPolicyStore();
            List<AccessPolicy> org = db.read(h -> store.policies(h, "org"));
            assertThat(org).isEmpty();
            List<AccessPolicy> upgraded = db.read(h -> store.policies(h, "ausUpgraded000000001"));
            assertThat(upgraded).singleElement().satisfies(p -> {
                assertThat(p.id()).isEqualTo("00pUpgraded000000001").hasSize(20);
                assertThat(p.name()).isEqualTo("Default Policy");
                assertThat(p.system()).isTrue();
                assertThat(p.active()).isTrue();
                assertThat(p.clients()).containsExactly("ALL_CLIENTS");
            });
            AccessRule rule = db.read(h -> store.rules(h, upgraded.getFirst().id())).getFirst();
            assertThat(rule.name()).isEqualTo("Default Policy Rule");
            assertThat(rule.system()).isTrue();
            assertThat(rule.groupsInclude()).containsExactly("EVERYONE");
            assertThat(rule.grantTypes()).containsExactly("authorization_code", "client_credentials", "refresh_token");
            assertThat(rule.scopes()).containsExactly("*");
            assertThat(List.of(rule.accessTokenMinutes(), rule.refreshTokenMinutes(), rule.refreshWindowMinutes())).containsExactly(15, 240, 120);
            List<AccessPolicy> dflt = db.read(h -> store.policies(h, "default"));
            assertThat(dflt).singleElement().extracting(AccessPolicy::id).isEqualTo(AccessPolicies.DEFAULT_POLICY_ID);
            List<AccessRule> dfltRules = db.read(h -> store.rules(h, AccessPolicies.DEFAULT_POLICY_ID));
            assertThat(dfltRules).singleElement()
                    .satisfies(r -> assertThat(List.of(r.accessTokenMinutes(), r.refreshTokenMinutes(), r.refreshWindowMinutes()))
                            .containsExactly(60, 0, 10080));
        }
    }
}
