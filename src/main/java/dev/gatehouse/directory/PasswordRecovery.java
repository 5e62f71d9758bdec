package dev.gatehouse.directory;

import dev.gatehouse.directory.User.Status;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.mail.Email;
import dev.gatehouse.mail.EmailTemplate;
import dev.gatehouse.mail.Mail;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Password recovery and the admin's password lifecycle (issue #19): "Forgot password?" (a single-use reset link by
 * email), the reset link's page, Okta's {@code reset_password}, {@code expire_password} and
 * {@code expire_password_with_temp_password}, and the change an expired password asks for at sign-in. Every change writes
 * its System Log event, ends what it must, and queues its email in one transaction; a token is used up in the transaction
 * that sets the password, so a rollback leaves it usable and a committed reset leaves it gone.
 *
 * <p>Who may recover (docs/okta/email.md §6): "Forgot password?" sends a link to ACTIVE and PASSWORD_EXPIRED users with an
 * email only. Not to a LOCKED_OUT user (Okta: "Users in a LOCKED status can't perform password resets"; self-service unlock
 * is a separate rule, DENY by default), not to a RECOVERY user (Okta: after an admin's reset_password the user "is not able
 * to ... initiate a forgot password flow until they complete the reset flow"), never to STAGED, PROVISIONED (they need
 * activation), SUSPENDED or DEPROVISIONED users. A link, once sent, works for ACTIVE, PASSWORD_EXPIRED and RECOVERY users
 * (the admin's link puts the user in RECOVERY); a user locked out or suspended meanwhile cannot use it.
 *
 * <p>Events (Okta's catalogue, docs/okta/email.md §3): the admin's reset is {@code user.account.reset_password}; the person
 * setting a new password (with a link, or an expired one at sign-in) is {@code user.account.update_password}; an expired,
 * used or tampered link posted is {@code user.account.use_token} (FAILURE); expiring is {@code user.account.expire_password}.
 * The request itself has no event of Okta's beyond the email's ({@code system.email.password_reset.sent_message}, the mail
 * module's), so an unknown login leaves no trace of its own, as at Okta.
 */
public final class PasswordRecovery {

    /** Who "Forgot password?" sends a link to. */
    static final Set<Status> SELF_SERVICE = EnumSet.of(Status.ACTIVE, Status.PASSWORD_EXPIRED);
    /** Who a reset link still works for (and who may verify a factor for it). */
    public static final Set<Status> RECOVERABLE = EnumSet.of(Status.ACTIVE, Status.PASSWORD_EXPIRED, Status.RECOVERY);
    /** Okta's reset_password: from these statuses (an admin may reset a locked-out user; not one not yet activated, suspended or deactivated). */
    static final Set<Status> ADMIN_RESETTABLE = EnumSet.of(Status.ACTIVE, Status.PASSWORD_EXPIRED, Status.RECOVERY, Status.LOCKED_OUT);
    /** Okta's expire_password: an ACTIVE user (again on an expired one: no change of meaning, answered the same). */
    static final Set<Status> EXPIRABLE = EnumSet.of(Status.ACTIVE, Status.PASSWORD_EXPIRED);
    /** How long the "your password has expired" form stays bound to the sign-in that proved the old password. */
    public static final Duration EXPIRED_CHANGE_LIFETIME = Duration.ofMinutes(10);

    /** Okta's events (see the notes file for where each was checked). */
    static final String RESET_PASSWORD = "user.account.reset_password";
    static final String UPDATE_PASSWORD = "user.account.update_password";
    static final String EXPIRE_PASSWORD = "user.account.expire_password";
    static final String USE_TOKEN = "user.account.use_token";

    /** A reset link (or expired-password form) that is no longer good: unknown, used, expired, or its user changed. */
    public static final class LinkInvalid extends RuntimeException {
        LinkInvalid() {
            super("The link is no longer valid", null, false, false);
        }
    }

    /** A reset needs a factor the person has not verified for this link yet. */
    public static final class FactorRequired extends RuntimeException {
        FactorRequired() {
            super("Verify another factor first", null, false, false);
        }
    }

    /** What a live link (or expired-password form) is for, and whether a factor was verified for it. */
    public record Link(User user, boolean factorVerified) {
    }

    private final Database db;
    private final UserStore store;
    private final UserTokenStore tokens;
    private final Mail mail;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;
    private final AccessRevocation access;
    private final Duration recoveryLifetime;
    private final String baseUrl;

    public PasswordRecovery(Database db, UserStore store, UserTokenStore tokens, Mail mail, PasswordHasher hasher, PasswordPolicy policy,
                            SystemLog log, Ids ids, Clock clock, AccessRevocation access, Duration recoveryLifetime, String baseUrl) {
        this.db = db;
        this.store = store;
        this.tokens = tokens;
        this.mail = mail;
        this.hasher = hasher;
        this.policy = policy;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
        this.access = access;
        this.recoveryLifetime = recoveryLifetime;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public PasswordPolicy policy() {
        return policy;
    }

    public Duration recoveryLifetime() {
        return recoveryLifetime;
    }

    /** The link a reset token makes: Okta's {@code resetPasswordUrl} shape, on the base URL. */
    public String resetUrl(String token) {
        return baseUrl + "/reset_password/" + token;
    }

    // ---- self-service ----

    /**
     * Runs the forgot-password work off the request thread and after the answer: the answer's timing is then the same
     * whether the login exists or not. Measured on loopback against {@code ./gatehouse serve} (medians of 50 known and 50
     * unknown logins): with the work on the request thread, 5.8 ms against 2.4 ms, a gap an attacker could measure; with
     * it started at once on another thread, 3.5 ms against 2.6 ms (it competed with the answer); started
     * {@link #AFTER_ANSWER} later, 3.6 ms against 3.8 ms (100 of each, 50 ms apart; 3.7 against 3.5 back to back). One thread, at most {@link #PENDING} requests waiting (the
     * forgot-password rate limits keep far below it); beyond that a request is dropped with a log line and the person
     * asks again. A node that stops before running a request loses it: the person sees an email that never came.
     */
    static final int PENDING = 1000;
    static final Duration AFTER_ANSWER = Duration.ofMillis(200);
    private final java.util.concurrent.ScheduledThreadPoolExecutor resets = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "gatehouse-forgot-password");
        t.setDaemon(true);
        return t;
    });

    /**
     * "Forgot password?": nothing is told to the caller (the page says the same for every login), and the work is done
     * after the answer (see {@link #resets}): one lookup and one transaction. An eligible user with an email gets a new
     * RECOVERY token (the earlier link ends) and a ForgotPassword email, queued in that transaction; sending is
     * asynchronous too.
     */
    public void requestReset(EventContext ctx, String login) {
        if (resets.getQueue().size() >= PENDING) {
            org.slf4j.LoggerFactory.getLogger(PasswordRecovery.class).warn("A forgot-password request was dropped: {} are already waiting", PENDING);
            return;
        }
        resets.schedule(() -> {
            try {
                resetNow(ctx, login);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(PasswordRecovery.class).error("A forgot-password request failed", e);
            }
        }, AFTER_ANSWER.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void resetNow(EventContext ctx, String login) {
        Instant now = clock.instant();
        db.inTx(h -> {
            Optional<User> eligible = (login == null || login.length() > 256 ? Optional.<User>empty() : store.findByLogin(h, login))
                    .filter(u -> SELF_SERVICE.contains(u.status()))
                    .filter(u -> u.profile().email() != null && !u.profile().email().isBlank());
            if (eligible.isEmpty()) {
                return;
            }
            User u = eligible.get();
            String token = tokens.issue(h, u.id(), UserTokenStore.Purpose.RECOVERY, now, recoveryLifetime);
            mail.send(h, ctx, new Email(EmailTemplate.ForgotPassword, u.profile().email(), u.profile().name(), u.id(),
                    Map.of("resetPasswordLink", resetUrl(token))));
        });
    }

    /**
     * A trusted app's forgot-password (Okta's Authentication API {@code /recovery/password} called with an API token, issue
     * #20): the same recovery token the ForgotPassword email would carry, handed to the caller instead of emailed (the app
     * delivers it), at once. Empty for a login that is unknown or not in a self-service status: the caller is a trusted
     * server, which Okta tells (403 E0000095). Logged as the self-service reset request with who asked.
     */
    public Optional<String> issueForTrustedApp(EventContext ctx, String login) {
        Instant now = clock.instant();
        return db.tx(h -> {
            Optional<User> eligible = (login == null || login.length() > 256 ? Optional.<User>empty() : store.findByLogin(h, login))
                    .filter(u -> SELF_SERVICE.contains(u.status()));
            if (eligible.isEmpty()) {
                return Optional.<String>empty();
            }
            String token = tokens.issue(h, eligible.get().id(), UserTokenStore.Purpose.RECOVERY, now, recoveryLifetime);
            log.record(h, ctx, SystemLog.Entry.success(RESET_PASSWORD, "Reset password for Okta", Users.target(eligible.get()))
                    .withDebug(Map.of("sendEmail", false, "trustedApp", true)));
            return Optional.of(token);
        });
    }

    /**
     * Records {@code user.account.use_token} (FAILURE) for a reset link or expired-password form posted when it is no
     * longer good (Okta: "Invalid self service recovery token used by user"); the token itself is never logged.
     */
    public void invalidTokenUsed(EventContext ctx) {
        db.inTx(h -> log.record(h, ctx, SystemLog.Entry.failure(USE_TOKEN, "Invalid self service recovery token used by user",
                "INVALID_TOKEN")));
    }

    /** The live reset link's user (still recoverable), without using it up: a mail scanner's GET changes nothing. */
    public Optional<Link> check(String token) {
        Instant now = clock.instant();
        return db.read(h -> tokens.peek(h, token, UserTokenStore.Purpose.RECOVERY, now)
                .flatMap(live -> store.find(h, live.userId()))
                .filter(u -> RECOVERABLE.contains(u.status()))
                .map(u -> new Link(u, tokens.factorVerified(h, token, UserTokenStore.Purpose.RECOVERY, now))));
    }

    /** The person verified another factor for this link (the caller checked it); false when the link is no longer live. */
    public boolean factorVerified(String token) {
        return db.tx(h -> tokens.markFactorVerified(h, token, UserTokenStore.Purpose.RECOVERY, clock.instant()));
    }

    /**
     * Sets the new password with the reset link: checks the policy (400 E0000001 with its causes, nothing changed), then in
     * one transaction uses the token up, makes the user ACTIVE (from RECOVERY, PASSWORD_EXPIRED or LOCKED_OUT), ends every
     * session, revokes every OAuth token, logs, and queues the PasswordChanged notice.
     *
     * @param factorRequired the person has another factor: it must have been verified for this very token
     * @throws LinkInvalid     the link is not (or no longer) good; nothing changed
     * @throws FactorRequired  the factor was not verified for this link; nothing changed
     */
    public User reset(EventContext ctx, String token, String newPassword, boolean factorRequired) {
        Link link = check(token).orElseThrow(LinkInvalid::new);
        return setRecovered(ctx, token, UserTokenStore.Purpose.RECOVERY, link.user(), newPassword, factorRequired, UPDATE_PASSWORD,
                "User update password for Okta");
    }

    // ---- expired password at sign-in ----

    /**
     * The right password of a PASSWORD_EXPIRED user was given at sign-in: a short-lived token of its own purpose binds the
     * change-password form to this attempt (it is never sent anywhere; an emailed link cannot stand in for it).
     */
    public String startExpiredChange(User user) {
        return db.tx(h -> tokens.issue(h, user.id(), UserTokenStore.Purpose.PASSWORD_EXPIRED, clock.instant(), EXPIRED_CHANGE_LIFETIME));
    }

    /** The user of a live expired-password form, still PASSWORD_EXPIRED. */
    public Optional<User> checkExpiredChange(String token) {
        return checkExpired(token).map(Link::user);
    }

    /**
     * The live expired-password form's user (still PASSWORD_EXPIRED) and whether a factor was verified for this very
     * form ({@link #expiredFactorVerified}); nothing used up.
     */
    public Optional<Link> checkExpired(String token) {
        Instant now = clock.instant();
        return db.read(h -> tokens.peek(h, token, UserTokenStore.Purpose.PASSWORD_EXPIRED, now)
                .flatMap(live -> store.find(h, live.userId()))
                .filter(u -> u.status() == Status.PASSWORD_EXPIRED)
                .map(u -> new Link(u, tokens.factorVerified(h, token, UserTokenStore.Purpose.PASSWORD_EXPIRED, now))));
    }

    /**
     * The person verified another factor for this expired-password form (the caller checked it): Okta challenges a person
     * with an active factor enrollment for it before PASSWORD_EXPIRED. The proof lives on the form's token, as a reset
     * link's does; false when the form is no longer live.
     */
    public boolean expiredFactorVerified(String token) {
        return db.tx(h -> tokens.markFactorVerified(h, token, UserTokenStore.Purpose.PASSWORD_EXPIRED, clock.instant()));
    }

    /**
     * The new password of an expired one: as a reset, but from PASSWORD_EXPIRED only. The expired password alone never
     * sets a new one for a person who has another factor (Okta: "Users are challenged for MFA (MFA_REQUIRED) before
     * PASSWORD_EXPIRED if they have an active Factor enrollment").
     *
     * @param factorRequired the person has another factor: it must have been verified for this very form's token
     * @throws LinkInvalid     the form is not (or no longer) good; nothing changed
     * @throws FactorRequired  the factor was not verified for this form; nothing changed
     */
    public User changeExpired(EventContext ctx, String token, String newPassword, boolean factorRequired) {
        User user = checkExpiredChange(token).orElseThrow(LinkInvalid::new);
        if (newPassword != null && hasher.verify(newPassword, currentHash(user))) {
            throw ApiError.validation("password", "The new password must differ from the expired one.");
        }
        return setRecovered(ctx, token, UserTokenStore.Purpose.PASSWORD_EXPIRED, user, newPassword, factorRequired, UPDATE_PASSWORD,
                "User update password for Okta");
    }

    private String currentHash(User user) {
        return db.read(h -> store.credentials(h, Logins.key(user.profile().login()).orElse("")))
                .map(UserStore.Credentials::passwordHash).orElse(null);
    }

    private User setRecovered(EventContext ctx, String token, UserTokenStore.Purpose purpose, User user, String newPassword,
                              boolean factorRequired, String eventType, String message) {
        List<ApiError.Cause> broken = policy.check(newPassword == null ? "" : newPassword, user.profile().login());
        if (!broken.isEmpty()) {
            throw ApiError.validation(broken);
        }
        String hash = hasher.hash(newPassword);   // Argon2 outside the transaction
        Set<Status> from = purpose == UserTokenStore.Purpose.PASSWORD_EXPIRED ? EnumSet.of(Status.PASSWORD_EXPIRED) : RECOVERABLE;
        return db.tx(h -> {
            Instant now = clock.instant();
            if (factorRequired && !tokens.factorVerified(h, token, purpose, now)) {
                throw new FactorRequired();
            }
            UserTokenStore.Live live = tokens.consume(h, token, purpose, now).orElseThrow(LinkInvalid::new);
            if (!live.userId().equals(user.id()) || !store.recoverPassword(h, user.id(), hash, from, now)) {
                throw new LinkInvalid();   // rolls back: the token is not used up either
            }
            // The other way in ends too: a reset by email leaves no expired-password form open, and the other way round.
            tokens.revoke(h, user.id(), purpose == UserTokenStore.Purpose.RECOVERY ? UserTokenStore.Purpose.PASSWORD_EXPIRED : UserTokenStore.Purpose.RECOVERY);
            log.record(h, ctx, SystemLog.Entry.success(eventType, message, Users.target(user)));
            access.endSessions(h, ctx, user, null, eventType);
            access.revokeTokens(h, ctx, user, eventType, false);
            if (user.profile().email() != null && !user.profile().email().isBlank()) {
                mail.send(h, ctx, new Email(EmailTemplate.PasswordChanged, user.profile().email(), user.profile().name(), user.id(), Map.of()));
            }
            return store.find(h, user.id()).orElseThrow();
        });
    }

    // ---- admin ----

    /** What {@link #adminReset} made: the link when the caller distributes it ({@code sendEmail=false}), else empty. */
    public Optional<String> adminReset(EventContext ctx, String id, boolean sendEmail, boolean revokeSessions, String keepSessionId,
                                       java.util.function.Function<String, Optional<User>> find) {
        User user = find.apply(id).orElseThrow(() -> ApiError.notFound(id, "User"));
        if (sendEmail && (user.profile().email() == null || user.profile().email().isBlank())) {
            throw ApiError.validation("email", "The user has no primary email to send the reset link to.");
        }
        return db.tx(h -> {
            Instant now = clock.instant();
            if (!store.changeStatus(h, user.id(), ADMIN_RESETTABLE, Status.RECOVERY, false, now)) {
                store.find(h, user.id()).orElseThrow(() -> ApiError.notFound(id, "User"));
                throw ApiError.of(ErrorCode.E0000038);
            }
            String token = tokens.issue(h, user.id(), UserTokenStore.Purpose.RECOVERY, now, recoveryLifetime);
            log.record(h, ctx, SystemLog.Entry.success(RESET_PASSWORD, "Reset password for Okta", Users.target(user))
                    .withDebug(Map.of("sendEmail", sendEmail, "revokeSessions", revokeSessions)));
            if (revokeSessions) {
                access.endSessions(h, ctx, user, keepSessionId, RESET_PASSWORD);
            }
            if (sendEmail) {
                mail.send(h, ctx, new Email(EmailTemplate.PasswordResetByAdmin, user.profile().email(), user.profile().name(), user.id(),
                        Map.of("resetPasswordLink", resetUrl(token))));
                return Optional.<String>empty();
            }
            return Optional.of(resetUrl(token));
        });
    }

    /** Okta's expire_password: PASSWORD_EXPIRED, so the next sign-in must change it; 403 E0000038 from other statuses. */
    public User expire(EventContext ctx, String id, java.util.function.Function<String, Optional<User>> find) {
        User user = find.apply(id).orElseThrow(() -> ApiError.notFound(id, "User"));
        if (!user.hasPassword()) {
            throw ApiError.of(ErrorCode.E0000038);
        }
        return db.tx(h -> {
            if (!store.changeStatus(h, user.id(), EXPIRABLE, Status.PASSWORD_EXPIRED, false, clock.instant())) {
                store.find(h, user.id()).orElseThrow(() -> ApiError.notFound(id, "User"));
                throw ApiError.of(ErrorCode.E0000038);
            }
            log.record(h, ctx, SystemLog.Entry.success(EXPIRE_PASSWORD, "Expire password", Users.target(user)));
            return store.find(h, user.id()).orElseThrow();
        });
    }

    /**
     * Okta's expire_password_with_temp_password: a generated password meeting the policy replaces the old one, the user
     * becomes PASSWORD_EXPIRED; the temporary password is returned once and kept only as its hash.
     */
    public String expireWithTempPassword(EventContext ctx, String id, boolean revokeSessions, String keepSessionId,
                                         java.util.function.Function<String, Optional<User>> find) {
        User user = find.apply(id).orElseThrow(() -> ApiError.notFound(id, "User"));
        String temp = policy.firstAcceptable(() -> ids.base62(12), user.profile().login());
        String hash = hasher.hash(temp);
        return db.tx(h -> {
            Instant now = clock.instant();
            if (!store.setPasswordAndStatus(h, user.id(), hash, EXPIRABLE, Status.PASSWORD_EXPIRED, now)) {
                store.find(h, user.id()).orElseThrow(() -> ApiError.notFound(id, "User"));
                throw ApiError.of(ErrorCode.E0000038);
            }
            log.record(h, ctx, SystemLog.Entry.success(EXPIRE_PASSWORD, "Expire password", Users.target(user))
                    .withDebug(Map.of("tempPassword", true, "revokeSessions", revokeSessions)));
            if (revokeSessions) {
                access.endSessions(h, ctx, user, keepSessionId, EXPIRE_PASSWORD);
            }
            return temp;
        });
    }
}
