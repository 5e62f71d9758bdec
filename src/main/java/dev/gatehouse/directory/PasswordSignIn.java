package dev.gatehouse.directory;

import dev.gatehouse.directory.Users.Authentication;
import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.LogEvent;
import dev.gatehouse.syslog.SystemLog;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a login and password, with lockout. The login is found by its {@link Logins#key}, so the width, case and
 * surrounding white space of what was typed do not matter, and every variant counts against the one account. Argon2 runs for every attempt, against a dummy hash when
 * the login is unknown or has no password, so timing does not tell which logins exist. A failure of an
 * ACTIVE user is counted in one conditional UPDATE that also locks the account when the count reaches
 * the maximum, and the lock's {@code user.account.lock} event is written in that same transaction.
 * Only ACTIVE users authenticate. Success resets the counter, stamps {@code lastLogin}, and rehashes a
 * hash made with other Argon2 parameters.
 */
final class PasswordSignIn {

    private final Database db;
    private final UserStore store;
    private final PasswordHasher hasher;
    private final SystemLog log;
    private final Clock clock;
    private final int maxFailedSignIns;
    /** Made in the background at start (an Argon2 run: ~0.1 s of the start otherwise); the first unknown login waits for it. */
    private final java.util.concurrent.FutureTask<String> dummyHash;

    PasswordSignIn(Database db, UserStore store, PasswordHasher hasher, SystemLog log, Clock clock, int maxFailedSignIns) {
        if (maxFailedSignIns < 1) {
            throw new IllegalArgumentException("maxFailedSignIns must be at least 1");
        }
        this.db = db;
        this.store = store;
        this.hasher = hasher;
        this.log = log;
        this.clock = clock;
        this.maxFailedSignIns = maxFailedSignIns;
        this.dummyHash = new java.util.concurrent.FutureTask<>(() -> hasher.hash("not a password: only here so unknown logins cost an Argon2 run too"));
        Thread.ofVirtual().name("gatehouse-dummy-hash").start(dummyHash);
    }

    private String dummyHash() {
        try {
            return dummyHash.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the start's dummy hash", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the start's dummy hash failed", e.getCause());
        }
    }

    Authentication authenticate(EventContext ctx, String login, String password) {
        // The same key as the per-username rate limit and every other lookup: variants of one login share its lockout counter.
        Optional<String> key = Logins.key(login);
        Optional<UserStore.Credentials> found = key.isEmpty() ? Optional.empty() : db.read(h -> store.credentials(h, key.get()));
        String hash = found.map(UserStore.Credentials::passwordHash).orElse(null);
        boolean verified = hasher.verify(password == null ? "" : password, hash == null ? dummyHash() : hash) && hash != null;
        if (found.isEmpty()) {
            return Authentication.failure(Authentication.UNKNOWN_USER);
        }
        User user = found.get().user();
        if (user.status() == User.Status.LOCKED_OUT) {
            return Authentication.failure(Authentication.LOCKED_OUT);
        }
        if (user.status() == User.Status.PASSWORD_EXPIRED && verified) {
            // The right password of an expired one: the person must choose a new one before signing in (issue #19). A
            // wrong password of an expired user is the usual failure (not counted: only ACTIVE users count toward lockout).
            return Authentication.expired(user);
        }
        if (user.status() != User.Status.ACTIVE) {
            return Authentication.failure(Authentication.USER_NOT_ACTIVE);
        }
        return verified ? succeed(user, hash, password) : fail(ctx, user);
    }

    private Authentication fail(EventContext ctx, User user) {
        return db.tx(h -> failIn(h, ctx, user, UserStore.FailureCounter.SIGN_IN));
    }

    /**
     * Counts a failure of {@code user} on {@code counter} (wrong passwords, or wrong factor codes) in the caller's
     * transaction, locking the account at the maximum with its {@code user.account.lock} event.
     */
    Authentication failIn(org.jdbi.v3.core.Handle h, EventContext ctx, User user, UserStore.FailureCounter counter) {
        Optional<User.Status> now = store.recordFailure(h, user.id(), counter, maxFailedSignIns, clock.instant());
        if (now.isEmpty()) {
            return Authentication.failure(Authentication.INVALID_CREDENTIALS);
        }
        if (now.get() == User.Status.LOCKED_OUT) {
            log.record(h, ctx, new SystemLog.Entry("user.account.lock", "Max sign in attempts exceeded",
                    LogEvent.Severity.WARN, LogEvent.Outcome.SUCCESS, List.of(Users.target(user)),
                    Map.of(counter.logName, maxFailedSignIns)));
            return Authentication.failure(Authentication.LOCKED_OUT);
        }
        return Authentication.failure(Authentication.INVALID_CREDENTIALS);
    }

    private Authentication succeed(User user, String hash, String password) {
        String rehashed = hasher.needsRehash(hash) ? hasher.hash(password) : null;
        return db.tx(h -> {
            Instant now = clock.instant();
            if (!store.recordSignIn(h, user.id(), hash, now)) {
                // Locked, suspended or given a new password since it was read: it no longer signs in with this one.
                return Authentication.failure(Authentication.INVALID_CREDENTIALS);
            }
            if (rehashed != null) {
                store.rehash(h, user.id(), hash, rehashed);
            }
            return Authentication.success(store.find(h, user.id()).orElseThrow());
        });
    }
}
