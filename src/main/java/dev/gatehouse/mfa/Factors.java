package dev.gatehouse.mfa;

import dev.gatehouse.directory.User;
import dev.gatehouse.directory.Users;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.http.RateLimitFamily;
import dev.gatehouse.http.RateLimits;
import dev.gatehouse.oauth.keys.KeyEncryption;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * The user-factor use cases (Okta's Factors API), for now Google Authenticator TOTP: enroll (a new seed, sealed with the
 * key-encryption key, shown once), activate and verify with a code, delete, and reset all. Rules:
 * <ul>
 *   <li>Only {@code token:software:totp} with provider {@code GOOGLE}, and only while the {@code google_otp}
 *       authenticator is ACTIVE (enrolled factors stay when it is deactivated, but cannot be activated or verified).</li>
 *   <li>A pending enrollment lasts {@link #ENROLLMENT_LIFETIME}; a new enrollment replaces it; an ACTIVE one must be
 *       deleted (or reset) first.</li>
 *   <li>A code is accepted once: only for a later time step than the last accepted one, by one conditional UPDATE.</li>
 *   <li>Every activate and verify draws from the per-user factor rate limit first; a wrong code counts toward the
 *       user's lockout as a wrong password does; a LOCKED_OUT user is refused before the code is looked at.</li>
 * </ul>
 * The seed is opened only here, never logged, and returned only in the enrollment answer.
 */
public final class Factors {

    public static final Duration ENROLLMENT_LIFETIME = Duration.ofMinutes(15);
    public static final String ISSUER = "Gatehouse";
    static final String ID_PREFIX = "ost";
    static final String ACTIVATE = "user.mfa.factor.activate";
    static final String DEACTIVATE = "user.mfa.factor.deactivate";
    static final String RESET_ALL = "user.mfa.factor.reset_all";
    static final String UPDATE = "user.mfa.factor.update";
    static final String AUTH_VIA_MFA = "user.authentication.auth_via_mfa";
    static final String WRONG_CODE = "Your passcode doesn't match our records. Please try again.";
    static final String ENROLL_REQUEST = "factorEnrollRequest";

    /** A new enrollment: the factor, its seed in base32 (shown this once) and the one-time token of its QR link. */
    public record Enrollment(Factor factor, String sharedSecret, String qrToken) {
    }

    private final Database db;
    private final FactorStore store;
    private final Authenticators authenticators;
    private final Users users;
    private final KeyEncryption keys;
    private final RateLimits limits;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;

    public Factors(Database db, FactorStore store, Authenticators authenticators, Users users, KeyEncryption keys, RateLimits limits,
                   SystemLog log, Ids ids, Clock clock, java.util.function.BiConsumer<org.jdbi.v3.core.Handle, String> removed) {
        this.removed = removed;
        this.db = db;
        this.store = store;
        this.authenticators = authenticators;
        this.users = users;
        this.keys = keys;
        this.limits = limits;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * Called in the transaction that removes a user's active factor (DELETE, reset_factors): the user's sessions forget
     * the second factors they verified, so a session that counted a lost or stolen phone no longer does (outside review
     * of the step-up slice). Tokens already issued keep their acr, as Okta documents for refresh.
     */
    private final java.util.function.BiConsumer<org.jdbi.v3.core.Handle, String> removed;

    public Instant now() {
        return clock.instant();
    }

    /** The user's factors (404 for an unknown user). */
    public List<Factor> list(String userId) {
        User u = users.get(userId);
        return db.read(h -> store.ofUser(h, u.id()));
    }

    /** The person's factors as their console page shows them (no user check: the page has found the user). */
    public List<dev.gatehouse.directory.EnrolledFactors.Entry> enrolled(String userId) {
        Instant now = clock.instant();
        return db.read(h -> store.ofUser(h, userId)).stream()
                .map(f -> new dev.gatehouse.directory.EnrolledFactors.Entry(f.displayName(), f.shownStatus(now), f.created())).toList();
    }

    /** Of these users, those with any factor, pending or active (Okta's User {@code _links.resetFactors}). */
    public java.util.Set<String> withAny(java.util.Collection<String> userIds) {
        return userIds.isEmpty() ? java.util.Set.of() : db.read(h -> store.withAny(h, userIds));
    }

    /**
     * The user's catalog entry for Google Authenticator: empty while its authenticator is inactive (nothing can be
     * enrolled), else the status of the user's TOTP factor, or NOT_SETUP.
     */
    public java.util.Optional<String> catalogStatus(String userId) {
        User u = users.get(userId);
        if (!authenticators.isActive(Authenticator.GOOGLE_OTP)) {
            return java.util.Optional.empty();
        }
        Instant now = clock.instant();
        return java.util.Optional.of(db.read(h -> store.ofUser(h, u.id())).stream().filter(f -> f.factorType().equals(Factor.TOTP))
                .findFirst().map(f -> f.shownStatus(now)).orElse("NOT_SETUP"));
    }

    /**
     * The user's catalog entry for WebAuthn: empty while its authenticator is inactive, else ACTIVE when the user has an
     * active webauthn factor (more may still be enrolled), or NOT_SETUP.
     */
    public java.util.Optional<String> webAuthnCatalogStatus(String userId) {
        User u = users.get(userId);
        if (!authenticators.isActive(Authenticator.WEBAUTHN)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(db.read(h -> store.ofUser(h, u.id())).stream().anyMatch(f -> f.webAuthn() && f.active()) ? "ACTIVE" : "NOT_SETUP");
    }

    /** The user's catalog entry for email: empty while okta_email is inactive, else the status of their email factor, or NOT_SETUP. */
    public java.util.Optional<String> emailCatalogStatus(String userId) {
        User u = users.get(userId);
        if (!authenticators.isActive(Authenticator.EMAIL)) {
            return java.util.Optional.empty();
        }
        Instant now = clock.instant();
        return java.util.Optional.of(db.read(h -> store.ofUser(h, u.id())).stream().filter(Factor::email)
                .findFirst().map(f -> f.shownStatus(now)).orElse("NOT_SETUP"));
    }

    /** One factor of the user; another user's factor is not found (404). */
    public Factor get(String userId, String factorId) {
        User u = users.get(userId);
        return find(u, factorId);
    }

    public Enrollment enroll(EventContext ctx, String userId, String factorType, String provider) {
        User u = users.get(userId);
        if (!Factor.TOTP.equals(factorType)) {
            throw enrollRefused("Gatehouse supports only the factor types token:software:totp with provider GOOGLE (Google "
                    + "Authenticator) and webauthn with provider FIDO; " + (factorType == null ? "no factorType was given." : "'" + shorten(factorType)
                    + "' is not supported."));
        }
        if (!Factor.GOOGLE.equals(provider)) {
            throw enrollRefused("For token:software:totp Gatehouse supports only the provider GOOGLE (Google Authenticator); "
                    + (provider == null ? "no provider was given." : "'" + shorten(provider) + "' is not supported"
                    + ("OKTA".equals(provider) ? " (Okta Verify is not available)." : ".")));
        }
        if (!authenticators.isActive(Authenticator.GOOGLE_OTP)) {
            throw enrollRefused(inactiveAuthenticator());
        }
        byte[] seed = ids.bytes(Totp.SEED_BYTES);
        String id = ids.next(ID_PREFIX);
        String qrToken = ids.base62(43);
        Instant now = clock.instant();
        KeyEncryption.Sealed sealed = keys.seal(seed, context(id, u.id()));
        Factor factor = new Factor(id, u.id(), Factor.TOTP, Factor.GOOGLE, Factor.Status.PENDING_ACTIVATION, sealed.kekId(),
                sealed.ciphertext(), null, now.plus(ENROLLMENT_LIFETIME), now, now);
        try {
            db.inTx(h -> {
                store.deletePending(h, u.id(), Factor.TOTP);
                store.insert(h, factor, Hashes.sha256(qrToken));
                log.record(h, ctx, SystemLog.Entry.success(UPDATE, "Enroll factor: pending activation", userTarget(u), factorTarget(factor)));
            });
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw enrollRefused("A factor of this type is already set up.");
            }
            throw e;
        }
        return new Enrollment(factor, Totp.base32(seed), qrToken);
    }

    /** The {@code otpauth://} URI an authenticator app scans (Google Authenticator's key-URI format). */
    public static String otpauthUri(String login, String sharedSecret) {
        // The login is percent-encoded (a login may hold '?', '#' or '&'), but '@' is kept as apps show it.
        String label = enc(ISSUER) + ":" + enc(login).replace("%40", "@");
        return "otpauth://totp/" + label + "?secret=" + sharedSecret + "&issuer=" + enc(ISSUER) + "&digits=" + Totp.DIGITS
                + "&period=" + Totp.STEP.toSeconds() + "&algorithm=SHA1";
    }

    /**
     * The QR code of a pending enrollment, once: the token in the link is taken by one conditional UPDATE, so a second
     * fetch (or a fetch after activation or expiry) is 404.
     */
    public byte[] qrCode(String userId, String factorId, String token) {
        User u = users.get(userId);
        if (token == null || token.length() > 100
                || !db.tx(h -> store.takeQrToken(h, u.id(), factorId, Hashes.sha256(token), clock.instant()))) {
            throw ApiError.notFound(factorId, "UserFactor");
        }
        Factor f = find(u, factorId);
        byte[] seed = open(f);
        return QrCodes.png(otpauthUri(u.profile().login(), Totp.base32(seed)));
    }

    /** Activates a pending enrollment with a code from the app (200 with the ACTIVE factor). */
    public Factor activate(EventContext ctx, String userId, String factorId, String passCode) {
        User u = users.get(userId);
        find(u, factorId);
        checkAttempt(u, passCode);
        attempt(ctx, u, factorId, passCode, true, false);
        return find(u, factorId);
    }

    /** Verifies an ACTIVE factor's code: normal return is Okta's {@code factorResult: SUCCESS}. */
    public void verify(EventContext ctx, String userId, String factorId, String passCode) {
        User u = users.get(userId);
        find(u, factorId);
        checkAttempt(u, passCode);
        attempt(ctx, u, factorId, passCode, false, false);
    }

    /**
     * Verifies an ACTIVE TOTP factor's code for a password recovery (issue #19: a user with another factor proves it before
     * the reset). As {@link #verify}, with the same per-user rate limit, replay protection and lockout counting, except
     * that a user in RECOVERY or PASSWORD_EXPIRED may verify too (who a reset link works for; never a LOCKED_OUT one); wrong
     * codes of a user that is not ACTIVE are logged and rate-limited but do not move the lockout counter (only ACTIVE users
     * count).
     */
    public void verifyForRecovery(EventContext ctx, String userId, String factorId, String passCode) {
        User u = users.get(userId);
        find(u, factorId);
        checkAttempt(u, passCode, true);
        attempt(ctx, u, factorId, passCode, false, true);
    }

    private enum Outcome { ACCEPTED, WRONG, REPLAYED, LOCKED, NOT_ACTIVE, GONE }

    /**
     * One code attempt, in one transaction that first locks the user's row: attempts of one user run one after another,
     * so a burst of parallel guesses cannot compare more codes than the lockout allows, and a user suspended, deactivated
     * or locked meanwhile is refused before the code is looked at. A wrong code is counted (and may lock the user) in the
     * same transaction; an accepted one moves the factor's last step by one conditional UPDATE (a replay finds 0 rows).
     * The refusal is thrown after the transaction, so what was counted and logged stays.
     */
    private void attempt(EventContext ctx, User u, String factorId, String passCode, boolean activation, boolean recovery) {
        String what = activation ? "Activate factor" : "Verify factor";
        Instant now = clock.instant();
        Outcome outcome = db.tx(h -> {
            java.util.Optional<User.Status> status = users.lockForFactorAttempt(h, u.id());
            if (status.isEmpty()) {
                return Outcome.GONE;
            }
            boolean recovering = recovery && dev.gatehouse.directory.PasswordRecovery.RECOVERABLE.contains(status.get());
            if (status.get() == User.Status.LOCKED_OUT && !recovering) {
                return Outcome.LOCKED;
            }
            if (status.get() != User.Status.ACTIVE && !recovering) {
                return Outcome.NOT_ACTIVE;
            }
            Factor f = store.find(h, u.id(), factorId).orElse(null);
            if (f == null || f.webAuthn() || f.email()) {   // an email factor has its own use cases (EmailFactors); a webauthn factor is activated and verified by WebAuthn, never with a passCode
                return Outcome.GONE;
            }
            if (activation && f.active()) {
                throw new ApiError(ErrorCode.E0000001, ErrorCode.E0000001.summary("factor"),
                        List.of(new ApiError.Cause(null, "The factor is already active.")));
            }
            if (activation && f.expired(now)) {
                throw new ApiError(ErrorCode.E0000001, ErrorCode.E0000001.summary("factor"),
                        List.of(new ApiError.Cause(null, "The enrollment expired after " + ENROLLMENT_LIFETIME.toMinutes()
                                + " minutes: enroll the factor again for a new secret.")));
            }
            if (!activation && !f.active()) {
                throw new ApiError(ErrorCode.E0000154, ErrorCode.E0000154.summary(null),
                        List.of(new ApiError.Cause(null, "The factor is pending activation: activate it with a code first.")));
            }
            OptionalLong step = Totp.match(open(f), passCode, now);
            if (step.isEmpty()) {
                log.record(h, ctx, SystemLog.Entry.failure(AUTH_VIA_MFA, what + ": wrong passcode", "INVALID_CREDENTIALS",
                        userTarget(u), factorTarget(f)).withProblem(mfaFailed(u, what, "wrong passcode")));
                users.recordFailedFactor(h, ctx, u);
                return Outcome.WRONG;
            }
            boolean taken = activation ? store.activate(h, f.id(), step.getAsLong(), now) : store.accept(h, f.id(), step.getAsLong());
            if (!taken) {
                log.record(h, ctx, SystemLog.Entry.failure(AUTH_VIA_MFA, what + ": passcode already used", "PASSCODE_REPLAYED",
                        userTarget(u), factorTarget(f)).withProblem(mfaFailed(u, what, "passcode already used")));
                return Outcome.REPLAYED;
            }
            users.factorAccepted(h, u.id());
            log.record(h, ctx, activation
                    ? SystemLog.Entry.success(ACTIVATE, "Activate factor", userTarget(u), factorTarget(f))
                    : SystemLog.Entry.success(AUTH_VIA_MFA, "Authentication of user via MFA", userTarget(u), factorTarget(f)));
            return Outcome.ACCEPTED;
        });
        switch (outcome) {
            case ACCEPTED -> { }
            case WRONG -> throw new ApiError(ErrorCode.E0000068, ErrorCode.E0000068.summary(null), List.of(new ApiError.Cause(null, WRONG_CODE)));
            case REPLAYED -> throw ApiError.of(ErrorCode.E0000082);
            case LOCKED -> throw ApiError.of(ErrorCode.E0000069);
            case NOT_ACTIVE -> throw ApiError.of(ErrorCode.E0000038);
            case GONE -> throw ApiError.notFound(factorId, "UserFactor");
        }
    }

    /** Unenrolls one factor (Okta's DELETE, 204). */
    public void delete(EventContext ctx, String userId, String factorId) {
        User u = users.get(userId);
        db.inTx(h -> {
            Factor f = store.find(h, u.id(), factorId).orElseThrow(() -> ApiError.notFound(factorId, "UserFactor"));
            if (!store.delete(h, u.id(), f.id())) {
                throw ApiError.notFound(factorId, "UserFactor");
            }
            if (f.active()) {
                removed.accept(h, u.id());
            }
            log.record(h, ctx, SystemLog.Entry.success(DEACTIVATE, "Reset factor for user", userTarget(u), factorTarget(f)));
        });
    }

    /** Okta's reset_factors: every factor of the user, pending or active, is removed; how many were. */
    public int resetAll(EventContext ctx, String userId) {
        User u = users.get(userId);
        return db.tx(h -> {
            int count = store.deleteAll(h, u.id());
            if (count > 0) {
                removed.accept(h, u.id());
            }
            log.record(h, ctx, SystemLog.Entry.success(RESET_ALL, "Reset all factors for user", userTarget(u))
                    .withDebug(java.util.Map.of("factorsRemoved", count)));
            return count;
        });
    }

    /** Before a code is looked at: the rate limit, the lockout, the authenticator, and a passCode at all. */
    private void checkAttempt(User u, String passCode) {
        checkAttempt(u, passCode, false);
    }

    private void checkAttempt(User u, String passCode, boolean recovery) {
        limits.take(RateLimitFamily.FACTOR_PER_USER, u.id()).filter(d -> !d.allowed()).ifPresent(d -> {
            throw ApiError.of(ErrorCode.E0000047);
        });
        // A recovering user (PasswordRecovery.RECOVERABLE: ACTIVE, PASSWORD_EXPIRED, RECOVERY) may verify; else the sign-in's checks.
        boolean recovering = recovery && dev.gatehouse.directory.PasswordRecovery.RECOVERABLE.contains(u.status());
        if (!recovering && u.status() == User.Status.LOCKED_OUT) {
            throw ApiError.of(ErrorCode.E0000069);
        }
        if (!recovering && u.status() != User.Status.ACTIVE) {
            throw ApiError.of(ErrorCode.E0000038);   // suspended, deactivated, not yet active: no factor is verified
        }
        if (!authenticators.isActive(Authenticator.GOOGLE_OTP)) {
            throw new ApiError(ErrorCode.E0000001, ErrorCode.E0000001.summary("factor"),
                    List.of(new ApiError.Cause(null, inactiveAuthenticator())));
        }
        if (passCode == null || passCode.isEmpty()) {
            throw ApiError.validation("passCode", "The passcode is required.");
        }
    }

    private Factor find(User u, String factorId) {
        if (factorId == null || factorId.length() > 40) {
            throw ApiError.notFound(String.valueOf(factorId).substring(0, Math.min(40, String.valueOf(factorId).length())), "UserFactor");
        }
        return db.read(h -> store.find(h, u.id(), factorId)).orElseThrow(() -> ApiError.notFound(factorId, "UserFactor"));
    }

    private byte[] open(Factor f) {
        return keys.open(new KeyEncryption.Sealed(f.kekId(), f.sealedSecret()), context(f.id(), f.userId()));
    }

    /** The associated data a seed is sealed with: it opens only as this factor of this user. */
    private static String context(String factorId, String userId) {
        return "user_factor:" + factorId + ":" + userId;
    }

    private static ApiError enrollRefused(String cause) {
        return new ApiError(ErrorCode.E0000001, ErrorCode.E0000001.summary(ENROLL_REQUEST), List.of(new ApiError.Cause(null, cause)));
    }

    private static String inactiveAuthenticator() {
        return "The Google Authenticator authenticator is inactive: an administrator must activate it (Security › Authenticators) "
                + "before its factors can be enrolled, activated or verified.";
    }

    /** The sign-in doctor's MFA_FAILED (issue #21): per person, for the org (a factor check names no app). */
    static dev.gatehouse.syslog.Problem mfaFailed(User u, String what, String reason) {
        return dev.gatehouse.syslog.Problem.of(dev.gatehouse.syslog.Cause.MFA_FAILED, u.id(),
                java.util.Map.of("userId", u.id(), "login", u.profile().login(), "step", what, "reason", reason));
    }

    static Target userTarget(User u) {
        return new Target(u.id(), "User", u.profile().login(), u.profile().name());
    }

    static Target factorTarget(Factor f) {
        return new Target(f.id(), "UserFactor", f.factorType(), f.displayName());
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
