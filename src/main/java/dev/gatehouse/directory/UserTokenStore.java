package dev.gatehouse.directory;

import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import org.jdbi.v3.core.Handle;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * SQL for {@code user_tokens}: the single-use secrets Gatehouse sends to a person in a link (issue #19): Okta's {@code activationToken} and
 * {@code recoveryToken}. A token is 20 base62 characters (about 119 bits, Okta's tokens have this shape); only its
 * SHA-256 is stored, so the table leaks nothing usable. A user has at most one live token per purpose: issuing a new one
 * replaces the old (Okta: a new activation email invalidates the earlier link). {@link #peek} checks a token without
 * using it (a mail scanner that fetches the link changes nothing); {@link #consume} uses it up, once, in the caller's
 * transaction, so the change it authorizes and the token's end commit together.
 */
public final class UserTokenStore {

    /**
     * What a token is for; a token of one purpose is never accepted for another. PASSWORD_EXPIRED (added by the recovery
     * work, backward compatible) is never sent: it binds the "your password has expired" form to the sign-in attempt that
     * proved the old password, for a few minutes, so an emailed RECOVERY link can never stand in for it nor it for one.
     */
    public enum Purpose { ACTIVATION, RECOVERY, PASSWORD_EXPIRED }

    /** A token's owner and expiry. */
    public record Live(String userId, Purpose purpose, Instant expires) {
    }

    static final int LENGTH = 20;
    private static final java.util.regex.Pattern SHAPE = java.util.regex.Pattern.compile("[A-Za-z0-9]{" + LENGTH + "}");

    private final Ids ids;

    public UserTokenStore(Ids ids) {
        this.ids = ids;
    }

    /** A new token for the user and purpose, valid for {@code lifetime}; the user's earlier token of that purpose ends. */
    public String issue(Handle h, String userId, Purpose purpose, Instant now, Duration lifetime) {
        String token = ids.base62(LENGTH);
        revoke(h, userId, purpose);
        h.createUpdate("""
                        INSERT INTO user_tokens (token_hash, user_id, purpose, created_at, expires_at)
                        VALUES (:hash, :user, :purpose, :now, :expires)""")
                .bind("hash", Hashes.sha256(token)).bind("user", userId).bind("purpose", purpose.name())
                .bind("now", Timestamp.from(now)).bind("expires", Timestamp.from(now.plus(lifetime))).execute();
        return token;
    }

    /** The live token's owner, without using it up; empty for a malformed, unknown, expired or other-purpose token. */
    public Optional<Live> peek(Handle h, String token, Purpose purpose, Instant now) {
        if (token == null || !SHAPE.matcher(token).matches()) {
            return Optional.empty();
        }
        return h.createQuery("""
                        SELECT user_id, expires_at FROM user_tokens
                        WHERE token_hash = :hash AND purpose = :purpose AND expires_at > :now""")
                .bind("hash", Hashes.sha256(token)).bind("purpose", purpose.name()).bind("now", Timestamp.from(now))
                .map((rs, c) -> new Live(rs.getString("user_id"), purpose, rs.getTimestamp("expires_at").toInstant()))
                .findOne();
    }

    /**
     * Uses the token up: its owner if it was live, and it is gone afterwards (two concurrent uses: exactly one wins, the
     * delete being conditional on the row). Runs in the caller's transaction; a rollback brings the token back.
     */
    public Optional<Live> consume(Handle h, String token, Purpose purpose, Instant now) {
        Optional<Live> live = peek(h, token, purpose, now);
        if (live.isEmpty()) {
            return live;
        }
        int deleted = h.createUpdate("DELETE FROM user_tokens WHERE token_hash = :hash AND purpose = :purpose AND expires_at > :now")
                .bind("hash", Hashes.sha256(token)).bind("purpose", purpose.name()).bind("now", Timestamp.from(now)).execute();
        return deleted == 1 ? live : Optional.empty();
    }

    /**
     * Records that the person proved another factor for this live token (password recovery: Okta's rule that a user with
     * another authenticator must verify it before the reset). The proof lives on the token's row: it cannot be carried to
     * another token and ends with this one. False when the token is not live.
     */
    public boolean markFactorVerified(Handle h, String token, Purpose purpose, Instant now) {
        if (token == null || !SHAPE.matcher(token).matches()) {
            return false;
        }
        return h.createUpdate("""
                        UPDATE user_tokens SET factor_verified_at = :now
                        WHERE token_hash = :hash AND purpose = :purpose AND expires_at > :now""")
                .bind("hash", Hashes.sha256(token)).bind("purpose", purpose.name()).bind("now", Timestamp.from(now)).execute() == 1;
    }

    /** Whether {@link #markFactorVerified} was recorded for this live token. */
    public boolean factorVerified(Handle h, String token, Purpose purpose, Instant now) {
        if (token == null || !SHAPE.matcher(token).matches()) {
            return false;
        }
        return h.createQuery("""
                        SELECT COUNT(*) FROM user_tokens
                        WHERE token_hash = :hash AND purpose = :purpose AND expires_at > :now AND factor_verified_at IS NOT NULL""")
                .bind("hash", Hashes.sha256(token)).bind("purpose", purpose.name()).bind("now", Timestamp.from(now))
                .mapTo(Integer.class).one() == 1;
    }

    /** Ends the user's token of this purpose, if any (e.g. the password was set another way). */
    public void revoke(Handle h, String userId, Purpose purpose) {
        h.createUpdate("DELETE FROM user_tokens WHERE user_id = :user AND purpose = :purpose")
                .bind("user", userId).bind("purpose", purpose.name()).execute();
    }

    /** Deletes expired tokens (called by the periodic cleanup); how many. */
    public int purgeExpired(Handle h, Instant now) {
        return h.createUpdate("DELETE FROM user_tokens WHERE expires_at <= :now").bind("now", Timestamp.from(now)).execute();
    }
}
