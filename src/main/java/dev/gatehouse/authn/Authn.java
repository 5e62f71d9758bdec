package dev.gatehouse.authn;

import dev.gatehouse.directory.PasswordRecovery;
import dev.gatehouse.directory.User;
import dev.gatehouse.directory.Users;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.mfa.Authenticator;
import dev.gatehouse.mfa.EmailFactors;
import dev.gatehouse.mfa.Factor;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.mfa.WebAuthn;
import dev.gatehouse.oauth.keys.KeyEncryption;
import dev.gatehouse.sessions.Session;
import dev.gatehouse.sessions.SessionTokenStore;
import dev.gatehouse.sessions.Sessions;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Okta's Authentication API (issue #20), the state machine behind {@code /api/v1/authn}: a password (or a recovery link)
 * starts a transaction; each call proves one more thing or moves one step; the last step hands out a one-time
 * sessionToken. Nothing here decides a rule of its own: the password is checked by {@link Sessions#check} (the hosted
 * page's own check: the same lockout, the same System Log events), factors by {@link Factors}, {@link EmailFactors} and
 * {@link WebAuthn} (the same rate limits, replay checks and lockout counting as the hosted pages and the Factors API), what
 * the policies ask by {@link Rules} (the same evaluation the hosted pages use, SignOn), and password changes by
 * {@link PasswordRecovery}.
 *
 * <p>The stateToken is 40 random base62 characters with Okta's "00" in front; only its SHA-256 is stored. Each step locks
 * the transaction's row and moves it on conditionally, so a replayed or concurrent call finds it moved and is refused
 * (E0000079), and a stateToken that is unknown, expired, cancelled or finished is E0000011. A transaction lives
 * {@link #LIFETIME} from its last step; a user holds at most {@link #MAX_PER_USER} (a new one ends the oldest), and
 * expired rows are deleted whenever a transaction starts, so storage stays bounded.
 */
public final class Authn {

    /** Okta: a transaction expires 5 minutes after its last step (its {@code expiresAt}). */
    public static final Duration LIFETIME = Duration.ofMinutes(5);
    /**
     * However often it is moved on, a transaction ends this long after it began (Okta documents only a "sliding" expiry;
     * an absolute end keeps a step from being held open for ever: attack review of issue #20).
     */
    public static final Duration MAX_AGE = Duration.ofHours(1);
    static final int MAX_PER_USER = 5;
    static final int STATE_TOKEN_LENGTH = 42;
    private static final java.util.regex.Pattern STATE_SHAPE = java.util.regex.Pattern.compile("00[A-Za-z0-9]{40}");
    static final String RELAY_MAX = "relayState longer than 2048 characters";

    /** What the policies still ask of a person who proved {@code amr} (SignOn's evaluation, shared with the hosted pages). */
    public interface Rules {
        Step next(String userId, boolean multifactor, Instant factorVerified);

        /** The authenticator keys the person may set up now, each with whether the enrollment policy requires it. */
        Map<String, Boolean> enrollment(String userId);

        /** The person's factors that can be verified now (ACTIVE, of an active authenticator). */
        List<Factor> usableFactors(String userId);
    }

    public enum Step { NONE, VERIFY, ENROLL, DENIED }

    /**
     * What a call came to, for {@link AuthnJson}: Okta's {@code status}, the stateToken to echo (null when the transaction
     * is over), its expiry, the user, and what the state shows: the factors to verify or enroll, the factor of the current
     * step with its challenge or activation, the sessionToken of a SUCCESS.
     */
    public record Result(String status, String stateToken, Instant expiresAt, User user, String relayState, List<Factor> factors,
                         Map<String, Boolean> enrollable, Factor factor, Object activation, String factorResult, String sessionToken,
                         String recoveryType, String factorType, String recoveryToken) {

        public Result(String status, String stateToken, Instant expiresAt, User user, String relayState, List<Factor> factors,
                      Map<String, Boolean> enrollable, Factor factor, Object activation, String factorResult, String sessionToken,
                      String recoveryType, String factorType) {
            this(status, stateToken, expiresAt, user, relayState, factors, enrollable, factor, activation, factorResult, sessionToken,
                    recoveryType, factorType, null);
        }

        Result recoveryToken(String token) {
            return new Result(status, stateToken, expiresAt, user, relayState, factors, enrollable, factor, activation, factorResult,
                    sessionToken, recoveryType, factorType, token);
        }

        static Result of(String status, String stateToken, AuthnTransaction t, User user) {
            return new Result(status, stateToken, t == null ? null : t.expires(), user, t == null ? null : t.relayState(), null, null,
                    null, null, null, null, t != null && t.kind() == AuthnTransaction.Kind.RECOVERY ? "PASSWORD" : null, null);
        }

        Result factors(List<Factor> f) {
            return new Result(status, stateToken, expiresAt, user, relayState, f, enrollable, factor, activation, factorResult, sessionToken,
                    recoveryType, factorType, recoveryToken);
        }

        Result enrollable(Map<String, Boolean> e) {
            return new Result(status, stateToken, expiresAt, user, relayState, factors, e, factor, activation, factorResult, sessionToken,
                    recoveryType, factorType, recoveryToken);
        }

        Result factor(Factor f, Object activation, String factorResult) {
            return new Result(status, stateToken, expiresAt, user, relayState, factors, enrollable, f, activation, factorResult, sessionToken,
                    recoveryType, factorType, recoveryToken);
        }
    }

    /** The TOTP activation shown once at MFA_ENROLL_ACTIVATE: the enrollment (secret, QR token). */
    public record TotpActivation(Factors.Enrollment enrollment) {
    }

    /** The WebAuthn options (creation options at enrollment, request options at a challenge), as JSON text. */
    public record WebAuthnOptions(String json, String challenge) {
    }

    private final Database db;
    private final AuthnStore store;
    private final Sessions sessions;
    private final SessionTokenStore sessionTokens;
    private final Users users;
    private final Factors factors;
    private final EmailFactors email;
    private final WebAuthn webAuthn;
    private final PasswordRecovery recovery;
    private final KeyEncryption keys;
    private final Rules rules;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;
    private final boolean showLockoutFailures;

    /**
     * @param showLockoutFailures Okta's password policy {@code showLockoutFailures}: answer LOCKED_OUT for a locked account
     *                            (which tells that the username exists) instead of the usual E0000004; off by default
     */
    public Authn(Database db, AuthnStore store, Sessions sessions, SessionTokenStore sessionTokens, Users users, Factors factors,
                 EmailFactors email, WebAuthn webAuthn, PasswordRecovery recovery, KeyEncryption keys, Rules rules, SystemLog log, Ids ids,
                 Clock clock, boolean showLockoutFailures) {
        this.db = db;
        this.store = store;
        this.sessions = sessions;
        this.sessionTokens = sessionTokens;
        this.users = users;
        this.factors = factors;
        this.email = email;
        this.webAuthn = webAuthn;
        this.recovery = recovery;
        this.keys = keys;
        this.rules = rules;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
        this.showLockoutFailures = showLockoutFailures;
    }

    // ---- primary authentication ----

    /** {@code POST /api/v1/authn} with a username and password. */
    public Result primary(EventContext ctx, String username, String password, String relayState) {
        checkRelayState(relayState);
        Sessions.Check check = sessions.check(ctx, username, password);
        Instant now = clock.instant();
        return switch (check) {
            case Sessions.Check.Verified v -> begin(ctx, v.user(), AuthnTransaction.Kind.SIGN_IN, List.of("pwd"), now, relayState, null);
            case Sessions.Check.PasswordExpired e -> {
                // The right password of an expired one: the change is bound to this transaction (the expired-password token,
                // sealed in its row), as the hosted form is bound to its sign-in attempt.
                // Okta: "Users are challenged for MFA (MFA_REQUIRED) before PASSWORD_EXPIRED if they have an active Factor
                // enrollment", so an expired password alone never sets a new one for a person who has a second factor. The
                // factors that can be checked for a user who is not ACTIVE are a reset's: code apps and keys.
                String change = recovery.startExpiredChange(e.user());
                boolean factorFirst = !recoveryFactors(e.user().id()).isEmpty();
                AuthnTransaction t = newTransaction(e.user(), factorFirst ? AuthnTransaction.Status.MFA_REQUIRED
                                : AuthnTransaction.Status.PASSWORD_EXPIRED, factorFirst ? AuthnTransaction.Kind.EXPIRED : AuthnTransaction.Kind.SIGN_IN,
                        List.of(), now, relayState, change);
                String state = insert(t);
                yield show(t, state);
            }
            case Sessions.Check.LockedOut l when showLockoutFailures -> Result.of("LOCKED_OUT", null, null, null);
            default -> throw ApiError.of(ErrorCode.E0000004);
        };
    }

    /** {@code POST /api/v1/authn} with only a stateToken: the transaction's current state. */
    public Result state(String stateToken) {
        AuthnTransaction t = live(stateToken);
        return show(t, stateToken);
    }

    // ---- factors ----

    /**
     * {@code POST /api/v1/authn/factors/{factorId}/verify}: a TOTP code; an email factor's send (no passCode) or code; a
     * WebAuthn challenge (no signatureData) or assertion. A wrong code is Okta's error (E0000068) and the transaction stays
     * where it was, so the person may try again (within the per-user limit and the lockout, which count as everywhere).
     */
    public Result verify(EventContext ctx, String stateToken, String factorId, Map<String, String> body) {
        AuthnTransaction t = live(stateToken);
        requireStatus(t, AuthnTransaction.Status.MFA_REQUIRED, AuthnTransaction.Status.MFA_CHALLENGE);
        User user = users.get(t.userId());
        // Only the factors this state lists: a recovery is verified with a code app or a key, never email (the link came by email).
        List<Factor> offered = t.kind() != AuthnTransaction.Kind.SIGN_IN ? recoveryFactors(user.id()) : rules.usableFactors(user.id());
        Factor f = offered.stream().filter(x -> x.id().equals(factorId)).findFirst()
                .orElseThrow(() -> ApiError.notFound(factorId == null ? "" : factorId, "UserFactor"));
        EventContext as = ctx.as(actor(user));
        String binding = t.kind() != AuthnTransaction.Kind.SIGN_IN ? binding(t) : null;
        List<String> methods;
        if (f.email()) {
            String passCode = body.get("passCode");
            if (passCode == null) {
                email.challenge(as, user.id(), f.id(), null, null, EmailFactors.API_RESEND_WAIT);
                AuthnTransaction next = move(t, AuthnTransaction.Status.MFA_CHALLENGE, f.id(), t.amr(), t.factorVerified());
                return show(next, stateToken).factor(f, null, "CHALLENGE");
            }
            email.verify(as, user.id(), f.id(), passCode);
            methods = List.of("email");
        } else if (f.webAuthn()) {
            if (body.get("signatureData") == null) {
                String options = binding == null ? webAuthn.boundChallenge(user.id(), f.id(), signInBinding(t)).optionsJson()
                        : webAuthn.startRecoveryAssertion(user.id(), binding);
                AuthnTransaction next = move(t, AuthnTransaction.Status.MFA_CHALLENGE, f.id(), t.amr(), t.factorVerified());
                return show(next, stateToken).factor(f, new WebAuthnOptions(options, challengeOf(options)), "CHALLENGE");
            }
            String credentialId = f.credential() == null ? null : f.credential().credentialId();
            WebAuthn.Verified v = binding == null
                    ? webAuthn.finishBoundAssertion(as, user.id(), signInBinding(t), credentialId, body.get("clientData"),
                    body.get("authenticatorData"), body.get("signatureData"), body.get("userHandle"))
                    : webAuthn.finishRecoveryAssertion(as, user.id(), binding, credentialId, body.get("clientData"),
                    body.get("authenticatorData"), body.get("signatureData"), body.get("userHandle"));
            methods = v.amr();
        } else {
            if (binding == null) {
                factors.verify(as, user.id(), f.id(), body.get("passCode"));
            } else {
                factors.verifyForRecovery(as, user.id(), f.id(), body.get("passCode"));
            }
            methods = List.of("otp");
        }
        return proved(ctx, t, stateToken, user, methods);
    }

    /** {@code POST /api/v1/authn/factors}: enrolls one of the factors MFA_ENROLL offers; MFA_ENROLL_ACTIVATE with its activation. */
    public Result enroll(EventContext ctx, String stateToken, String factorType, String provider, String address) {
        AuthnTransaction t = live(stateToken);
        requireStatus(t, AuthnTransaction.Status.MFA_ENROLL);
        User user = users.get(t.userId());
        requireNoUnprovenFactor(t, user);
        String key = Factor.TOTP.equals(factorType) && Factor.GOOGLE.equals(provider) ? Authenticator.GOOGLE_OTP
                : Factor.EMAIL.equals(factorType) && Factor.OKTA.equals(provider) ? Authenticator.EMAIL
                : Factor.WEBAUTHN.equals(factorType) && Factor.FIDO.equals(provider) ? Authenticator.WEBAUTHN : null;
        if (key == null || !rules.enrollment(user.id()).containsKey(key)) {
            throw new ApiError(ErrorCode.E0000001, ErrorCode.E0000001.summary("factorType"), List.of(new ApiError.Cause("factorType",
                    "This factor cannot be enrolled now: enroll one of the factors listed in _embedded.factors (factorType and provider).")));
        }
        EventContext as = ctx.as(actor(user));
        return switch (key) {
            case Authenticator.GOOGLE_OTP -> {
                Factors.Enrollment e = factors.enroll(as, user.id(), Factor.TOTP, Factor.GOOGLE);
                AuthnTransaction next = move(t, AuthnTransaction.Status.MFA_ENROLL_ACTIVATE, e.factor().id(), t.amr(), t.factorVerified());
                yield show(next, stateToken).factor(e.factor(), new TotpActivation(e), null);
            }
            case Authenticator.EMAIL -> {
                if (address != null && !address.equalsIgnoreCase(user.profile().email())) {
                    throw ApiError.validation("profile.email", "The email factor uses the address in the user's profile.");
                }
                // An enrollment emailed within the resend wait is taken up again instead of emailing another: each enroll made
                // a new pending factor and sent at once, so an enroll/previous loop (the password alone) mailed the person
                // without limit. The wait is the one verify/resend keep (Okta's 5 seconds).
                Instant now = clock.instant();
                Factor f = factors.list(user.id()).stream().filter(x -> x.email() && x.status() == Factor.Status.PENDING_ACTIVATION
                                && x.created() != null && x.created().plus(EmailFactors.API_RESEND_WAIT).isAfter(now) && !x.expired(now))
                        .findFirst().orElseGet(() -> email.enroll(as, user.id(), null, false, null, null));
                AuthnTransaction next = move(t, AuthnTransaction.Status.MFA_ENROLL_ACTIVATE, f.id(), t.amr(), t.factorVerified());
                yield show(next, stateToken).factor(f, null, "WAITING");
            }
            default -> {
                WebAuthn.Registration r = webAuthn.startRegistration(as, user.id());
                AuthnTransaction next = move(t, AuthnTransaction.Status.MFA_ENROLL_ACTIVATE, r.factorId(), t.amr(), t.factorVerified());
                yield show(next, stateToken).factor(factors.get(user.id(), r.factorId()), new WebAuthnOptions(r.optionsJson(), null), null);
            }
        };
    }

    /** {@code POST /api/v1/authn/factors/{factorId}/lifecycle/activate}: the code (or attestation) that proves the new factor. */
    public Result activate(EventContext ctx, String stateToken, String factorId, Map<String, String> body) {
        AuthnTransaction t = live(stateToken);
        requireStatus(t, AuthnTransaction.Status.MFA_ENROLL_ACTIVATE);
        if (factorId == null || !factorId.equals(t.factorId())) {
            throw ApiError.notFound(factorId == null ? "" : factorId, "UserFactor");
        }
        User user = users.get(t.userId());
        requireNoUnprovenFactor(t, user);
        EventContext as = ctx.as(actor(user));
        Factor pending = factors.get(user.id(), factorId);
        List<String> methods;
        if (pending.email()) {
            email.activate(as, user.id(), factorId, body.get("passCode"));
            methods = List.of("email");
        } else if (pending.webAuthn()) {
            Factor f = webAuthn.finishRegistration(as, user.id(), factorId, body.get("clientData"), body.get("attestation"));
            methods = WebAuthn.amr(f.credential() != null && f.credential().backupEligible(), f.credential() != null && f.credential().userVerified());
        } else {
            factors.activate(as, user.id(), factorId, body.get("passCode"));
            methods = List.of("otp");
        }
        return proved(ctx, t, stateToken, user, methods);
    }

    /** {@code POST /api/v1/authn/factors/{factorId}/verify/resend} (email): a new code while MFA_CHALLENGE or ENROLL_ACTIVATE waits. */
    public Result resend(EventContext ctx, String stateToken, String factorId) {
        AuthnTransaction t = live(stateToken);
        requireStatus(t, AuthnTransaction.Status.MFA_CHALLENGE, AuthnTransaction.Status.MFA_ENROLL_ACTIVATE);
        if (factorId == null || !factorId.equals(t.factorId())) {
            throw ApiError.notFound(factorId == null ? "" : factorId, "UserFactor");
        }
        User user = users.get(t.userId());
        Factor f = factors.get(user.id(), factorId);
        if (!f.email()) {
            throw notAllowed("Only an email factor's code can be resent.");
        }
        email.challenge(ctx.as(actor(user)), user.id(), f.id(), null, null, EmailFactors.API_RESEND_WAIT);
        AuthnTransaction next = move(t, t.status(), f.id(), t.amr(), t.factorVerified());
        return show(next, stateToken).factor(f, null, t.status() == AuthnTransaction.Status.MFA_CHALLENGE ? "CHALLENGE" : "WAITING");
    }

    /** {@code POST /api/v1/authn/previous}: from a challenge or an activation back to the list it came from. */
    public Result previous(String stateToken) {
        AuthnTransaction t = live(stateToken);
        requireStatus(t, AuthnTransaction.Status.MFA_CHALLENGE, AuthnTransaction.Status.MFA_ENROLL_ACTIVATE);
        AuthnTransaction.Status back = t.status() == AuthnTransaction.Status.MFA_CHALLENGE ? AuthnTransaction.Status.MFA_REQUIRED
                : AuthnTransaction.Status.MFA_ENROLL;
        return show(move(t, back, null, t.amr(), t.factorVerified()), stateToken);
    }

    /** {@code POST /api/v1/authn/cancel}: the transaction ends; its stateToken is refused from now on. */
    public Result cancel(EventContext ctx, String stateToken) {
        AuthnTransaction t = live(stateToken);
        db.inTx(h -> {
            store.delete(h, t.id());
        });
        return new Result(null, null, null, null, t.relayState(), null, null, null, null, null, null, null, null);
    }

    // ---- passwords ----

    /** {@code POST /api/v1/authn/credentials/change_password} while PASSWORD_EXPIRED: the old password again, and a new one. */
    public Result changePassword(EventContext ctx, String stateToken, String oldPassword, String newPassword) {
        AuthnTransaction t = live(stateToken);
        requireStatus(t, AuthnTransaction.Status.PASSWORD_EXPIRED);
        User user = users.get(t.userId());
        if (!(sessions.check(ctx, user.profile().login(), oldPassword) instanceof Sessions.Check.PasswordExpired same)
                || !same.user().id().equals(user.id())) {
            throw new ApiError(ErrorCode.E0000014, ErrorCode.E0000014.summary(null),
                    List.of(new ApiError.Cause(null, "oldPassword: The credentials provided were incorrect.")));
        }
        User changed;
        try {
            // The factor proved in MFA_REQUIRED (Kind.EXPIRED) was recorded on the change's token: checked again there.
            changed = recovery.changeExpired(ctx.as(actor(user)), open(t), newPassword, !recoveryFactors(user.id()).isEmpty());
        } catch (PasswordRecovery.LinkInvalid | PasswordRecovery.FactorRequired e) {
            throw ApiError.of(ErrorCode.E0000011);
        } catch (ApiError e) {
            throw complexity(e);
        }
        // The change ended the user's sessions and pending transactions (this one too): the sign-in goes on afresh, with the
        // factor verified before the change (if any) still counted.
        return begin(ctx, changed, AuthnTransaction.Kind.SIGN_IN, Session.withMethods(List.of("pwd"), t.amr()), clock.instant(),
                t.relayState(), t.factorVerified());
    }

    /**
     * {@code POST /api/v1/authn/recovery/password}: "forgot password" by email. The same answer for every username (the
     * email goes out, if at all, after the answer: PasswordRecovery#requestReset), so it tells nothing.
     */
    public Result forgotPassword(EventContext ctx, String username, String factorType, String relayState) {
        checkRelayState(relayState);
        if (factorType != null && !"EMAIL".equals(factorType)) {
            throw ApiError.validation("factorType", "Gatehouse recovers passwords by EMAIL only.");
        }
        recovery.requestReset(ctx, username);
        return new Result("RECOVERY_CHALLENGE", null, null, null, relayState, null, null, null, null, "WAITING", null, "PASSWORD", "EMAIL");
    }

    /**
     * {@code POST /api/v1/authn/recovery/password} with an API token (Okta's "trusted application"): no email; the answer is
     * {@code RECOVERY} with the {@code recoveryToken} itself, which the server-side app delivers and then exchanges at
     * {@code /recovery/token}. An unknown username is 403 E0000095, as Okta answers a trusted caller.
     */
    public Result trustedRecovery(EventContext ctx, String username, String factorType, String relayState) {
        checkRelayState(relayState);
        if (factorType != null && !"EMAIL".equals(factorType)) {
            throw ApiError.validation("factorType", "Gatehouse recovers passwords by EMAIL only.");
        }
        String token = recovery.issueForTrustedApp(ctx, username).orElseThrow(() -> ApiError.of(ErrorCode.E0000095));
        return new Result("RECOVERY", null, clock.instant().plus(recovery.recoveryLifetime()), null, relayState, null, null, null, null,
                null, null, "PASSWORD", null).recoveryToken(token);
    }

    /**
     * {@code POST /api/v1/authn/recovery/token}: the token of a reset link starts a RECOVERY transaction: PASSWORD_RESET, or
     * first MFA_REQUIRED when the person has another factor (the hosted reset page's rule: it must be verified for this link).
     */
    public Result recoveryToken(EventContext ctx, String recoveryToken) {
        PasswordRecovery.Link link = (recoveryToken == null || recoveryToken.length() > 64 ? Optional.<PasswordRecovery.Link>empty()
                : recovery.check(recoveryToken)).orElseThrow(() -> {
            recovery.invalidTokenUsed(ctx);
            return ApiError.of(ErrorCode.E0000011);
        });
        User user = link.user();
        boolean needsFactor = !link.factorVerified() && !recoveryFactors(user.id()).isEmpty();
        AuthnTransaction t = newTransaction(user, needsFactor ? AuthnTransaction.Status.MFA_REQUIRED : AuthnTransaction.Status.PASSWORD_RESET,
                AuthnTransaction.Kind.RECOVERY, List.of(), clock.instant(), null, recoveryToken);
        String state = insert(t);
        return show(t, state);
    }

    /** {@code POST /api/v1/authn/credentials/reset_password} while PASSWORD_RESET: sets the new password, then signs in. */
    public Result resetPassword(EventContext ctx, String stateToken, String newPassword) {
        AuthnTransaction t = live(stateToken);
        requireStatus(t, AuthnTransaction.Status.PASSWORD_RESET);
        User user = users.get(t.userId());
        User changed;
        try {
            changed = recovery.reset(ctx.as(actor(user)), open(t), newPassword, !recoveryFactors(user.id()).isEmpty());
        } catch (PasswordRecovery.LinkInvalid | PasswordRecovery.FactorRequired e) {
            throw ApiError.of(ErrorCode.E0000011);
        } catch (ApiError e) {
            throw complexity(e);
        }
        List<String> amr = Session.withMethods(List.of("pwd"), t.amr());
        if (changed.status() != User.Status.ACTIVE) {
            return Result.of("UNAUTHENTICATED", null, null, changed);
        }
        // Okta signs the person in after a reset: the rest of the sign-in (a factor the policy asks) still applies.
        return begin(ctx, changed, AuthnTransaction.Kind.SIGN_IN, amr, clock.instant(), t.relayState(),
                t.factorVerified());
    }

    // ---- the machine ----

    /** A proof was accepted in transaction {@code t}: record it, then the next step (or SUCCESS). */
    private Result proved(EventContext ctx, AuthnTransaction t, String stateToken, User user, List<String> methods) {
        Instant now = clock.instant();
        List<String> amr = Session.withMethods(t.amr(), methods);
        if (t.kind() == AuthnTransaction.Kind.RECOVERY) {
            if (!recovery.factorVerified(open(t))) {
                throw ApiError.of(ErrorCode.E0000011);
            }
            return show(move(t, AuthnTransaction.Status.PASSWORD_RESET, null, amr, now), stateToken);
        }
        if (t.kind() == AuthnTransaction.Kind.EXPIRED) {
            if (!recovery.expiredFactorVerified(open(t))) {
                throw ApiError.of(ErrorCode.E0000011);
            }
            return show(move(t, AuthnTransaction.Status.PASSWORD_EXPIRED, null, amr, now), stateToken);
        }
        AuthnTransaction proved = new AuthnTransaction(t.id(), t.userId(), t.status(), t.kind(), amr, t.passwordVerified(), now, null,
                t.relayState(), null, null, t.created(), t.expires());
        return next(ctx, t, proved, stateToken, user);
    }

    /** Starts a transaction for a proven user (or answers SUCCESS at once when nothing more is asked). */
    private Result begin(EventContext ctx, User user, AuthnTransaction.Kind kind, List<String> amr, Instant now, String relayState,
                         Instant factorVerified) {
        AuthnTransaction t = new AuthnTransaction(ids.next(Ids.AUTHN), user.id(), AuthnTransaction.Status.MFA_REQUIRED, kind, amr, now,
                factorVerified, null, relayState, null, null, now, now.plus(LIFETIME));
        return next(ctx, null, t, null, user);
    }

    /**
     * The step after {@code proved} (the transaction as it now stands; {@code stored} its row as read, or null when none
     * exists yet): SUCCESS with a sessionToken when the policies ask nothing more, else MFA_REQUIRED or MFA_ENROLL.
     */
    private Result next(EventContext ctx, AuthnTransaction stored, AuthnTransaction proved, String stateToken, User user) {
        Step step = rules.next(user.id(), proved.amr().contains(Session.MFA), proved.factorVerified());
        Instant now = clock.instant();
        if (step == Step.DENIED) {
            db.inTx(h -> {
                if (stored != null) {
                    store.delete(h, stored.id());
                }
                log.record(h, ctx.as(actor(user)), SystemLog.Entry.failure("user.session.start", "User login to Okta", "POLICY_DENY")
                        .withDebug(Map.of("refused", "the global session policy denies this user")));
            });
            throw ApiError.of(ErrorCode.E0000004);
        }
        if (step == Step.NONE) {
            String token = db.tx(h -> {
                if (stored != null && !store.delete(h, stored.id())) {
                    return null;   // finished or cancelled meanwhile
                }
                return sessionTokens.issue(h, new SessionTokenStore.Grant(user.id(), proved.amr(), proved.passwordVerified(),
                        proved.factorVerified(), user.passwordChanged()), now);
            });
            if (token == null) {
                throw ApiError.of(ErrorCode.E0000011);
            }
            return new Result("SUCCESS", null, now.plus(SessionTokenStore.LIFETIME), user, proved.relayState(), null, null, null, null,
                    null, token, null, null);
        }
        // ENROLL for a person who already has a factor: that factor first (the hosted pages' rule: a new factor is enrolled only
        // after a fresh proof of the one they have), then the enrollment.
        boolean verifyFirst = step == Step.VERIFY || proved.factorVerified() == null && !rules.usableFactors(user.id()).isEmpty();
        AuthnTransaction.Status status = verifyFirst ? AuthnTransaction.Status.MFA_REQUIRED : AuthnTransaction.Status.MFA_ENROLL;
        if (stored == null) {
            AuthnTransaction t = new AuthnTransaction(proved.id(), proved.userId(), status, proved.kind(), proved.amr(),
                    proved.passwordVerified(), proved.factorVerified(), null, proved.relayState(), null, null, now, now.plus(LIFETIME));
            String state = insert(t);
            return show(t, state);
        }
        return show(move(stored, status, null, proved.amr(), proved.factorVerified()), stateToken);
    }

    /** The answer for a transaction in its state: the factors to verify, or to enroll, or the current factor. */
    private Result show(AuthnTransaction t, String stateToken) {
        User user = users.get(t.userId());
        Result r = Result.of(t.status().name(), stateToken, t, user);
        return switch (t.status()) {
            case MFA_REQUIRED -> r.factors(t.kind() != AuthnTransaction.Kind.SIGN_IN ? recoveryFactors(user.id()) : rules.usableFactors(user.id()));
            case MFA_ENROLL -> r.enrollable(rules.enrollment(user.id()));
            case MFA_CHALLENGE, MFA_ENROLL_ACTIVATE -> {
                Factor f = t.factorId() == null ? null : factors.list(user.id()).stream().filter(x -> x.id().equals(t.factorId()))
                        .findFirst().orElse(null);
                yield r.factor(f, null, t.status() == AuthnTransaction.Status.MFA_CHALLENGE ? "CHALLENGE" : "WAITING");
            }
            default -> r;
        };
    }

    /** The factors that can verify a password reset: TOTP codes and security keys (the hosted reset page's rule). */
    private List<Factor> recoveryFactors(String userId) {
        return rules.usableFactors(userId).stream().filter(f -> !f.email()).toList();
    }

    private AuthnTransaction newTransaction(User user, AuthnTransaction.Status status, AuthnTransaction.Kind kind, List<String> amr,
                                            Instant now, String relayState, String sealedSecret) {
        String id = ids.next(Ids.AUTHN);
        KeyEncryption.Sealed sealed = sealedSecret == null ? null : keys.seal(sealedSecret.getBytes(StandardCharsets.UTF_8), context(id));
        return new AuthnTransaction(id, user.id(), status, kind, amr, kind == AuthnTransaction.Kind.SIGN_IN ? now : null, null, null,
                relayState, sealed == null ? null : sealed.kekId(), sealed == null ? null : sealed.ciphertext(), now, now.plus(LIFETIME));
    }

    /** Stores a new transaction and answers its stateToken; the user's oldest ends when they already hold the most. */
    private String insert(AuthnTransaction t) {
        String state = "00" + ids.base62(STATE_TOKEN_LENGTH - 2);
        db.inTx(h -> {
            Instant now = clock.instant();
            store.deleteExpired(h, now);
            while (store.countLive(h, t.userId(), now) >= MAX_PER_USER) {
                store.deleteOldest(h, t.userId());
            }
            store.insert(h, t, state);
        });
        return state;
    }

    /**
     * Moves {@code t} on (a new 5 minutes, never past {@link #MAX_AGE} from its start); E0000079 when another call moved it
     * first.
     */
    private AuthnTransaction move(AuthnTransaction t, AuthnTransaction.Status status, String factorId, List<String> amr, Instant factorVerified) {
        Instant sliding = clock.instant().plus(LIFETIME);
        Instant expires = sliding.isAfter(t.created().plus(MAX_AGE)) ? t.created().plus(MAX_AGE) : sliding;
        AuthnTransaction to = new AuthnTransaction(t.id(), t.userId(), status, t.kind(), amr, t.passwordVerified(), factorVerified, factorId,
                t.relayState(), t.recoveryKek(), t.recoverySealed(), t.created(), expires);
        if (!db.tx(h -> store.update(h, t, to, expires))) {
            throw notAllowed("Another request moved this transaction on first.");
        }
        return to;
    }

    /** The live transaction a stateToken names; E0000011 for anything else (malformed, unknown, expired, ended). */
    private AuthnTransaction live(String stateToken) {
        if (stateToken == null || !STATE_SHAPE.matcher(stateToken).matches()) {
            throw ApiError.of(ErrorCode.E0000011);
        }
        return db.read(h -> store.find(h, stateToken, clock.instant())).orElseThrow(() -> ApiError.of(ErrorCode.E0000011));
    }

    /**
     * An enrollment step is open only while the person has no factor left unproven in this transaction: one that began
     * when they had none (MFA_ENROLL needs no proof then) stays open for as long as each step renews it, so a factor the
     * person set up meanwhile must be verified first (the rule {@link #next} applies when the step begins, and the hosted
     * pages' rule). Otherwise someone with only the password could add a factor of their own and sign in with it. The
     * transaction goes back to MFA_REQUIRED, so the client can go on with the factor the person has.
     */
    private void requireNoUnprovenFactor(AuthnTransaction t, User user) {
        if (t.factorVerified() != null || rules.usableFactors(user.id()).isEmpty()) {
            return;
        }
        AuthnTransaction.Status was = t.status();
        db.tx(h -> store.update(h, t, t.with(AuthnTransaction.Status.MFA_REQUIRED, null), clock.instant().plus(LIFETIME)));
        throw notAllowed("The transaction was " + was + ", but the user has set up a factor since: verify it first (MFA_REQUIRED).");
    }

    private static void requireStatus(AuthnTransaction t, AuthnTransaction.Status... allowed) {
        for (AuthnTransaction.Status s : allowed) {
            if (t.status() == s) {
                return;
            }
        }
        throw notAllowed("The transaction is " + t.status() + ".");
    }

    /** Okta's E0000079, with Okta's cause text; {@code why} (Gatehouse's detail) follows it. */
    private static ApiError notAllowed(String why) {
        return new ApiError(ErrorCode.E0000079, ErrorCode.E0000079.summary(null), List.of(
                new ApiError.Cause(null, ErrorCode.E0000079.summary(null) + " " + why)));
    }

    /**
     * A new password the policy refused: Okta's Authentication API answers E0000080 (403) with the policy's causes (its error
     * catalogue and okta-auth-js's fixture; the reference's examples show E0000014, see docs/okta/authn.md), where the
     * management API answers E0000001.
     */
    private static ApiError complexity(ApiError e) {
        if (e.code() != ErrorCode.E0000001) {
            return e;
        }
        return new ApiError(ErrorCode.E0000080, ErrorCode.E0000080.summary(null),
                e.causes().stream().map(c -> new ApiError.Cause(null, c.summary())).toList());
    }

    private static void checkRelayState(String relayState) {
        if (relayState != null && relayState.length() > 2048) {
            throw ApiError.validation("relayState", RELAY_MAX);
        }
    }

    /** The secret sealed in the row (the expired-password change's token, or the reset link's). */
    private String open(AuthnTransaction t) {
        if (t.recoverySealed() == null) {
            throw ApiError.of(ErrorCode.E0000011);
        }
        return new String(keys.open(new KeyEncryption.Sealed(t.recoveryKek(), t.recoverySealed()), context(t.id())), StandardCharsets.UTF_8);
    }

    /** The WebAuthn recovery challenge's binding: the reset link's hash, as the hosted reset page binds it. */
    private String binding(AuthnTransaction t) {
        return Hashes.sha256(open(t));
    }

    /**
     * A sign-in transaction's WebAuthn challenges are bound to it: an assertion over another transaction's challenge, the
     * Factors API's or the hosted page's is refused here (without it, any live challenge of the user was taken, even by
     * a transaction that never asked for one).
     */
    private static String signInBinding(AuthnTransaction t) {
        return Hashes.sha256(context(t.id()));
    }

    private static String context(String id) {
        return "authn-transaction:" + id;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    private static String challengeOf(String optionsJson) {
        try {
            return MAPPER.readTree(optionsJson).path("challenge").asText(null);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    private static Actor actor(User u) {
        return Actor.user(u.id(), u.profile().login(), u.profile().name());
    }
}
