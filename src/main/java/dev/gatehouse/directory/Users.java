package dev.gatehouse.directory;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.storage.Filter;
import dev.gatehouse.storage.Contention;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The user use cases, shared by the management API and the console: every rule about users lives
 * here (or in {@link UserProfileSchema} and {@link PasswordPolicy}, which this applies). A rejected
 * request throws {@link ApiError} before anything is written; every change writes its System Log
 * event in the same transaction. Group rows a transaction stamps ({@code lastMembershipUpdated}) are
 * stamped Everyone first, then by id, so concurrent transactions lock them in one order.
 */
public final class Users {

    public static final int DEFAULT_MAX_FAILED_SIGN_INS = 10;

    static final String DUPLICATE = "An object with this field already exists in the current organization";
    /** Okta's event for an admin's "Clear user sessions" (its Identity Threat Protection event reference). */
    static final String SESSION_CLEAR = "user.session.clear";
    /** The cause recorded on the sessions a password set by an admin ends. */
    static final String PASSWORD_SET_BY_ADMIN = "user.account.password_set_by_admin";
    private static final Pattern USER_ID = Pattern.compile("00u[A-Za-z0-9]{17}");

    /** A user to create: profile attributes by Okta name, an optional password, and groups to join. */
    /** {@code importedHash}: a hash from another store ({@link ImportedHash}), in place of {@code password}; usually null. */
    public record NewUser(Map<String, String> profile, String password, boolean activate, List<String> groupIds, ImportedHash importedHash) {
        public NewUser {
            profile = profile == null ? Map.of() : profile;
            groupIds = groupIds == null ? List.of() : groupIds;
        }

        public NewUser(Map<String, String> profile, String password, boolean activate, List<String> groupIds) {
            this(profile, password, activate, groupIds, null);
        }
    }

    /**
     * A page of users: {@code q} a prefix of first name, last name, e-mail or login; {@code filter} and {@code search}
     * Okta expressions (see {@link UserStore#FILTER}, {@link UserStore#SEARCH}); DEPROVISIONED users are listed only
     * when a filter or search is given, as in Okta. At most {@code limit} users with ids after {@code after}.
     */
    public record Search(String q, String filter, String search, String after, int limit) {
    }

    /**
     * The outcome of a password sign-in: the user on success; on failure no user and the reason, for the
     * System Log only (Okta's outcome reasons where Okta has one). Whatever the reason, the person signing
     * in must be told the same thing, so a failure reveals nothing about the account.
     */
    public record Authentication(Optional<User> user, String failureReason, User passwordExpired) {

        public Authentication(Optional<User> user, String failureReason) {
            this(user, failureReason, null);
        }

        /**
         * The right password of a PASSWORD_EXPIRED user (Okta: "the user must change their password the next time they sign
         * in"): not a sign-in, no session; the caller offers the change-password form bound to this attempt.
         */
        public static final String PASSWORD_EXPIRED = "PASSWORD_EXPIRED";

        /** Wrong password for an ACTIVE user. */
        public static final String INVALID_CREDENTIALS = "INVALID_CREDENTIALS";
        /** No user has this login. */
        public static final String UNKNOWN_USER = "UNKNOWN_USER";
        /** The user is LOCKED_OUT, or this attempt locked it. */
        public static final String LOCKED_OUT = "LOCKED_OUT";
        /** The user is STAGED, PROVISIONED, SUSPENDED or DEPROVISIONED (Okta has no public reason of its own for this). */
        public static final String USER_NOT_ACTIVE = "USER_NOT_ACTIVE";

        public boolean succeeded() {
            return user.isPresent();
        }

        static Authentication success(User user) {
            return new Authentication(Optional.of(user), null);
        }

        static Authentication failure(String reason) {
            return new Authentication(Optional.empty(), reason);
        }

        static Authentication expired(User user) {
            return new Authentication(Optional.empty(), PASSWORD_EXPIRED, user);
        }
    }

    /** What a DELETE did: the first deactivates, the second (on a DEPROVISIONED user) deletes. */
    public enum Deletion { DEACTIVATED, DELETED }

    private final Database db;
    private final UserStore store;
    private final GroupStore groups;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;
    private final PasswordSignIn signIn;
    private final AccessRevocation access;

    /**
     * @param access ends what a user holds elsewhere (sessions, OAuth tokens) when their standing changes: see
     *               {@link #clearSessions}, {@link #lifecycle} and the password setters
     */
    private final UserTokenStore tokens;

    public Users(Database db, UserStore store, GroupStore groups, PasswordHasher hasher, SystemLog log, Ids ids, Clock clock,
                 int maxFailedSignIns, AccessRevocation access) {
        this(db, store, groups, hasher, log, ids, clock, maxFailedSignIns, access, null);
    }

    /**
     * @param tokens the single-use link tokens: a password an admin sets ends the user's reset link and expired-password
     *               form (issue #19); null only where no such links exist (tests of other parts)
     */
    public Users(Database db, UserStore store, GroupStore groups, PasswordHasher hasher, SystemLog log, Ids ids, Clock clock,
                 int maxFailedSignIns, AccessRevocation access, UserTokenStore tokens) {
        this.db = db;
        this.access = access;
        this.store = store;
        this.groups = groups;
        this.hasher = hasher;
        this.policy = PasswordPolicy.DEFAULT;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
        this.signIn = new PasswordSignIn(db, store, hasher, log, clock, maxFailedSignIns);
        this.tokens = tokens;
    }

    public Users(Database db, UserStore store, GroupStore groups, PasswordHasher hasher, SystemLog log, Ids ids, Clock clock,
                 AccessRevocation access) {
        this(db, store, groups, hasher, log, ids, clock, DEFAULT_MAX_FAILED_SIGN_INS, access);
    }

    /** The password policy every password set through here must meet (shown on the console's password forms). */
    public PasswordPolicy passwordPolicy() {
        return policy;
    }

    public User create(EventContext ctx, NewUser request) {
        return create(ctx, request, (h, user) -> { });
    }

    /**
     * As {@link #create(EventContext, NewUser)}, running {@code alsoInTx} on the new user in the same transaction, after
     * its events: {@link Activations} issues the activation token and queues the email there, so a user is never created
     * PROVISIONED without its link, nor a link sent for a user whose creation rolled back.
     */
    User create(EventContext ctx, NewUser request, java.util.function.BiConsumer<org.jdbi.v3.core.Handle, User> alsoInTx) {
        User.Profile profile = validate(request.profile(), request.password());
        // An imported hash is kept as given (Okta checks no password policy on it either) until the first sign-in rehashes it.
        String hash = request.importedHash() != null ? request.importedHash().stored()
                : request.password() == null ? null : hasher.hash(request.password());
        Instant now = clock.instant();
        User.Status status = !request.activate() ? User.Status.STAGED : hash == null ? User.Status.PROVISIONED : User.Status.ACTIVE;
        Instant activated = request.activate() ? now : null;
        User user = new User(ids.next(Ids.USER), status, profile, now, activated, activated, null, now, hash == null ? null : now);
        return uniqueLogin(() -> db.tx(h -> {
            store.insert(h, user, hash);
            groups.touchMembership(h, Group.EVERYONE, now);
            log.record(h, ctx, SystemLog.Entry.success("user.lifecycle.create", "Create Okta user", target(user)));
            if (request.activate()) {
                log.record(h, ctx, SystemLog.Entry.success(Lifecycle.ACTIVATE.eventType(), Lifecycle.ACTIVATE.displayMessage(), target(user)));
            }
            for (String groupId : new TreeSet<>(request.groupIds())) {
                Group group = groups.find(h, groupId)
                        .orElseThrow(() -> ApiError.validation("groupIds", "Group not found: " + groupId));
                if (!group.builtIn() && groups.addMember(h, groupId, user.id(), now)) {
                    log.record(h, ctx, SystemLog.Entry.success("group.user_membership.add", "Add user to group membership",
                            target(user), Groups.target(group)));
                }
            }
            alsoInTx.accept(h, user);
            return user;
        }));
    }

    /** How many people there are: all, active, locked out (the console's dashboard). */
    public record Counts(long all, long active, long lockedOut) {
    }

    public Counts counts() {
        return db.read(h -> new Counts(store.count(h), store.count(h, User.Status.ACTIVE), store.count(h, User.Status.LOCKED_OUT)));
    }

    /**
     * A person's password hash for {@code gatehouse org export --with-password-hashes} (issue #22), as Okta's
     * PasswordCredentialHash JSON (a Gatehouse extension: Okta never returns hashes); every read is a System Log event,
     * {@code user.credentials.password_hash.read}. 404 E0000007 for an unknown person or one without a password.
     */
    public com.fasterxml.jackson.databind.node.ObjectNode passwordHash(EventContext ctx, String idOrLogin) {
        User user = get(idOrLogin);
        String hash = db.tx(h -> {
            Optional<String> stored = store.credentials(h, Logins.key(user.profile().login()).orElse("")).map(UserStore.Credentials::passwordHash);
            if (stored.isPresent()) {
                log.record(h, ctx, SystemLog.Entry.success("user.credentials.password_hash.read", "Read a user's password hash for an export",
                        target(user)));
            }
            return stored.orElse(null);
        });
        if (hash == null) {
            throw ApiError.notFound(user.id() + "/credentials/password_hash", "PasswordHash");
        }
        return ImportedHash.json(hash);
    }

    /** The user with this id or login (any case), or 404 E0000007. */
    public User get(String idOrLogin) {
        return find(idOrLogin).orElseThrow(() -> ApiError.notFound(idOrLogin, "User"));
    }

    public Optional<User> find(String idOrLogin) {
        if (idOrLogin == null || idOrLogin.isBlank() || idOrLogin.length() > 255) {
            return Optional.empty();
        }
        return db.read(h -> USER_ID.matcher(idOrLogin).matches()
                ? store.find(h, idOrLogin).or(() -> store.findByLogin(h, idOrLogin))
                : store.findByLogin(h, idOrLogin));
    }

    public List<User> list(Search search) {
        Map<String, Object> binds = new HashMap<>();
        List<String> conditions = new ArrayList<>();
        condition("filter", search.filter(), UserStore.FILTER, conditions, binds);
        condition("search", search.search(), UserStore.SEARCH, conditions, binds);
        String q = search.q() == null || search.q().isBlank() ? null : search.q().strip();
        UserStore.Query query = new UserStore.Query(q, conditions, binds, conditions.isEmpty(), null, search.after(), search.limit());
        return db.read(h -> store.list(h, query));
    }

    /**
     * Partial update: only the given profile attributes change (a null value clears an optional one);
     * a non-null {@code password} sets the password. Concurrent updates of other attributes are kept:
     * the write is conditional on the user being unchanged since it was read, and retried otherwise.
     */
    public User update(EventContext ctx, String id, Map<String, String> changes, String password) {
        String hash = null;
        for (int attempt = 1; ; attempt++) {
            User current = get(id);
            Map<String, String> attributes = new HashMap<>(current.profile().attributes());
            if (changes != null) {
                attributes.putAll(changes);
            }
            User.Profile profile = validate(attributes, password);
            if (password != null && hash == null) {
                hash = hasher.hash(password);
            }
            String newHash = hash;
            Instant now = later(clock.instant(), current.lastUpdated());
            Optional<User> updated = uniqueLogin(() -> db.tx(h -> {
                if (changes != null) {
                    if (!store.writeProfile(h, current.id(), profile, current.lastUpdated(), now)) {
                        return Optional.<User>empty();
                    }
                    log.record(h, ctx, SystemLog.Entry.success("user.account.update_profile", "Update user profile for Okta", target(current)));
                }
                if (newHash != null) {
                    if (!store.setPassword(h, current.id(), newHash, now)) {
                        return Optional.<User>empty();
                    }
                    log.record(h, ctx, SystemLog.Entry.success("user.account.update_password", "User update password for Okta", target(current)));
                    endRecovery(h, current.id());
                    access.endSessions(h, ctx, current, null, PASSWORD_SET_BY_ADMIN);
                }
                return store.find(h, current.id());
            }));
            if (updated.isPresent()) {
                return updated.get();
            }
            if (attempt == Contention.MAX_ATTEMPTS) {
                throw new Contention("User " + id + " kept changing during " + attempt + " update attempts");
            }
            Contention.pause(attempt);
        }
    }

    /** Full replace: the profile becomes exactly {@code attributes}; a non-null {@code password} sets the password. */
    public User replace(EventContext ctx, String id, Map<String, String> attributes, String password) {
        User current = get(id);
        User.Profile profile = validate(attributes == null ? Map.of() : attributes, password);
        String hash = password == null ? null : hasher.hash(password);
        return uniqueLogin(() -> db.tx(h -> {
            Instant now = clock.instant();
            if (!store.writeProfile(h, current.id(), profile, null, now)) {
                throw ApiError.notFound(id, "User");
            }
            log.record(h, ctx, SystemLog.Entry.success("user.account.update_profile", "Update user profile for Okta", target(current)));
            if (hash != null) {
                store.setPassword(h, current.id(), hash, now);
                log.record(h, ctx, SystemLog.Entry.success("user.account.update_password", "User update password for Okta", target(current)));
                endRecovery(h, current.id());
                access.endSessions(h, ctx, current, null, PASSWORD_SET_BY_ADMIN);
            }
            return store.find(h, current.id()).orElseThrow();
        }));
    }

    /**
     * An admin sets a new password (the console's "reset password"); a PROVISIONED, RECOVERY or PASSWORD_EXPIRED user becomes
     * ACTIVE and an emailed reset link dies. Every session of
     * the user ends except {@code keepSessionId} (the admin's own, when they set their own password: Okta's
     * {@code revokeSessions} likewise spares "the current session"); OAuth tokens stay, as at Okta.
     */
    public User setPassword(EventContext ctx, String id, String newPassword) {
        return setPassword(ctx, id, newPassword, null);
    }

    /** As {@link #setPassword(EventContext, String, String)}, sparing the session {@code keepSessionId}. */
    public User setPassword(EventContext ctx, String id, String newPassword, String keepSessionId) {
        User current = get(id);
        List<ApiError.Cause> broken = policy.check(newPassword, current.profile().login());
        if (!broken.isEmpty()) {
            throw ApiError.validation(broken);
        }
        String hash = hasher.hash(newPassword);
        return db.tx(h -> {
            if (!store.setPassword(h, current.id(), hash, clock.instant())) {
                throw ApiError.notFound(id, "User");
            }
            log.record(h, ctx, SystemLog.Entry.success("user.account.reset_password", "Reset password for Okta", target(current)));
            endRecovery(h, current.id());
            access.endSessions(h, ctx, current, keepSessionId, PASSWORD_SET_BY_ADMIN);
            return store.find(h, current.id()).orElseThrow();
        });
    }

    /**
     * A password an admin set ends the ways to set one without it (issue #19): the emailed reset link (RECOVERY token)
     * and an open "your password has expired" form, in the same transaction as the new password. The user became ACTIVE
     * (UserStore#setPassword), so a link clicked later shows "no longer valid" and changes nothing.
     */
    private void endRecovery(org.jdbi.v3.core.Handle h, String userId) {
        if (tokens == null) {
            return;
        }
        tokens.revoke(h, userId, UserTokenStore.Purpose.RECOVERY);
        tokens.revoke(h, userId, UserTokenStore.Purpose.PASSWORD_EXPIRED);
    }

    /** Runs a lifecycle operation, or 400 E0000001 ({@code status: ...}) when the user's status does not allow it. */
    public User lifecycle(EventContext ctx, String id, Lifecycle change) {
        User current = get(id);
        if (change.notOnOneself() && current.id().equals(ctx.actor().id())) {
            throw ApiError.validation(null, "You cannot " + change.operation() + " your own user");
        }
        return db.tx(h -> {
            if (!store.changeStatus(h, current.id(), change.from(), change.to(), change == Lifecycle.ACTIVATE, clock.instant())) {
                store.find(h, current.id()).orElseThrow(() -> ApiError.notFound(id, "User"));
                throw ApiError.validation("status", change.refusal());
            }
            log.record(h, ctx, SystemLog.Entry.success(change.eventType(), change.displayMessage(), target(current)));
            if (change.endsSessions()) {
                access.endSessions(h, ctx, current, null, change.eventType());
            }
            if (change.revokesTokens()) {
                access.revokeTokens(h, ctx, current, change.eventType(), false);
            }
            return store.find(h, current.id()).orElseThrow();
        });
    }

    /** What {@link #clearSessions} ended: live sessions, and whether the user's OAuth tokens were revoked too. */
    public record Cleared(int sessions, boolean tokensRevoked) {
    }

    /**
     * Okta's "Clear user sessions" ({@code DELETE /api/v1/users/{id}/sessions}, and the console action): ends every
     * sign-in session of the user, and with {@code oauthTokens} also revokes every refresh and access token issued to them,
     * for good. Allowed whatever the user's status (a suspended or locked-out user's tokens can be revoked this way); 404
     * E0000007 for an unknown user. Writes {@code user.session.clear} once, after the {@code user.session.end} events.
     */
    public Cleared clearSessions(EventContext ctx, String id, boolean oauthTokens) {
        User current = get(id);
        return db.tx(h -> {
            if (!store.lock(h, current.id())) {
                throw ApiError.notFound(id, "User");
            }
            int ended = access.endSessions(h, ctx, current, null, SESSION_CLEAR);
            if (oauthTokens) {
                access.revokeTokens(h, ctx, current, SESSION_CLEAR, true);
            }
            log.record(h, ctx, SystemLog.Entry.success(SESSION_CLEAR, "Clear user session", target(current))
                    .withDebug(Map.of("sessions", ended, "oauthTokens", oauthTokens)));
            return new Cleared(ended, oauthTokens);
        });
    }

    /**
     * Okta's two-step delete: on a user that is not DEPROVISIONED this deactivates it; on a DEPROVISIONED
     * user it deletes the user with its memberships, admin roles and API tokens.
     */
    public Deletion delete(EventContext ctx, String id) {
        for (int attempt = 1; ; attempt++) {
            User current = get(id);
            if (current.id().equals(ctx.actor().id())) {
                throw ApiError.validation(null, "You cannot delete your own user");
            }
            if (current.status() != User.Status.DEPROVISIONED) {
                try {
                    lifecycle(ctx, current.id(), Lifecycle.DEACTIVATE);
                    return Deletion.DEACTIVATED;
                } catch (ApiError deactivatedMeanwhile) {
                    if (deactivatedMeanwhile.code() != ErrorCode.E0000001 || attempt == Contention.MAX_ATTEMPTS) {
                        throw deactivatedMeanwhile;
                    }
                    Contention.pause(attempt);
                    continue;
                }
            }
            boolean deleted = db.tx(h -> {
                Instant now = clock.instant();
                List<String> memberOf = groups.groupIdsOf(h, current.id());
                if (!store.deleteDeprovisioned(h, current.id())) {
                    return false;
                }
                groups.touchMembership(h, Group.EVERYONE, now);
                memberOf.stream().sorted().forEach(g -> groups.touchMembership(h, g, now));
                log.record(h, ctx, SystemLog.Entry.success("user.lifecycle.delete.initiated", "Delete Okta user", target(current)));
                return true;
            });
            if (deleted) {
                return Deletion.DELETED;
            }
            if (attempt == Contention.MAX_ATTEMPTS) {
                throw new Contention("User " + id + " kept changing during " + attempt + " delete attempts");
            }
            Contention.pause(attempt);
        }
    }

    /** Password sign-in; see {@link PasswordSignIn}. Writes no session event: the caller does. */
    public Authentication authenticate(EventContext ctx, String login, String password) {
        return signIn.authenticate(ctx, login, password);
    }

    /** The profile these attributes make, checked together with the password, all causes at once. */
    private User.Profile validate(Map<String, String> attributes, String password) {
        List<ApiError.Cause> causes = new ArrayList<>(UserProfileSchema.check(attributes));
        if (password != null) {
            String login = attributes.get("login");
            causes.addAll(policy.check(password, login));
        }
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        return UserProfileSchema.profile(attributes);
    }

    private static void condition(String param, String expression, FilterColumns columns, List<String> conditions,
                                  Map<String, Object> binds) {
        if (expression == null || expression.isBlank()) {
            return;
        }
        try {
            conditions.add(columns.toSql(Filter.parse(expression), binds));
        } catch (Filter.InvalidFilter e) {
            throw ApiError.validation(param, e.getMessage());
        }
    }

    /** Runs a write whose only unique key a request can break is the login; that becomes Okta's duplicate error. */
    private static <T> T uniqueLogin(java.util.function.Supplier<T> write) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw ApiError.validation("login", DUPLICATE);
            }
            throw e;
        }
    }

    /** A timestamp after {@code previous}, so the conditional write on {@code last_updated_at} sees every change. */
    private static Instant later(Instant now, Instant previous) {
        Instant stored = now.truncatedTo(ChronoUnit.MICROS);   // both databases keep microseconds
        return previous != null && !stored.isAfter(previous) ? previous.plus(1, ChronoUnit.MICROS) : stored;
    }

    /**
     * Counts a wrong factor code of the user toward the lockout (the same maximum as wrong passwords, its own counter),
     * in the caller's transaction; true when the user is now LOCKED_OUT (this attempt locked it). A user who is not
     * ACTIVE is not counted.
     */
    public boolean recordFailedFactor(org.jdbi.v3.core.Handle h, EventContext ctx, User user) {
        return Authentication.LOCKED_OUT.equals(signIn.failIn(h, ctx, user, UserStore.FailureCounter.FACTOR).failureReason());
    }

    /**
     * Locks the user's row for a factor attempt and answers its status: attempts of one user run one after another, so
     * a burst of guesses cannot pass the lockout, and a user suspended, deactivated or locked meanwhile is seen. Empty
     * when there is no such user.
     */
    public Optional<User.Status> lockForFactorAttempt(org.jdbi.v3.core.Handle h, String id) {
        return store.lock(h, id) ? store.status(h, id) : Optional.empty();
    }

    /** An accepted factor code, in the caller's transaction: the wrong-code counter starts again. */
    public void factorAccepted(org.jdbi.v3.core.Handle h, String id) {
        store.resetFailedFactors(h, id);
    }

    static Target target(User u) {
        return new Target(u.id(), "User", u.profile().login(), u.profile().name());
    }
}
