package dev.gatehouse.storage;

import dev.gatehouse.directory.User;
import dev.gatehouse.directory.UserStore;
import dev.gatehouse.support.TestDatabase;
import org.flywaydb.core.Flyway;
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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The V25 Java migration on a store made by the previous version (schema up to V20, keys lower-cased logins), on H2 and
 * PostgreSQL: keys become {@code Logins.key}, stored logins keep their form, and logins that turn out to be the same
 * once normalised keep exactly one sign-in-able row (the one that already had the key, else the oldest).
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class LoginKeyMigrationTest {

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

    /** A row as the previous version wrote it: login_key = login.toLowerCase(ROOT). */
    private static void legacyUser(Connection c, String id, String login, int ageDays) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO users (id, status, login, login_key, email, created_at, last_updated_at) "
                + "VALUES (?, 'ACTIVE', ?, ?, 'x@x.example', ?, ?)")) {
            Timestamp created = Timestamp.from(Instant.parse("2026-01-01T00:00:00Z").minusSeconds(86_400L * ageDays));
            p.setString(1, id);
            p.setString(2, login);
            p.setString(3, login.toLowerCase(Locale.ROOT));
            p.setTimestamp(4, created);
            p.setTimestamp(5, created);
            p.executeUpdate();
        }
    }

    @Test
    void keysBecomeNormalizedAndCollidingLoginsKeepOneSignInableRow() throws SQLException {
        url = freshUrl();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("20").load().migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            legacyUser(c, "00uPlainAscii0000001", "Admin@Example.com", 9);
            legacyUser(c, "00uFullWidth00000002", "\uFF21\uFF24\uFF21@example.com", 8);          // ＡＤＡ
            legacyUser(c, "00uStrasseUpper00003", "STRASSE@example.com", 1);                        // has the key already: keeps it
            legacyUser(c, "00uStrasseSharp00004", "stra\u00DFe@example.com", 7);                     // older, but would take it
            legacyUser(c, "00uBobWideUpper00005", "\uFF22ob@example.com", 6);          // Ｂob: the older of two that both become bob@
            legacyUser(c, "00uBobWideLower00006", "b\uFF4Fb@example.com", 5);          // bｏb
            legacyUser(c, "00uLigature000000007", "\uFB01nn@example.com", 4);                       // ﬁnn
            legacyUser(c, "00uZeroWidth00000008", "ze\u200Bro@example.com", 3);                     // allowed then: kept, as typed
        }
        Map<String, String> keysBefore = keys();

        try (Database db = Database.open(url, null, null, 2, dev.gatehouse.Wiring.JAVA_MIGRATIONS)) {
            Map<String, String> keys = keys();
            assertThat(keys).containsEntry("00uPlainAscii0000001", "admin@example.com")
                    .containsEntry("00uFullWidth00000002", "ada@example.com")
                    .containsEntry("00uStrasseUpper00003", "strasse@example.com")
                    .containsEntry("00uStrasseSharp00004", "UNREACHABLE:00uStrasseSharp00004")
                    .containsEntry("00uBobWideUpper00005", "bob@example.com")
                    .containsEntry("00uBobWideLower00006", "UNREACHABLE:00uBobWideLower00006")
                    .containsEntry("00uLigature000000007", "finn@example.com")
                    .containsEntry("00uZeroWidth00000008", "ze\u200Bro@example.com");
            assertThat(keysBefore.get("00uFullWidth00000002")).isEqualTo("\uFF41\uFF44\uFF41@example.com");

            assertThat(byLogin(db, "ada@EXAMPLE.com")).map(User::id).contains("00uFullWidth00000002");
            assertThat(byLogin(db, "\uFF41\uFF44\uFF41@example.com")).map(User::id).contains("00uFullWidth00000002");
            assertThat(byId(db, "00uFullWidth00000002")).map(u -> u.profile().login())
                    .as("the stored login keeps its form").contains("\uFF21\uFF24\uFF21@example.com");
            assertThat(byLogin(db, "stra\u00DFe@example.com")).map(User::id).contains("00uStrasseUpper00003");
            assertThat(byLogin(db, "FINN@example.com")).map(User::id).contains("00uLigature000000007");
            assertThat(byLogin(db, "UNREACHABLE:00uBobWideLower00006")).as("no typed login reaches it").isEmpty();
            assertThat(byLogin(db, "ZE\u200BRO@example.com")).as("its owner still signs in with it").map(User::id)
                    .contains("00uZeroWidth00000008");
            assertThat(byLogin(db, "zero@example.com")).isEmpty();
        }
        try (Database again = Database.open(url, null, null, 2, dev.gatehouse.Wiring.JAVA_MIGRATIONS)) {
            assertThat(keys()).as("a second start changes nothing").containsEntry("00uBobWideLower00006", "UNREACHABLE:00uBobWideLower00006")
                    .hasSize(8);
        }
    }

    @Test
    void anEmptyOrAsciiOnlyStoreIsLeftAsItWas() throws SQLException {
        url = freshUrl();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("20").load().migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            legacyUser(c, "00uAscii000000000001", "Ada.Lovelace@Example.com", 3);
        }
        try (Database db = Database.open(url, null, null, 2, dev.gatehouse.Wiring.JAVA_MIGRATIONS)) {
            assertThat(keys()).containsExactly(Map.entry("00uAscii000000000001", "ada.lovelace@example.com"));
        }
    }

    private static Optional<User> byLogin(Database db, String typed) {
        UserStore store = new UserStore();
        return db.read(h -> store.findByLogin(h, typed));
    }

    private static Optional<User> byId(Database db, String id) {
        UserStore store = new UserStore();
        return db.read(h -> store.find(h, id));
    }

    private Map<String, String> keys() throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url);
             var rs = c.createStatement().executeQuery("SELECT id, login_key FROM users ORDER BY id")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }
}
