package dev.gatehouse.mfa;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SQL for {@code authenticators}: the fixed catalog the migration seeded; only the name and the status change. */
public final class AuthenticatorStore {

    public List<Authenticator> list(Handle h) {
        return h.createQuery("SELECT * FROM authenticators ORDER BY created_at, id").map((rs, c) -> read(rs)).list();
    }

    public Optional<Authenticator> find(Handle h, String id) {
        return h.createQuery("SELECT * FROM authenticators WHERE id = :id").bind("id", id).map((rs, c) -> read(rs)).findOne();
    }

    public Optional<Authenticator> findByKey(Handle h, String key) {
        return h.createQuery("SELECT * FROM authenticators WHERE authenticator_key = :k").bind("k", key).map((rs, c) -> read(rs)).findOne();
    }

    public boolean rename(Handle h, String id, String name, Instant now) {
        return h.createUpdate("UPDATE authenticators SET name = :name, last_updated_at = :now WHERE id = :id")
                .bind("id", id).bind("name", name).bind("now", now).execute() == 1;
    }

    /** Moves to {@code to} from the other status; false when it already had it (another request may have got there first). */
    public boolean changeStatus(Handle h, String id, Authenticator.Status to, Instant now) {
        return h.createUpdate("UPDATE authenticators SET status = :to, last_updated_at = :now WHERE id = :id AND status <> :to")
                .bind("id", id).bind("to", to.name()).bind("now", now).execute() == 1;
    }

    /** The webauthn method's {@code userVerification}. */
    public boolean setUserVerification(Handle h, String id, Authenticator.UserVerification uv, Instant now) {
        return h.createUpdate("UPDATE authenticators SET user_verification = :uv, last_updated_at = :now WHERE id = :id")
                .bind("id", id).bind("uv", uv.name()).bind("now", now).execute() == 1;
    }

    /** okta_email's {@code settings.tokenLifetimeInMinutes}. */
    public boolean setTokenLifetime(Handle h, String id, int minutes, Instant now) {
        return h.createUpdate("UPDATE authenticators SET token_lifetime_minutes = :m, last_updated_at = :now WHERE id = :id")
                .bind("id", id).bind("m", minutes).bind("now", now).execute() == 1;
    }

    private static Authenticator read(ResultSet rs) throws SQLException {
        return new Authenticator(rs.getString("id"), rs.getString("authenticator_key"), rs.getString("type"), rs.getString("name"),
                Authenticator.Status.valueOf(rs.getString("status")), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("last_updated_at").toInstant(),
                rs.getString("user_verification") == null ? null : Authenticator.UserVerification.valueOf(rs.getString("user_verification")),
                (Integer) rs.getObject("token_lifetime_minutes", Integer.class));
    }
}
