package dev.gatehouse.directory;

import dev.gatehouse.storage.Listing;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * SQL for {@code users} and {@code admin_roles}. Every status or counter change is one conditional
 * statement: it says which state it expects, and 0 rows means another request changed the user first.
 */
public final class UserStore {

    public static final String SUPER_ADMIN = "SUPER_ADMIN";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, String> DATES = Map.of("created", "created_at", "activated", "activated_at",
            "statusChanged", "status_changed_at", "lastLogin", "last_login_at", "lastUpdated", "last_updated_at",
            "passwordChanged", "password_changed_at");

    /** What {@code filter} may name: Okta's filterable user attributes. */
    static final FilterColumns FILTER = columns(Map.of("id", "id", "status", "status", "profile.login", "login_key",
            "profile.email", "email", "profile.firstName", "first_name", "profile.lastName", "last_name"));

    /** What {@code search} may name: the filter attributes and the other profile attributes with a column. */
    static final FilterColumns SEARCH = columns(Map.of("id", "id", "status", "status", "profile.login", "login_key",
            "profile.email", "email", "profile.firstName", "first_name", "profile.lastName", "last_name",
            "profile.displayName", "display_name", "profile.mobilePhone", "mobile_phone"));

    /** A user together with what only sign-in may see. */
    public record Credentials(User user, String passwordHash) {
    }

    /**
     * One page of users, by id. {@code conditions} are trusted SQL (from {@link FilterColumns}) over {@code binds};
     * {@code q} is a case-insensitive prefix of firstName, lastName, email or login; {@code groupId} keeps the
     * members of one group (none for Everyone, which holds every user).
     */
    public record Query(String q, List<String> conditions, Map<String, Object> binds, boolean excludeDeprovisioned,
                        String groupId, String after, int limit) {
    }

    public void insert(Handle h, User u, String passwordHash) {
        User.Profile p = u.profile();
        h.createUpdate("""
                        INSERT INTO users (id, status, login, login_key, email, first_name, last_name, display_name, mobile_phone,
                            profile_extra, password_hash, created_at, activated_at, status_changed_at, last_updated_at, password_changed_at)
                        VALUES (:id, :status, :login, :loginKey, :email, :firstName, :lastName, :displayName, :mobilePhone,
                            :extra, :passwordHash, :created, :activated, :statusChanged, :lastUpdated, :passwordChanged)""")
                .bind("id", u.id()).bind("status", u.status().name())
                .bind("login", p.login()).bind("loginKey", loginKey(p.login())).bind("email", p.email())
                .bind("firstName", p.firstName()).bind("lastName", p.lastName()).bind("displayName", p.displayName())
                .bind("mobilePhone", p.mobilePhone()).bind("extra", extra(p)).bind("passwordHash", passwordHash)
                .bind("created", u.created()).bind("activated", u.activated()).bind("statusChanged", u.statusChanged())
                .bind("lastUpdated", u.lastUpdated()).bind("passwordChanged", u.passwordChanged())
                .execute();
    }

    public Optional<User> find(Handle h, String id) {
        return h.createQuery("SELECT * FROM users WHERE id = :id").bind("id", id).map((rs, c) -> read(rs)).findOne();
    }

    /** The user whose login is the same as {@code typed} ({@link Logins#key}), if any. */
    public Optional<User> findByLogin(Handle h, String typed) {
        Optional<String> key = Logins.key(typed);
        return key.isEmpty() ? Optional.empty()
                : h.createQuery("SELECT * FROM users WHERE login_key = :k").bind("k", key.get()).map((rs, c) -> read(rs)).findOne();
    }

    /** The user, with its password hash, whose login key is {@code key} (a {@link Logins#key}). */
    public Optional<Credentials> credentials(Handle h, String key) {
        return h.createQuery("SELECT * FROM users WHERE login_key = :k").bind("k", key)
                .map((rs, c) -> new Credentials(read(rs), rs.getString("password_hash"))).findOne();
    }

    public List<User> list(Handle h, Query query) {
        StringBuilder sql = new StringBuilder("SELECT * FROM users WHERE 1 = 1");
        Map<String, Object> binds = new HashMap<>(query.binds());
        query.conditions().forEach(c -> sql.append(" AND ").append(c));
        if (query.excludeDeprovisioned()) {
            sql.append(" AND status <> 'DEPROVISIONED'");
        }
        if (query.q() != null) {
            sql.append(" AND (LOWER(first_name) LIKE :q ESCAPE '!' OR LOWER(last_name) LIKE :q ESCAPE '!'"
                    + " OR LOWER(email) LIKE :q ESCAPE '!' OR login_key LIKE :qLogin ESCAPE '!')");
            binds.put("q", Listing.startsWith(query.q().toLowerCase(Locale.ROOT)));
            binds.put("qLogin", Listing.startsWith(Logins.fold(query.q())));
        }
        if (query.groupId() != null) {
            sql.append(" AND id IN (SELECT user_id FROM group_memberships WHERE group_id = :groupId)");
            binds.put("groupId", query.groupId());
        }
        Listing.page(sql, binds, "id", query.after(), query.limit());
        return h.createQuery(sql.toString()).bindMap(binds).map((rs, c) -> read(rs)).list();
    }

    /**
     * Writes a profile. With {@code seenLastUpdated}, only if the user is unchanged since it was read
     * (false when another request changed it meanwhile); without, unconditionally (false when there is no such user).
     */
    public boolean writeProfile(Handle h, String id, User.Profile p, Instant seenLastUpdated, Instant now) {
        Update update = h.createUpdate("""
                UPDATE users SET login = :login, login_key = :loginKey, email = :email, first_name = :firstName,
                    last_name = :lastName, display_name = :displayName, mobile_phone = :mobilePhone, profile_extra = :extra,
                    last_updated_at = :now
                WHERE id = :id""" + (seenLastUpdated == null ? "" : " AND last_updated_at = :seen"));
        if (seenLastUpdated != null) {
            update.bind("seen", seenLastUpdated);
        }
        return bindProfile(update, p).bind("id", id).bind("now", now).execute() == 1;
    }

    /**
     * Sets a password hash (an admin's "Set password"); a PROVISIONED user (activated, waiting for a password), a RECOVERY
     * user (an admin's reset pending) and a PASSWORD_EXPIRED user become ACTIVE, as at Okta: the password the admin set is
     * the one to use (issue #19). Other statuses stay (a LOCKED_OUT user stays locked: unlocking is its own operation).
     * False when the user does not exist.
     */
    public boolean setPassword(Handle h, String id, String hash, Instant now) {
        boolean set = h.createUpdate("""
                        UPDATE users SET password_hash = :hash, password_changed_at = :now, last_updated_at = :now,
                            status_changed_at = CASE WHEN status IN ('PROVISIONED', 'RECOVERY', 'PASSWORD_EXPIRED') THEN :now ELSE status_changed_at END,
                            status = CASE WHEN status IN ('PROVISIONED', 'RECOVERY', 'PASSWORD_EXPIRED') THEN 'ACTIVE' ELSE status END
                        WHERE id = :id""")
                .bind("id", id).bind("hash", hash).bind("now", now).execute() == 1;
        endPasswordLinks(h, id);
        return set;
    }

    /**
     * A password set here (by an admin, an activation, a temporary password) ends the user's pending reset link and
     * expired-password form: neither may set another password afterwards. Gatehouse's decision, in the store so no way of
     * setting a password can forget it: an admin who answers a compromise with a new password leaves no "Forgot password?"
     * link alive for the rest of its hour (EmailAttackHttpTest). The recovery's own change ends them itself
     * (PasswordRecovery), having used one up.
     */
    private static void endPasswordLinks(Handle h, String id) {
        h.createUpdate("DELETE FROM user_tokens WHERE user_id = :id AND purpose IN ('RECOVERY', 'PASSWORD_EXPIRED')")
                .bind("id", id).execute();
    }

    /**
     * A password set through a recovery (a reset link, or the change an expired password asks for): the new hash, and the
     * user ACTIVE again with both failure counters at zero, if the user is still in one of {@code from}. False otherwise
     * (suspended or deactivated meanwhile: the reset must not bring the user back).
     */
    public boolean recoverPassword(Handle h, String id, String hash, Set<User.Status> from, Instant now) {
        String in = from.stream().map(s -> "'" + s.name() + "'").sorted().collect(Collectors.joining(", "));
        return h.createUpdate("UPDATE users SET password_hash = :hash, password_changed_at = :now, last_updated_at = :now,"
                        + " status_changed_at = CASE WHEN status = 'ACTIVE' THEN status_changed_at ELSE :now END,"
                        + " status = 'ACTIVE', failed_sign_ins = 0, failed_factor_attempts = 0"
                        + " WHERE id = :id AND status IN (" + in + ")")
                .bind("id", id).bind("hash", hash).bind("now", now).execute() == 1;
    }

    /** Sets the password hash and moves the user to {@code to} (expire with a temporary password), if in {@code from}. */
    public boolean setPasswordAndStatus(Handle h, String id, String hash, Set<User.Status> from, User.Status to, Instant now) {
        String in = from.stream().map(s -> "'" + s.name() + "'").sorted().collect(Collectors.joining(", "));
        boolean set = h.createUpdate("UPDATE users SET password_hash = :hash, password_changed_at = :now, last_updated_at = :now,"
                        + " status_changed_at = :now, status = :to WHERE id = :id AND status IN (" + in + ")")
                .bind("id", id).bind("hash", hash).bind("to", to.name()).bind("now", now).execute() == 1;
        if (set) {
            endPasswordLinks(h, id);
        }
        return set;
    }

    /**
     * Moves the user to {@code to} if its status is one of {@code from}; entering ACTIVE resets the failed
     * sign-in counter. {@code activation} also stamps {@code activated} and, for a user without a password,
     * lands on PROVISIONED instead of ACTIVE. False when the user is not (or no longer) in {@code from}.
     */
    public boolean changeStatus(Handle h, String id, Set<User.Status> from, User.Status to, boolean activation, Instant now) {
        String target = activation ? "CASE WHEN password_hash IS NULL THEN 'PROVISIONED' ELSE :to END" : ":to";
        String in = from.stream().map(s -> "'" + s.name() + "'").sorted().collect(Collectors.joining(", "));
        boolean changed = h.createUpdate("UPDATE users SET status = " + target + ", status_changed_at = :now, last_updated_at = :now,"
                        + " activated_at = " + (activation ? ":now" : "activated_at") + ","
                        + " failed_sign_ins = CASE WHEN " + target + " = 'ACTIVE' THEN 0 ELSE failed_sign_ins END"
                        + ", failed_factor_attempts = CASE WHEN " + target + " = 'ACTIVE' THEN 0 ELSE failed_factor_attempts END"
                        + " WHERE id = :id AND status IN (" + in + ")")
                .bind("id", id).bind("to", to.name()).bind("now", now).execute() == 1;
        if (changed && (to == User.Status.SUSPENDED || to == User.Status.DEPROVISIONED)) {
            // A suspended or deactivated user's emailed links end with it (Gatehouse's decision): an unsuspend within a
            // reset link's hour does not bring back a link sent before (EmailAttackHttpTest#aSuspensionEndsThePendingResetLink).
            h.createUpdate("DELETE FROM user_tokens WHERE user_id = :id").bind("id", id).execute();
        }
        return changed;
    }

    /**
     * The two failure counters toward the lockout: wrong passwords (reset by a successful sign-in) and wrong factor codes
     * (their own counter, so a password sign-in between guesses does not reset it; reset by an accepted code). Either
     * reaching the maximum locks the user; an unlock resets both.
     */
    public enum FailureCounter {
        SIGN_IN("failed_sign_ins", "failedSignIns"), FACTOR("failed_factor_attempts", "failedFactorAttempts");

        private final String column;
        /** Its name in the {@code user.account.lock} event's debug data. */
        public final String logName;

        FailureCounter(String column, String logName) {
            this.column = column;
            this.logName = logName;
        }
    }

    /**
     * Counts one failure of an ACTIVE user on {@code counter} and, when the count reaches {@code max}, locks it, in one
     * statement. Returns the status it left the user in, or empty when the user was not ACTIVE.
     * The caller's transaction holds the row lock from here on, so the status read back is its own doing.
     */
    public Optional<User.Status> recordFailure(Handle h, String id, FailureCounter counter, int max, Instant now) {
        String c = counter.column;   // one of the enum's two column names, never input
        int rows = h.createUpdate("UPDATE users SET " + c + " = " + c + " + 1,"
                        + " status = CASE WHEN " + c + " + 1 >= :max THEN 'LOCKED_OUT' ELSE status END,"
                        + " status_changed_at = CASE WHEN " + c + " + 1 >= :max THEN :now ELSE status_changed_at END,"
                        + " last_updated_at = CASE WHEN " + c + " + 1 >= :max THEN :now ELSE last_updated_at END"
                        + " WHERE id = :id AND status = 'ACTIVE'")
                .bind("id", id).bind("max", max).bind("now", now).execute();
        if (rows == 0) {
            return Optional.empty();
        }
        return status(h, id);
    }

    /** An accepted factor code: the wrong-code counter starts again. */
    public void resetFailedFactors(Handle h, String id) {
        h.createUpdate("UPDATE users SET failed_factor_attempts = 0 WHERE id = :id AND failed_factor_attempts <> 0").bind("id", id).execute();
    }

    /** The user's status, read in the caller's transaction (after {@link #lock}, it cannot change until it ends). */
    public Optional<User.Status> status(Handle h, String id) {
        return h.createQuery("SELECT status FROM users WHERE id = :id").bind("id", id).mapTo(String.class).findOne().map(User.Status::valueOf);
    }

    /** Records a successful sign-in if the user is still ACTIVE with the password that was verified. */
    /**
     * Locks the user's row until the transaction ends; false when there is no such user. A change that ends what the user
     * holds (sessions, tokens) takes this lock first, so a sign-in finishing at the same moment ({@link #lockSignedIn})
     * either lands before it, and is ended with the rest, or waits and sees the change. An UPDATE that changes nothing
     * rather than {@code SELECT … FOR UPDATE}: on PostgreSQL it takes the row lock that does not conflict with the
     * key-share locks the inserts of codes and tokens take on the user's row (their foreign keys), so a code exchange or
     * a refresh in flight cannot deadlock with it; the same statement works on H2.
     */
    public boolean lock(Handle h, String id) {
        return h.createUpdate("UPDATE users SET last_updated_at = last_updated_at WHERE id = :id").bind("id", id).execute() == 1;
    }

    /**
     * Locks the user's row, as {@link #lock}, if the user is still ACTIVE with the password set at {@code passwordChanged}:
     * the last check of a sign-in, in the transaction that starts its session. False when the user was suspended,
     * deactivated, locked or given a new password since the password was checked.
     */
    public boolean lockSignedIn(Handle h, String id, Instant passwordChanged) {
        return h.createUpdate("""
                        UPDATE users SET last_updated_at = last_updated_at
                        WHERE id = :id AND status = 'ACTIVE' AND password_changed_at = :pwd""")
                .bind("id", id).bind("pwd", passwordChanged).execute() == 1;
    }

    public boolean recordSignIn(Handle h, String id, String verifiedHash, Instant now) {
        return h.createUpdate("""
                        UPDATE users SET failed_sign_ins = 0, last_login_at = :now
                        WHERE id = :id AND status = 'ACTIVE' AND password_hash = :hash""")
                .bind("id", id).bind("hash", verifiedHash).bind("now", now).execute() == 1;
    }

    /** Replaces a hash made with old parameters, unless the password changed meanwhile. */
    public void rehash(Handle h, String id, String oldHash, String newHash) {
        h.createUpdate("UPDATE users SET password_hash = :new WHERE id = :id AND password_hash = :old")
                .bind("id", id).bind("old", oldHash).bind("new", newHash).execute();
    }

    public int failedSignIns(Handle h, String id) {
        return h.createQuery("SELECT failed_sign_ins FROM users WHERE id = :id").bind("id", id).mapTo(Integer.class).one();
    }

    /** Deletes a DEPROVISIONED user (its roles, tokens and memberships go with it); false otherwise. */
    public boolean deleteDeprovisioned(Handle h, String id) {
        return h.createUpdate("DELETE FROM users WHERE id = :id AND status = 'DEPROVISIONED'").bind("id", id).execute() == 1;
    }

    public void grantRole(Handle h, String userId, String role, Instant now) {
        h.createUpdate("INSERT INTO admin_roles (user_id, role, created_at) VALUES (:u, :r, :now)")
                .bind("u", userId).bind("r", role).bind("now", now).execute();
    }

    /** The ids of the users holding a role, in id order (for the console's "second factor for administrators"). */
    public List<String> withRole(Handle h, String role) {
        return h.createQuery("SELECT user_id FROM admin_roles WHERE role = :r ORDER BY user_id").bind("r", role).mapTo(String.class).list();
    }

    public boolean hasRole(Handle h, String userId, String role) {
        return h.createQuery("SELECT COUNT(*) FROM admin_roles WHERE user_id = :u AND role = :r")
                .bind("u", userId).bind("r", role).mapTo(Integer.class).one() > 0;
    }

    public long count(Handle h) {
        return h.createQuery("SELECT COUNT(*) FROM users").mapTo(Long.class).one();
    }

    public long count(Handle h, User.Status status) {
        return h.createQuery("SELECT COUNT(*) FROM users WHERE status = :s").bind("s", status.name()).mapTo(Long.class).one();
    }

    static String loginKey(String login) {
        return Logins.keyOf(login);
    }

    /**
     * {@code profile.login} is compared on {@code login_key} with the expression's value put through {@link Logins#fold},
     * so a filter finds a login in any case or width, as sign-in does; the other profile strings compare with LOWER().
     */
    private static FilterColumns columns(Map<String, String> profile) {
        Map<String, String> all = new HashMap<>(profile);
        all.putAll(DATES);
        Set<String> ci = profile.keySet().stream().filter(k -> k.startsWith("profile.") && !k.equals("profile.login"))
                .collect(Collectors.toSet());
        return new FilterColumns(Map.copyOf(all), DATES.keySet(), ci, Map.of("profile.login", Logins::fold));
    }

    private static Update bindProfile(Update u, User.Profile p) {
        return u.bind("login", p.login()).bind("loginKey", loginKey(p.login())).bind("email", p.email())
                .bind("firstName", p.firstName()).bind("lastName", p.lastName()).bind("displayName", p.displayName())
                .bind("mobilePhone", p.mobilePhone()).bind("extra", extra(p));
    }

    private static String extra(User.Profile p) {
        try {
            return p.extra().isEmpty() ? null : JSON.writeValueAsString(p.extra());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static User read(ResultSet rs) throws SQLException {
        String extra = rs.getString("profile_extra");
        Map<String, String> extras;
        try {
            extras = extra == null ? Map.of() : JSON.readValue(extra, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable profile_extra of user " + rs.getString("id"), e);
        }
        return new User(rs.getString("id"), User.Status.valueOf(rs.getString("status")),
                new User.Profile(rs.getString("login"), rs.getString("email"), rs.getString("first_name"),
                        rs.getString("last_name"), rs.getString("display_name"), rs.getString("mobile_phone"), extras),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("activated_at")),
                instant(rs.getTimestamp("status_changed_at")), instant(rs.getTimestamp("last_login_at")),
                instant(rs.getTimestamp("last_updated_at")), instant(rs.getTimestamp("password_changed_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
