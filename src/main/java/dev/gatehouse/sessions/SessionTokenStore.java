package dev.gatehouse.sessions;

import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import org.jdbi.v3.core.Handle;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Okta's one-time {@code sessionToken} (issue #20): what a finished Authentication API transaction hands the app, to be
 * traded once for a session at {@code /authorize?sessionToken=}, {@code /login/sessionCookieRedirect} or
 * {@code POST /api/v1/sessions}. It carries what the person proved ({@code amr}, when) so the session it becomes, and the
 * tokens issued from that session, say the same. Only the SHA-256 is stored; redeeming deletes the row in the caller's
 * transaction (two redemptions at once: one wins). It lives {@link #LIFETIME}; expired rows are deleted when new ones are
 * made, so the table is bounded by the sign-ins of the last few minutes.
 */
public final class SessionTokenStore {

    /** Okta: the sessionToken is "a one-time token" that "expires after 5 minutes" (see docs/okta/authn.md). */
    public static final Duration LIFETIME = Duration.ofMinutes(5);

    /** What a live token proves, and about whom. */
    public record Grant(String userId, List<String> amr, Instant passwordVerified, Instant factorVerified, Instant passwordChanged) {
    }

    static final int LENGTH = 42;
    /** Unredeemed tokens one user may hold at once. */
    public static final int MAX_PER_USER = 10;
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9]{" + LENGTH + "}");

    private final Ids ids;

    public SessionTokenStore(Ids ids) {
        this.ids = ids;
    }

    /** A new token for this proof, in the caller's transaction (so it exists only if the step that earned it commits). */
    public String issue(Handle h, Grant grant, Instant now) {
        h.createUpdate("DELETE FROM session_tokens WHERE expires_at <= :now").bind("now", Timestamp.from(now)).execute();
        // At most MAX_PER_USER unredeemed per user (the oldest goes): an app redeems a token at once, so more in 5 minutes
        // is a loop, and without a cap only the rate limits would bound the table (attack review of issue #20).
        java.util.List<String> live = h.createQuery("SELECT token_hash FROM session_tokens WHERE user_id = :u ORDER BY created_at DESC, token_hash")
                .bind("u", grant.userId()).mapTo(String.class).list();
        for (String old : live.subList(Math.min(live.size(), MAX_PER_USER - 1), live.size())) {
            h.createUpdate("DELETE FROM session_tokens WHERE token_hash = :hash").bind("hash", old).execute();
        }
        String token = ids.base62(LENGTH);
        h.createUpdate("""
                        INSERT INTO session_tokens (token_hash, user_id, amr, password_verified_at, factor_verified_at, password_changed_at,
                                                    created_at, expires_at)
                        VALUES (:hash, :user, :amr, :pwd, :factor, :changed, :now, :expires)""")
                .bind("hash", Hashes.sha256(token)).bind("user", grant.userId()).bind("amr", String.join(" ", grant.amr()))
                .bind("pwd", Timestamp.from(grant.passwordVerified()))
                .bind("factor", grant.factorVerified() == null ? null : Timestamp.from(grant.factorVerified()))
                .bind("changed", grant.passwordChanged() == null ? null : Timestamp.from(grant.passwordChanged()))
                .bind("now", Timestamp.from(now)).bind("expires", Timestamp.from(now.plus(LIFETIME))).execute();
        return token;
    }

    /** Whether a value could be a token at all (so nothing is hashed or looked up for junk). */
    public static boolean plausible(String token) {
        return token != null && SHAPE.matcher(token).matches();
    }

    /** Uses the token up: what it proved if it was live; gone afterwards, live or not. */
    public Optional<Grant> redeem(Handle h, String token, Instant now) {
        if (!plausible(token)) {
            return Optional.empty();
        }
        String hash = Hashes.sha256(token);
        Optional<Grant> grant = h.createQuery("SELECT * FROM session_tokens WHERE token_hash = :hash AND expires_at > :now")
                .bind("hash", hash).bind("now", Timestamp.from(now))
                .map((rs, c) -> new Grant(rs.getString("user_id"),
                        Arrays.stream(rs.getString("amr").split(" ")).filter(m -> !m.isEmpty()).toList(),
                        rs.getTimestamp("password_verified_at").toInstant(),
                        rs.getTimestamp("factor_verified_at") == null ? null : rs.getTimestamp("factor_verified_at").toInstant(),
                        rs.getTimestamp("password_changed_at") == null ? null : rs.getTimestamp("password_changed_at").toInstant()))
                .findOne();
        int deleted = h.createUpdate("DELETE FROM session_tokens WHERE token_hash = :hash").bind("hash", hash).execute();
        return deleted == 1 ? grant : Optional.empty();
    }

    /** Ends the user's unredeemed tokens (their sessions are being ended: a token must not outlive them). */
    public void revokeForUser(Handle h, String userId) {
        h.createUpdate("DELETE FROM session_tokens WHERE user_id = :u").bind("u", userId).execute();
    }
}
