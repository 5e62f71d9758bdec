package dev.gatehouse.sessions;

import dev.gatehouse.directory.User;
import dev.gatehouse.directory.UserStore;
import dev.gatehouse.directory.Users;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.LogText;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Sign-in with a password, the session that follows, and its end. */
public final class Sessions {

    /** A new session and the cookie value that names it (which exists nowhere else). */
    public record Started(Session session, User user, String cookieValue) {
    }

    /** A live session and its user, as read from a cookie. */
    public record Current(Session session, User user) {
        public Actor actor() {
            return Actor.user(user.id(), user.profile().login(), user.profile().name());
        }
    }

    private final Database db;
    private final SessionStore store;
    private final Users users;
    private final UserStore userStore;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;
    private final SessionSettings settings;
    private final SessionTokenStore tokens;
    /** The global session policy: whether this user (by id) may have a session at all (a DENY rule says no). */
    private final java.util.function.Predicate<String> mayStartSession;

    public Sessions(Database db, SessionStore store, Users users, UserStore userStore, SystemLog log, Ids ids, Clock clock,
                    SessionSettings settings, SessionTokenStore tokens, java.util.function.Predicate<String> mayStartSession) {
        this.tokens = tokens;
        this.mayStartSession = mayStartSession;
        this.db = db;
        this.store = store;
        this.users = users;
        this.userStore = userStore;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
        this.settings = settings;
    }

    public SessionSettings settings() {
        return settings;
    }

    /**
     * Checks the password and starts a session. A failure says nothing about why to the caller
     * (unknown user, wrong password and locked account look the same); the System Log has the reason.
     */
    public Optional<Started> signIn(EventContext ctx, String login, String password) {
        return attempt(ctx, login, password) instanceof Attempt.SignedIn in ? Optional.of(in.started()) : Optional.empty();
    }

    /** What a password sign-in came to: a session, a right password that has expired (no session), or a failure. */
    public sealed interface Attempt {
        record SignedIn(Started started) implements Attempt {
        }

        /** The right password of a PASSWORD_EXPIRED user: the person must choose a new one (issue #19); no session. */
        record PasswordExpired(User user) implements Attempt {
        }

        record Failed() implements Attempt {
        }
    }

    /** As {@link #signIn}, telling an expired password apart (only when it was the right one: nothing else leaks). */
    public Attempt attempt(EventContext ctx, String login, String password) {
        return switch (check(ctx, login, password)) {
            case Check.Verified v -> start(ctx, v.user(), List.of("pwd")).<Attempt>map(Attempt.SignedIn::new).orElseGet(Attempt.Failed::new);
            case Check.PasswordExpired e -> new Attempt.PasswordExpired(e.user());
            case Check.LockedOut l -> new Attempt.Failed();
            case Check.Failed f -> new Attempt.Failed();
        };
    }

    /**
     * What a password check came to, before any session (issue #20: the hosted page and the Authentication API check a
     * password through this one method, so both count toward lockout and log the same events). LockedOut is told apart
     * for the API's opt-in LOCKED_OUT answer only; the hosted page treats it as any failure.
     */
    public sealed interface Check {
        record Verified(User user) implements Check {
        }

        record PasswordExpired(User user) implements Check {
        }

        record LockedOut() implements Check {
        }

        record Failed() implements Check {
        }
    }

    /** Checks a login and password (lockout counted, failure logged as {@code user.session.start} FAILURE); starts nothing. */
    public Check check(EventContext ctx, String login, String password) {
        String tooLong = login != null && login.length() > MAX_USERNAME ? "username longer than " + MAX_USERNAME + " characters"
                : password != null && password.length() > MAX_PASSWORD ? "password longer than " + MAX_PASSWORD + " characters" : null;
        if (tooLong != null) {
            failed(ctx, login, "VERIFICATION_ERROR", Map.of("refused", tooLong), null);   // nothing looked up, no password checked
            return new Check.Failed();
        }
        // The login goes as typed: Users (Logins.key) is the one place that decides which account it names.
        Users.Authentication auth = users.authenticate(ctx, login == null ? "" : login, password == null ? "" : password);
        if (auth.user().isEmpty()) {
            boolean locked = Users.Authentication.LOCKED_OUT.equals(auth.failureReason());
            String logged = LogText.ifPlausible(login, MAX_USERNAME);
            // A locked account is a cause the sign-in doctor names (issue #21), for the org: the sign-in names no app yet.
            failed(ctx, login, auth.failureReason(), Map.of(), locked ? dev.gatehouse.syslog.Problem.of(dev.gatehouse.syslog.Cause.USER_LOCKED_OUT,
                    logged == null ? "" : logged, Map.of("login", logged == null ? "" : logged)) : null);
            return auth.passwordExpired() != null ? new Check.PasswordExpired(auth.passwordExpired())
                    : Users.Authentication.LOCKED_OUT.equals(auth.failureReason()) ? new Check.LockedOut() : new Check.Failed();
        }
        return new Check.Verified(auth.user().get());
    }

    /**
     * Starts a session for a person who just set a new password through a recovery (a reset link, or the change an
     * expired password asked for): Okta signs the person in after a reset. {@code amr} says what they proved ("pwd", and
     * "otp" when a factor was verified for the reset). Empty when the user changed meanwhile.
     */
    public Optional<Started> startAfterRecovery(EventContext ctx, User user, List<String> amr) {
        return start(ctx, user, amr);
    }

    private Optional<Started> start(EventContext ctx, User user, List<String> amr) {
        Instant now = clock.instant();
        String cookie = ids.base62(43);
        Session session = new Session(ids.next(Ids.SESSION), user.id(), now, now,
                settings.limited() ? now.plus(settings.maxLifetime()) : null, now, amr, amr.contains("otp") ? now : null);
        boolean started = db.tx(h -> startIn(h, ctx, user, user.passwordChanged(), session, cookie));
        if (!started) {
            db.inTx(h -> {
                log.record(h, ctx.as(Actor.user(user.id(), user.profile().login(), user.profile().name())),
                        SystemLog.Entry.failure("user.session.start", "User login to Okta", Users.Authentication.USER_NOT_ACTIVE));
            });
            return Optional.<Started>empty();
        }
        return Optional.of(new Started(session, user, cookie));
    }

    /** In the caller's transaction: the user's row locked and checked, the session written and logged; false if refused. */
    private boolean startIn(org.jdbi.v3.core.Handle h, EventContext ctx, User user, Instant passwordChanged, Session session, String cookie) {
        // The user row is locked while the session is written: a suspension, deactivation or password reset committed
        // since the password was checked refuses it here, and one running now waits and then ends it with the others.
        if (!userStore.lockSignedIn(h, user.id(), passwordChanged)) {
            return false;
        }
        store.insert(h, session, Hashes.sha256(cookie));
        log.record(h, ctx.as(Actor.user(user.id(), user.profile().login(), user.profile().name())),
                SystemLog.Entry.success("user.session.start", "User login to Okta", target(session))
                        .withDebug(session.amr().isEmpty() ? Map.of() : Map.of("amr", String.join(" ", session.amr()))));
        return true;
    }

    /** The one-time sessionToken store (the Authentication API issues, the session endpoints redeem). */
    public SessionTokenStore tokens() {
        return tokens;
    }

    /**
     * Trades a one-time {@code sessionToken} (issue #20) for a session: the token is used up whatever happens next; the
     * session proves what the token proved (amr and its times). Empty for an unknown, used or expired token, or a user who
     * is no longer ACTIVE with the same password: the FAILURE is logged, without the token.
     */
    public Optional<Started> redeem(EventContext ctx, String sessionToken) {
        Instant now = clock.instant();
        String cookie = ids.base62(43);
        Optional<Started> started = db.tx(h -> {
            Optional<SessionTokenStore.Grant> grant = tokens.redeem(h, sessionToken, now);
            if (grant.isEmpty()) {
                return Optional.<Started>empty();
            }
            Optional<User> user = userStore.find(h, grant.get().userId());
            if (user.isEmpty()) {
                return Optional.<Started>empty();
            }
            SessionTokenStore.Grant g = grant.get();
            Session session = new Session(ids.next(Ids.SESSION), g.userId(), now, now,
                    settings.limited() ? now.plus(settings.maxLifetime()) : null, g.passwordVerified(), g.amr(), g.factorVerified());
            return startIn(h, ctx, user.get(), g.passwordChanged(), session, cookie)
                    ? Optional.of(new Started(session, user.get(), cookie)) : Optional.<Started>empty();
        });
        if (started.isPresent() && !mayStartSession.test(started.get().user().id())) {
            // A DENY rule of the global session policy made since the token was issued: the session just made ends at once,
            // as the hosted page ends one (SignInPages.signedIn).
            end(ctx, new Current(started.get().session(), started.get().user()));
            return Optional.empty();
        }
        if (started.isEmpty()) {
            db.inTx(h -> {
                log.record(h, ctx, SystemLog.Entry.failure("user.session.start", "User login to Okta", "INVALID_SESSION_TOKEN")
                        .withDebug(Map.of("refused", SessionTokenStore.plausible(sessionToken)
                                ? "sessionToken unknown, already used, expired, or its user changed" : "not a sessionToken")));
            });
        }
        return started;
    }

    /** The session with this id, if it is still valid and its user active (the Sessions API, by id). */
    public Optional<Current> byId(String id) {
        if (id == null || id.length() > 40) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return db.read(h -> store.find(h, id).filter(x -> x.activeAt(now, settings.idle()))
                .flatMap(s -> userStore.find(h, s.userId()).filter(u -> u.status() == User.Status.ACTIVE).map(u -> new Current(s, u))));
    }

    /**
     * Longer than any login can be (Okta's profile limit, and Gatehouse's, is 100) and than any password the policy
     * accepts (256 code points, so at most 512 UTF-16 characters): such a sign-in is refused before anything is looked
     * up or hashed, with the same answer as any failed sign-in (outside review, finding 2: a 900 KB username was read,
     * looked up, and logged whole). 256 for a username, as the outside review suggested; Okta checks only the first 72
     * characters of a password and documents no maximum, so 1,024 leaves room for every password Gatehouse accepts.
     */
    public static final int MAX_USERNAME = 256;
    public static final int MAX_PASSWORD = 1024;

    /** The FAILURE event of a sign-in; the login as attempted, unless it is not plausible as one: then only described. */
    private void failed(EventContext ctx, String login, String reason, Map<String, Object> more, dev.gatehouse.syslog.Problem problem) {
        String logged = LogText.ifPlausible(login, MAX_USERNAME);
        Map<String, Object> debug = new LinkedHashMap<>();
        debug.put("loginAttempted", logged == null ? "" : logged);
        debug.putAll(more);
        db.inTx(h -> {
            EventContext who = ctx.as(new Actor("unknown", "User", logged, logged));
            log.record(h, who, SystemLog.Entry.failure("user.session.start", "User login to Okta", reason).withDebug(debug).withProblem(problem));
        });
    }

    /** The session named by a cookie value, if it is still valid and its user still active. */
    public Optional<Current> current(String cookieValue) {
        if (cookieValue == null || cookieValue.isBlank() || cookieValue.length() > 100) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return db.read(h -> {
            Optional<Session> s = store.findByHash(h, Hashes.sha256(cookieValue)).filter(x -> x.activeAt(now, settings.idle()));
            if (s.isEmpty()) {
                return Optional.<Current>empty();
            }
            Optional<User> u = userStore.find(h, s.get().userId()).filter(x -> x.status() == User.Status.ACTIVE);
            if (u.isEmpty()) {
                return Optional.<Current>empty();
            }
            if (s.get().lastSeen().isBefore(now.minus(SessionStore.TOUCH_EVERY))) {
                store.touch(h, s.get().id(), now);   // its own condition again: another request may have touched it since
            }
            return Optional.of(new Current(s.get(), u.get()));
        });
    }

    /** Extends the idle window now (POST /api/v1/sessions/me/lifecycle/refresh). */
    public Session refresh(Current current) {
        Instant now = clock.instant();
        db.inTx(h -> {
            store.refresh(h, current.session().id(), now);
        });
        Session s = current.session();
        return new Session(s.id(), s.userId(), s.created(), now, s.absoluteExpiry(), s.passwordVerified(), s.amr(), s.factorVerified());
    }

    /**
     * A second factor was verified in this session (the caller has checked it: {@code Factors.verify} or WebAuthn): adds
     * its methods to the session's amr and gives the session a new cookie value, returned here, which the caller sets.
     * Empty when the session ended meanwhile.
     */
    public Optional<String> verifiedFactor(Current current, List<String> methods) {
        Instant now = clock.instant();
        String cookie = ids.base62(43);
        List<String> amr = Session.withMethods(current.session().amr(), methods);
        boolean done = db.tx(h -> store.stepUp(h, current.session().id(), Hashes.sha256(cookie), amr, now));
        return done ? Optional.of(cookie) : Optional.empty();
    }

    public void end(EventContext ctx, Current current) {
        db.inTx(h -> {
            if (store.delete(h, current.session().id())) {
                log.record(h, ctx.as(current.actor()), SystemLog.Entry.success("user.session.end", "User logout from Okta", target(current.session())));
            }
        });
    }

    private static Target target(Session s) {
        return new Target(s.id(), "Session", s.id(), "Session");
    }
}
