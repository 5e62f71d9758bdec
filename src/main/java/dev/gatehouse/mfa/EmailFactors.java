package dev.gatehouse.mfa;

import dev.gatehouse.directory.User;
import dev.gatehouse.directory.Users;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.http.RateLimitFamily;
import dev.gatehouse.http.RateLimits;
import dev.gatehouse.mail.Email;
import dev.gatehouse.mail.EmailTemplate;
import dev.gatehouse.mail.Mail;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import org.jdbi.v3.core.Handle;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The email authenticator's use cases (Okta's {@code okta_email}, UserFactor {@code factorType: "email"}, provider
 * {@code OKTA}), for the Factors API and the hosted sign-in alike. Rules:
 * <ul>
 *   <li>Enrolling needs the okta_email authenticator ACTIVE and an address that is the user's primary or secondary
 *       email (Okta's UserFactorEmailProfile); without {@code profile.email} the primary one is used. The factor is
 *       PENDING_ACTIVATION and an EmailFactorVerification email carries a code and a link, unless {@code activate=true}
 *       (Okta's "enroll and auto-activate": ACTIVE at once, no email).</li>
 *   <li>A challenge (a verify without passCode, the sign-in's "Send me a code", a resend) is a new 6-digit code and a new
 *       link, replacing the factor's previous ones: one live code per factor. It lives the authenticator's
 *       {@code tokenLifetimeInMinutes} (Okta's default 5), takes at most {@link #MAX_TRIES} wrong codes, and is taken
 *       once. At most one email per factor every {@link #RESEND_WAIT} (Okta's 30 s between OTP resends), so a script
 *       cannot flood an inbox.</li>
 *   <li>Code and link token are stored as SHA-256 only (the code salted with its challenge id, so equal codes of two
 *       factors hash differently); they exist in clear only in the queued email.</li>
 *   <li>Every code attempt draws from the per-user factor rate limit first; a wrong code counts toward the user's lockout
 *       as a wrong TOTP code does; a LOCKED_OUT user is refused before the code is looked at.</li>
 *   <li>The link ({@link #LINK_PATH}) completes the step only in the browser session that asked for it: a link opened
 *       in another browser (or fetched by a mail scanner, which has no session) changes nothing and takes nothing: the
 *       page says to type the code where the sign-in is waiting. This is Gatehouse's decision (Okta's "magic link" also
 *       asks for the OTP when the link is opened on another device) and keeps a forwarded or scanned email from
 *       signing anybody in.</li>
 * </ul>
 */
public final class EmailFactors {

    public static final String LINK_PATH = "/signin/email-verify/";
    static final String ID_PREFIX = "emf";
    static final String CHALLENGE_PREFIX = "emc";
    public static final int MAX_TRIES = 5;
    /** Okta's API: "one per email address every five seconds" (429 E0000118, docs/okta/email.md §5.2). */
    public static final Duration API_RESEND_WAIT = Duration.ofSeconds(5);
    /** The hosted pages: Okta's Sign-In Widget offers "resend" after 30 seconds; Gatehouse's pages refuse before that. */
    public static final Duration RESEND_WAIT = Duration.ofSeconds(30);
    /** Okta's "User completed an email factor challenge" (success, or the reason it failed; debugData says link or code). */
    static final String REDEEMED = "system.email.challenge_factor_redeemed";
    static final int CODE_DIGITS = 6;
    static final int MAX_EMAIL = 100;   // UserFactorEmailProfile.email maxLength

    /** What taking a link gave: the factor, why it was sent, and where the person was going. */
    public record Taken(String userId, String factorId, EmailChallengeStore.Purpose purpose, String fromUri) {
    }

    /** Why a link did nothing. */
    public enum LinkRefusal { OTHER_SESSION, GONE }

    /** A refused link, as an exception the page turns into a readable answer. */
    public static final class LinkRefused extends RuntimeException {
        private final LinkRefusal reason;

        LinkRefused(LinkRefusal reason) {
            super(reason.name(), null, false, false);
            this.reason = reason;
        }

        public LinkRefusal reason() {
            return reason;
        }
    }

    private final Database db;
    private final FactorStore factorStore;
    private final EmailChallengeStore store;
    private final Authenticators authenticators;
    private final Users users;
    private final Mail mail;
    private final RateLimits limits;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;
    private final String baseUrl;

    /** Keys the stored codes (see {@link #codeHash}). */
    private final javax.crypto.spec.SecretKeySpec codeKey;

    public EmailFactors(Database db, FactorStore factorStore, EmailChallengeStore store, Authenticators authenticators, Users users, Mail mail,
                        RateLimits limits, SystemLog log, Ids ids, Clock clock, String baseUrl, byte[] codeKey) {
        this.codeKey = new javax.crypto.spec.SecretKeySpec(codeKey.clone(), "HmacSHA256");
        this.db = db;
        this.factorStore = factorStore;
        this.store = store;
        this.authenticators = authenticators;
        this.users = users;
        this.mail = mail;
        this.limits = limits;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
        this.baseUrl = baseUrl;
    }

    /**
     * Enrolls the user's email factor. {@code sessionId}/{@code fromUri}: the sign-in session that asked (its link then
     * completes the enrollment there), or null from the API.
     */
    public Factor enroll(EventContext ctx, String userId, String email, boolean activate, String sessionId, String fromUri) {
        return enroll(ctx, userId, email, activate, sessionId, fromUri, null);
    }

    /** As above, with the API's {@code tokenLifetimeSeconds} (null: the authenticator's lifetime). */
    public Factor enroll(EventContext ctx, String userId, String email, boolean activate, String sessionId, String fromUri, Duration lifetime) {
        User u = users.get(userId);
        if (!authenticators.isActive(Authenticator.EMAIL)) {
            throw refused(Factors.ENROLL_REQUEST, inactive());
        }
        String address = address(u, email);
        String id = ids.next(ID_PREFIX);
        Instant now = clock.instant();
        Factor factor = new Factor(id, u.id(), Factor.EMAIL, Factor.OKTA, activate ? Factor.Status.ACTIVE : Factor.Status.PENDING_ACTIVATION,
                null, null, null, activate ? null : now.plus(Factors.ENROLLMENT_LIFETIME), now, now, null, address);
        try {
            db.inTx(h -> {
                factorStore.deletePending(h, u.id(), Factor.EMAIL);
                factorStore.insert(h, factor, null);
                if (activate) {
                    log.record(h, ctx, SystemLog.Entry.success(Factors.ACTIVATE, "Activate factor", Factors.userTarget(u), Factors.factorTarget(factor)));
                } else {
                    log.record(h, ctx, SystemLog.Entry.success(Factors.UPDATE, "Enroll factor: pending activation", Factors.userTarget(u),
                            Factors.factorTarget(factor)));
                    send(h, ctx, u, factor, EmailChallengeStore.Purpose.ACTIVATION, sessionId, fromUri, now, lifetime);
                }
            });
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw refused(Factors.ENROLL_REQUEST, "A factor of this type is already set up.");
            }
            throw e;
        }
        return factor;
    }

    /**
     * Sends a new code and link for the factor: a challenge for an ACTIVE factor (verify without passCode, "Send me a
     * code"), a new enrollment email for a pending one (Okta's resend). Refused within {@code wait} of the last one (429
     * E0000118; {@link #API_RESEND_WAIT} for the API, {@link #RESEND_WAIT} for the pages), for a factor that is not
     * email, or while the authenticator is inactive.
     */
    public Factor challenge(EventContext ctx, String userId, String factorId, String sessionId, String fromUri, Duration wait) {
        return challenge(ctx, userId, factorId, sessionId, fromUri, wait, null);
    }

    /** As above, with the API's {@code tokenLifetimeSeconds} (null: the authenticator's lifetime). */
    public Factor challenge(EventContext ctx, String userId, String factorId, String sessionId, String fromUri, Duration wait,
                            Duration lifetime) {
        User u = users.get(userId);
        if (u.status() != User.Status.ACTIVE && u.status() != User.Status.LOCKED_OUT) {
            throw ApiError.of(ErrorCode.E0000038);
        }
        if (u.status() == User.Status.LOCKED_OUT) {
            throw ApiError.of(ErrorCode.E0000069);
        }
        if (!authenticators.isActive(Authenticator.EMAIL)) {
            throw refused("factor", inactive());
        }
        Instant now = clock.instant();
        return db.tx(h -> {
            users.lockForFactorAttempt(h, u.id());   // one send at a time per user: the wait below cannot be raced
            Factor f = emailFactor(h, u, factorId);
            if (f.expired(now)) {
                throw refused("factor", "The enrollment expired: enroll the factor again.");
            }
            Optional<EmailChallengeStore.Challenge> last = store.ofFactor(h, f.id());
            if (last.isPresent() && last.get().created().plus(wait).isAfter(now)) {
                // Okta's answer is 429 E0000118 with no causes (its summary names Okta's 5 seconds).
                throw ApiError.of(ErrorCode.E0000118);
            }
            send(h, ctx, u, f, f.active() ? EmailChallengeStore.Purpose.VERIFY : EmailChallengeStore.Purpose.ACTIVATION, sessionId, fromUri, now,
                    lifetime);
            return f;
        });
    }

    /** Activates a pending email factor with the code of its enrollment email (200 with the ACTIVE factor). */
    public Factor activate(EventContext ctx, String userId, String factorId, String passCode) {
        User u = users.get(userId);
        attempt(ctx, u, factorId, passCode, true);
        return db.read(h -> factorStore.find(h, u.id(), factorId)).orElseThrow(() -> ApiError.notFound(factorId, "UserFactor"));
    }

    /** Verifies an ACTIVE email factor's code; a normal return is Okta's {@code factorResult: SUCCESS}. */
    public void verify(EventContext ctx, String userId, String factorId, String passCode) {
        attempt(ctx, users.get(userId), factorId, passCode, false);
    }

    private enum Outcome { ACCEPTED, WRONG, NO_CODE, LOCKED, NOT_ACTIVE, GONE }

    /**
     * One code attempt in one transaction that first locks the user's row (as TOTP's): a wrong code is counted on the
     * challenge and toward the lockout, and logged; the right one takes the challenge once and, for an enrollment,
     * activates the factor. The refusal is thrown after the transaction, so what was counted stays.
     */
    private void attempt(EventContext ctx, User u, String factorId, String passCode, boolean activation) {
        limits.take(RateLimitFamily.FACTOR_PER_USER, u.id()).filter(d -> !d.allowed()).ifPresent(d -> {
            throw ApiError.of(ErrorCode.E0000047);
        });
        if (!authenticators.isActive(Authenticator.EMAIL)) {
            throw refused("factor", inactive());
        }
        if (passCode == null || passCode.isEmpty()) {
            throw ApiError.validation("passCode", "The passcode is required.");
        }
        String what = activation ? "Activate factor" : "Verify factor";
        Instant now = clock.instant();
        Outcome outcome = db.tx(h -> {
            Optional<User.Status> status = users.lockForFactorAttempt(h, u.id());
            if (status.isEmpty()) {
                return Outcome.GONE;
            }
            if (status.get() == User.Status.LOCKED_OUT) {
                return Outcome.LOCKED;
            }
            if (status.get() != User.Status.ACTIVE) {
                return Outcome.NOT_ACTIVE;
            }
            Factor f = factorStore.find(h, u.id(), factorId).filter(Factor::email).orElse(null);
            if (f == null) {
                return Outcome.GONE;
            }
            if (activation && f.active()) {
                throw refused("factor", "The factor is already active.");
            }
            if (activation && f.expired(now)) {
                throw refused("factor", "The enrollment expired after " + Factors.ENROLLMENT_LIFETIME.toMinutes()
                        + " minutes: enroll the factor again.");
            }
            if (!activation && !f.active()) {
                throw new ApiError(ErrorCode.E0000154, ErrorCode.E0000154.summary(null),
                        List.of(new ApiError.Cause(null, "The factor is pending activation: activate it with a code first.")));
            }
            EmailChallengeStore.Purpose wanted = activation ? EmailChallengeStore.Purpose.ACTIVATION : EmailChallengeStore.Purpose.VERIFY;
            EmailChallengeStore.Challenge c = store.ofFactor(h, f.id()).filter(x -> x.purpose() == wanted && x.live(now, MAX_TRIES)).orElse(null);
            if (c == null) {
                log.record(h, ctx, SystemLog.Entry.failure(Factors.AUTH_VIA_MFA, what + ": no live code", "INVALID_CREDENTIALS",
                        Factors.userTarget(u), Factors.factorTarget(f)).withProblem(Factors.mfaFailed(u, what, "no live code")));
                log.record(h, ctx, redeemed(false, "code expired, used or out of tries", "code", u, f));
                return Outcome.NO_CODE;
            }
            if (!matches(c, passCode)) {
                store.countWrong(h, c.id(), MAX_TRIES, now);
                log.record(h, ctx, SystemLog.Entry.failure(Factors.AUTH_VIA_MFA, what + ": wrong passcode", "INVALID_CREDENTIALS",
                        Factors.userTarget(u), Factors.factorTarget(f)).withProblem(Factors.mfaFailed(u, what, "wrong passcode")));
                log.record(h, ctx, redeemed(false, "incorrect code", "code", u, f));
                users.recordFailedFactor(h, ctx, u);
                return Outcome.WRONG;
            }
            if (!store.take(h, c.id(), MAX_TRIES, now)) {
                return Outcome.NO_CODE;
            }
            accepted(h, ctx, u, f, activation, now);
            log.record(h, ctx, redeemed(true, null, "code", u, f));
            return Outcome.ACCEPTED;
        });
        switch (outcome) {
            case ACCEPTED -> { }
            case WRONG -> throw new ApiError(ErrorCode.E0000068, ErrorCode.E0000068.summary(null),
                    List.of(new ApiError.Cause(null, Factors.WRONG_CODE)));
            // Okta answers an expired or used email code as a wrong one (E0000068); the cause says to get a new code.
            case NO_CODE -> throw new ApiError(ErrorCode.E0000068, ErrorCode.E0000068.summary(null), List.of(new ApiError.Cause(null,
                    "This code has expired, was already used, or had too many wrong tries. Send a new code.")));
            case LOCKED -> throw ApiError.of(ErrorCode.E0000069);
            case NOT_ACTIVE -> throw ApiError.of(ErrorCode.E0000038);
            case GONE -> throw ApiError.notFound(factorId, "UserFactor");
        }
    }

    /**
     * The magic link: taken (single use) only when {@code sessionId} is the session that asked for it and the challenge
     * is live; its factor is then verified (or activated) as by the code. Otherwise nothing changes: {@link LinkRefused}
     * says whether the link was good but opened elsewhere, or is unknown, used or expired.
     */
    public Taken takeLink(EventContext ctx, String token, String sessionId) {
        if (token == null || token.length() != 43 || !token.chars().allMatch(Character::isLetterOrDigit)) {
            throw new LinkRefused(LinkRefusal.GONE);
        }
        Instant now = clock.instant();
        String hash = Hashes.sha256(token);
        EmailChallengeStore.Challenge c = db.read(h -> store.byLink(h, hash)).orElseThrow(() -> new LinkRefused(LinkRefusal.GONE));
        if (!c.live(now, MAX_TRIES)) {
            throw new LinkRefused(LinkRefusal.GONE);
        }
        if (c.sessionId() == null || !c.sessionId().equals(sessionId)) {
            throw new LinkRefused(LinkRefusal.OTHER_SESSION);
        }
        boolean activation = c.purpose() == EmailChallengeStore.Purpose.ACTIVATION;
        User u = users.get(c.userId());
        boolean ok = db.tx(h -> {
            Optional<User.Status> status = users.lockForFactorAttempt(h, c.userId());
            if (status.isEmpty() || status.get() != User.Status.ACTIVE || !authenticators.isActive(Authenticator.EMAIL)) {
                return false;
            }
            Factor f = factorStore.find(h, c.userId(), c.factorId()).filter(Factor::email).orElse(null);
            if (f == null || activation == f.active() || activation && f.expired(now) || !store.take(h, c.id(), MAX_TRIES, now)) {
                return false;
            }
            accepted(h, ctx, u, f, activation, now);
            log.record(h, ctx, redeemed(true, null, "link", u, f));
            return true;
        });
        if (!ok) {
            throw new LinkRefused(LinkRefusal.GONE);
        }
        return new Taken(c.userId(), c.factorId(), c.purpose(), c.fromUri());
    }

    private static SystemLog.Entry redeemed(boolean success, String reason, String action, User u, Factor f) {
        SystemLog.Entry e = success
                ? SystemLog.Entry.success(REDEEMED, "User completed an email factor challenge.", Factors.userTarget(u), Factors.factorTarget(f))
                : SystemLog.Entry.failure(REDEEMED, "User completed an email factor challenge.", reason, Factors.userTarget(u), Factors.factorTarget(f));
        return e.withDebug(Map.of("action", action));
    }

    private void accepted(Handle h, EventContext ctx, User u, Factor f, boolean activation, Instant now) {
        if (activation && !factorStore.activateEmail(h, f.id(), now)) {
            throw refused("factor", "The enrollment is no longer pending.");
        }
        users.factorAccepted(h, u.id());
        log.record(h, ctx, activation
                ? SystemLog.Entry.success(Factors.ACTIVATE, "Activate factor", Factors.userTarget(u), Factors.factorTarget(f))
                : SystemLog.Entry.success(Factors.AUTH_VIA_MFA, "Authentication of user via MFA", Factors.userTarget(u), Factors.factorTarget(f)));
    }

    /** A new code and link for the factor, replacing the old ones, and the email that carries them, in {@code h}'s transaction. */
    private void send(Handle h, EventContext ctx, User u, Factor f, EmailChallengeStore.Purpose purpose, String sessionId, String fromUri,
                      Instant now, Duration requested) {
        String challengeId = ids.next(CHALLENGE_PREFIX);
        String code = code();
        String token = ids.base62(43);
        Duration lifetime = requested != null ? requested : authenticators.byKey(Authenticator.EMAIL).tokenLifetime();
        store.replace(h, new EmailChallengeStore.Challenge(challengeId, f.id(), u.id(), purpose, codeHash(challengeId, code), Hashes.sha256(token),
                sessionId, fromUri == null || fromUri.length() > 8192 ? null : fromUri, 0, now, now.plus(lifetime), null));
        String link = baseUrl + LINK_PATH + token;
        Email email = purpose == EmailChallengeStore.Purpose.ACTIVATION
                ? new Email(EmailTemplate.EmailFactorVerification, f.userEmail(), u.profile().name(), u.id(),
                        Map.of("verificationToken", code, "verificationLink", link))
                : new Email(EmailTemplate.EmailChallenge, f.userEmail(), u.profile().name(), u.id(),
                        Map.of("verificationToken", code, "emailAuthenticationLink", link));
        mail.send(h, ctx, email);
    }

    private Factor emailFactor(Handle h, User u, String factorId) {
        if (factorId == null || factorId.length() > 40) {
            throw ApiError.notFound("factor", "UserFactor");
        }
        return factorStore.find(h, u.id(), factorId).filter(Factor::email).orElseThrow(() -> ApiError.notFound(factorId, "UserFactor"));
    }

    /** The address to send to: the given one when it is the user's primary or secondary email, else refused. */
    private static String address(User u, String email) {
        if (email == null || email.isBlank()) {
            if (u.profile().email() == null || u.profile().email().isBlank()) {
                throw ApiError.validation("profile.email", "The user has no email address.");
            }
            return u.profile().email();
        }
        String given = email.strip();
        // Okta: 400 E0000001 "Api validation failed: Only verified primary or secondary email can be enrolled.", no causes.
        ApiError notTheirs = new ApiError(ErrorCode.E0000001, ErrorCode.E0000001.summary("Only verified primary or secondary email can be enrolled."),
                List.of());
        if (given.length() > MAX_EMAIL) {
            throw notTheirs;
        }
        String second = u.profile().extra().get("secondEmail");
        if (given.equalsIgnoreCase(String.valueOf(u.profile().email()))) {
            return u.profile().email();
        }
        if (second != null && given.equalsIgnoreCase(second)) {
            return second;
        }
        throw notTheirs;
    }

    /** 6 uniformly random digits (rejection sampling, no modulo bias). */
    private String code() {
        while (true) {
            long v = ByteBuffer.wrap(ids.bytes(4)).getInt() & 0xffffffffL;
            if (v < 4_294_000_000L) {
                return String.format("%06d", v % 1_000_000);
            }
        }
    }

    /**
     * The stored form of a code: HMAC-SHA256 under a key derived from the key-encryption key, over the challenge id and the
     * code. A plain hash of a 6-digit code would be no secret at all (a million guesses offline from a database dump,
     * within the code's life: the attack review's finding); without the KEK the stored value says nothing.
     */
    private String codeHash(String challengeId, String code) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(codeKey);
            return java.util.HexFormat.of().formatHex(mac.doFinal((challengeId + ":" + code).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JDK", e);
        }
    }

    /** Compares in constant time; a code of the wrong shape never matches. */
    private boolean matches(EmailChallengeStore.Challenge c, String passCode) {
        String given = passCode.strip();
        if (given.length() != CODE_DIGITS || !given.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return false;
        }
        return MessageDigest.isEqual(codeHash(c.id(), given).getBytes(StandardCharsets.US_ASCII), c.codeHash().getBytes(StandardCharsets.US_ASCII));
    }

    private static ApiError refused(String what, String cause) {
        return new ApiError(ErrorCode.E0000001, ErrorCode.E0000001.summary(what), List.of(new ApiError.Cause(null, cause)));
    }

    static String inactive() {
        return "The Email authenticator is inactive: an administrator must activate it (Security › Authenticators) "
                + "before email factors can be enrolled, activated or verified.";
    }
}
