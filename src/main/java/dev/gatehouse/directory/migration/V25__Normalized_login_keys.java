package dev.gatehouse.directory.migration;

import dev.gatehouse.directory.Logins;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rewrites {@code users.login_key} from the lower-cased login (before) to {@link Logins#key} (NFKC, trimmed of Unicode
 * white space, case folded). SQL cannot do NFKC on H2 and PostgreSQL alike (PostgreSQL's {@code normalize()} exists only
 * for UTF-8 databases, H2 has none), so this runs in Java, with plain JDBC that both accept, inside Flyway's transaction.
 *
 * <p>Only rows whose key changes are touched (ASCII logins keep theirs), and only those are held in memory. When two
 * existing logins have the same normalised key (say {@code STRASSE@x} and {@code straße@x}), the unique index allows one
 * of them: the row that already has that key keeps it (people sign in to it today), else the oldest; every other gets
 * {@code UNREACHABLE:<id>}, which contains upper-case letters and so is never a {@link Logins#key} of anything: that user
 * stays listed and editable but cannot sign in, nor be found by login, until an admin gives it a login of its own.
 * Each such user is named in a WARN line, and so is every existing login that holds a character logins may no longer
 * have (it keeps working). Rows are moved to a temporary key first, so no intermediate state breaks the
 * unique index.
 *
 * <p>Version 25, not 21: other branches add migrations after V20; Flyway needs only the order.
 */
public final class V25__Normalized_login_keys extends BaseJavaMigration {

    private static final Logger LOG = LoggerFactory.getLogger(V25__Normalized_login_keys.class);

    /** A row whose key changes. */
    private record Change(String id, String login, String oldKey, String newKey) {
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        List<Change> changes = new ArrayList<>();
        try (PreparedStatement all = c.prepareStatement("SELECT id, login, login_key FROM users ORDER BY created_at, id");
             ResultSet rs = all.executeQuery()) {
            while (rs.next()) {
                String login = rs.getString("login");
                String oldKey = rs.getString("login_key");
                // Stored before such logins were refused: kept (its owner signs in with it as before), but named for the admin.
                Logins.refusal(login).ifPresent(why -> LOG.warn("User {} has a login that would be refused today ({}): give it "
                        + "another in Directory > People so that it cannot be taken for another.", uncheckedId(rs), why));
                // A stored login always has a key (it matched the e-mail pattern); an unthinkable blank one keeps its row unreachable.
                String newKey = Logins.key(login).orElse("UNREACHABLE:" + rs.getString("id"));
                if (!newKey.equals(oldKey)) {
                    changes.add(new Change(rs.getString("id"), login, oldKey, newKey));
                }
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        Set<String> changing = new HashSet<>();
        changes.forEach(ch -> changing.add(ch.id()));
        Map<String, String> finalKeys = new LinkedHashMap<>();
        Map<String, String> winners = new LinkedHashMap<>();   // new key -> id of the row that gets it
        for (Change change : changes) {
            Optional<String> holder = holderOutside(c, change.newKey(), changing);
            String winner = holder.orElseGet(() -> winners.computeIfAbsent(change.newKey(), k -> change.id()));
            if (winner.equals(change.id())) {
                finalKeys.put(change.id(), change.newKey());
            } else {
                finalKeys.put(change.id(), "UNREACHABLE:" + change.id());
                LOG.warn("The login '{}' of user {} is the same as the login of user {} once normalized (NFKC, case): user {} can no "
                        + "longer sign in until an admin gives it another login (Directory > People).", change.login(), change.id(),
                        winner, change.id());
            }
        }
        try (PreparedStatement set = c.prepareStatement("UPDATE users SET login_key = ? WHERE id = ?")) {
            for (Change change : changes) {   // first out of every key's way: no row ever holds a key another still has
                set.setString(1, "MIGRATING:" + change.id());
                set.setString(2, change.id());
                set.addBatch();
            }
            set.executeBatch();
            for (Map.Entry<String, String> e : finalKeys.entrySet()) {
                set.setString(1, e.getValue());
                set.setString(2, e.getKey());
                set.addBatch();
            }
            set.executeBatch();
        }
    }

    private static String uncheckedId(ResultSet rs) {
        try {
            return rs.getString("id");
        } catch (SQLException e) {
            return "?";
        }
    }

    /** The id of a row that keeps {@code key} and is not itself changing, if any. */
    private static Optional<String> holderOutside(Connection c, String key, Set<String> changing) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT id FROM users WHERE login_key = ?")) {
            q.setString(1, key);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    if (!changing.contains(id)) {
                        return Optional.of(id);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
