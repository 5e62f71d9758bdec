package dev.gatehouse.apitokens;

import dev.gatehouse.api.ApiCaller;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SQL for {@code api_tokens}. */
public final class ApiTokenStore {

    public void insert(Handle h, ApiToken t, String tokenHash) {
        h.createUpdate("""
                        INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, last_used_at, expires_at)
                        VALUES (:id, :userId, :name, :hash, :created, NULL, :expires)""")
                .bind("id", t.id()).bind("userId", t.userId()).bind("name", t.name()).bind("hash", tokenHash)
                .bind("created", t.created()).bind("expires", t.expiresAt())
                .execute();
    }

    /**
     * The caller a token value stands for, in one query: the token unexpired, its owner ACTIVE or LOCKED_OUT
     * (lockout stops password guessing, not automation), and whether the owner is a super admin.
     */
    public Optional<ApiCaller> findCaller(Handle h, String tokenHash, Instant now, String adminRole) {
        return h.createQuery("""
                        SELECT t.id AS token_id, u.id AS user_id, u.login, u.first_name, u.last_name, u.display_name,
                            (SELECT COUNT(*) FROM admin_roles r WHERE r.user_id = u.id AND r.role = :role) AS admin
                        FROM api_tokens t JOIN users u ON u.id = t.user_id
                        WHERE t.token_hash = :hash AND t.expires_at > :now AND u.status IN ('ACTIVE', 'LOCKED_OUT')""")
                .bind("hash", tokenHash).bind("now", now).bind("role", adminRole)
                .map((rs, c) -> new ApiCaller(rs.getString("user_id"), rs.getString("login"),
                        new dev.gatehouse.directory.User.Profile(rs.getString("login"), null, rs.getString("first_name"),
                                rs.getString("last_name"), rs.getString("display_name"), null).name(),
                        rs.getString("token_id"), rs.getLong("admin") > 0))
                .findOne();
    }

    public Optional<ApiToken> find(Handle h, String id) {
        return h.createQuery("SELECT * FROM api_tokens WHERE id = :id").bind("id", id).map((rs, c) -> read(rs)).findOne();
    }

    public List<ApiToken> listForUser(Handle h, String userId, String afterId, int limit) {
        return h.createQuery("SELECT * FROM api_tokens WHERE user_id = :userId AND id > :after ORDER BY id LIMIT :limit")
                .bind("userId", userId).bind("after", afterId == null ? "" : afterId).bind("limit", limit)
                .map((rs, c) -> read(rs)).list();
    }

    /**
     * Records a use and slides the expiry window, at most once a minute per token so a busy
     * automation does not turn every API call into a write.
     */
    public void touch(Handle h, String id, Instant now) {
        h.createUpdate("""
                        UPDATE api_tokens SET last_used_at = :now, expires_at = :expires
                        WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :threshold)""")
                .bind("id", id).bind("now", now).bind("expires", now.plus(ApiToken.TOKEN_WINDOW))
                .bind("threshold", now.minusSeconds(60))
                .execute();
    }

    public void rename(Handle h, String id, String name) {
        h.createUpdate("UPDATE api_tokens SET name = :name WHERE id = :id").bind("id", id).bind("name", name).execute();
    }

    public boolean delete(Handle h, String id) {
        return h.createUpdate("DELETE FROM api_tokens WHERE id = :id").bind("id", id).execute() == 1;
    }

    private static ApiToken read(ResultSet rs) throws SQLException {
        return new ApiToken(rs.getString("id"), rs.getString("user_id"), rs.getString("name"),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("last_used_at")), instant(rs.getTimestamp("expires_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
