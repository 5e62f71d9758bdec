package dev.gatehouse.directory;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** SQL for {@code users} and {@code admin_roles}. */
public final class UserStore {

    public static final String SUPER_ADMIN = "SUPER_ADMIN";

    public void insert(Handle h, User u, String passwordHash) {
        User.Profile p = u.profile();
        h.createUpdate("""
                        INSERT INTO users (id, status, login, login_key, email, first_name, last_name, display_name, mobile_phone,
                            password_hash, created_at, activated_at, status_changed_at, last_updated_at, password_changed_at)
                        VALUES (:id, :status, :login, :loginKey, :email, :firstName, :lastName, :displayName, :mobilePhone,
                            :passwordHash, :created, :activated, :statusChanged, :lastUpdated, :passwordChanged)""")
                .bind("id", u.id()).bind("status", u.status().name())
                .bind("login", p.login()).bind("loginKey", loginKey(p.login())).bind("email", p.email())
                .bind("firstName", p.firstName()).bind("lastName", p.lastName()).bind("displayName", p.displayName())
                .bind("mobilePhone", p.mobilePhone()).bind("passwordHash", passwordHash)
                .bind("created", u.created()).bind("activated", u.activated()).bind("statusChanged", u.statusChanged())
                .bind("lastUpdated", u.lastUpdated()).bind("passwordChanged", u.passwordChanged())
                .execute();
    }

    public Optional<User> find(Handle h, String id) {
        return h.createQuery("SELECT * FROM users WHERE id = :id").bind("id", id).map((rs, c) -> read(rs)).findOne();
    }

    public Optional<User> findByLogin(Handle h, String login) {
        return h.createQuery("SELECT * FROM users WHERE login_key = :k").bind("k", loginKey(login)).map((rs, c) -> read(rs)).findOne();
    }

    public void grantRole(Handle h, String userId, String role, Instant now) {
        h.createUpdate("INSERT INTO admin_roles (user_id, role, created_at) VALUES (:u, :r, :now)")
                .bind("u", userId).bind("r", role).bind("now", now).execute();
    }

    public boolean hasRole(Handle h, String userId, String role) {
        return h.createQuery("SELECT COUNT(*) FROM admin_roles WHERE user_id = :u AND role = :r")
                .bind("u", userId).bind("r", role).mapTo(Integer.class).one() > 0;
    }

    public long count(Handle h) {
        return h.createQuery("SELECT COUNT(*) FROM users").mapTo(Long.class).one();
    }

    static String loginKey(String login) {
        return login.toLowerCase(Locale.ROOT);
    }

    static User read(ResultSet rs) throws SQLException {
        return new User(rs.getString("id"), User.Status.valueOf(rs.getString("status")),
                new User.Profile(rs.getString("login"), rs.getString("email"), rs.getString("first_name"),
                        rs.getString("last_name"), rs.getString("display_name"), rs.getString("mobile_phone")),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("activated_at")),
                instant(rs.getTimestamp("status_changed_at")), instant(rs.getTimestamp("last_login_at")),
                instant(rs.getTimestamp("last_updated_at")), instant(rs.getTimestamp("password_changed_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
