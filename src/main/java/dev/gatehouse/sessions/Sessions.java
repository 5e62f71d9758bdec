package dev.gatehouse.sessions;

import dev.gatehouse.directory.User;
import dev.gatehouse.directory.UserStore;
import dev.gatehouse.directory.Users;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;

import java.time.Clock;
import java.time.Instant;
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

    public Sessions(Database db, SessionStore store, Users users, UserStore userStore, SystemLog log, Ids ids, Clock clock,
                    SessionSettings settings) {
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
        // The login goes as typed: Users (Logins.key) is the one place that decides which account it names.
        Users.Authentication auth = users.authenticate(ctx, login == null ? "" : login, password == null ? "" : password);
        if (auth.user().isEmpty()) {
            db.tx(h -> {
                EventContext who = ctx.as(new Actor("unknown", "User", login, login));
                log.record(h, who, SystemLog.Entry.failure("user.session.start", "User login to Okta", auth.failureReason())
                        .withDebug(Map.of("loginAttempted", login == null ? "" : login)));
                return null;
            });
            return Optional.empty();
        }
        User user = auth.user().get();
        Instant now = clock.instant();
        String cookie = ids.base62(43);
        Session session = new Session(ids.next(Ids.SESSION), user.id(), now, now,
                settings.limited() ? now.plus(settings.maxLifetime()) : null, now);
        boolean started = db.tx(h -> {
            // The user row is locked while the session is written: a suspension, deactivation or password reset committed
            // since the password was checked refuses it here, and one running now waits and then ends it with the others.
            if (!userStore.lockSignedIn(h, user.id(), user.passwordChanged())) {
                return false;
            }
            store.insert(h, session, Hashes.sha256(cookie));
            log.record(h, ctx.as(Actor.user(user.id(), user.profile().login(), user.profile().name())),
                    SystemLog.Entry.success("user.session.start", "User login to Okta", target(session)));
            return true;
        });
        if (!started) {
            db.tx(h -> {
                log.record(h, ctx.as(Actor.user(user.id(), user.profile().login(), user.profile().name())),
                        SystemLog.Entry.failure("user.session.start", "User login to Okta", Users.Authentication.USER_NOT_ACTIVE));
                return null;
            });
            return Optional.empty();
        }
        return Optional.of(new Started(session, user, cookie));
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
            store.touch(h, s.get().id(), now);
            return Optional.of(new Current(s.get(), u.get()));
        });
    }

    /** Extends the idle window now (POST /api/v1/sessions/me/lifecycle/refresh). */
    public Session refresh(Current current) {
        Instant now = clock.instant();
        db.tx(h -> {
            store.refresh(h, current.session().id(), now);
            return null;
        });
        Session s = current.session();
        return new Session(s.id(), s.userId(), s.created(), now, s.absoluteExpiry(), s.passwordVerified());
    }

    public void end(EventContext ctx, Current current) {
        db.tx(h -> {
            if (store.delete(h, current.session().id())) {
                log.record(h, ctx.as(current.actor()), SystemLog.Entry.success("user.session.end", "User logout from Okta", target(current.session())));
            }
            return null;
        });
    }

    private static Target target(Session s) {
        return new Target(s.id(), "Session", s.id(), "Session");
    }
}
