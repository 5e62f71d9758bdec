package dev.gatehouse.directory;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.mail.Email;
import dev.gatehouse.mail.EmailTemplate;
import dev.gatehouse.mail.Mail;
import dev.gatehouse.storage.Database;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Activation (issue #19): Okta's welcome flow for a user without a password. An admin creates the user with
 * {@code activate=true} and no password, or activates a STAGED one, or reactivates a PROVISIONED one; the user is
 * PROVISIONED and gets a single-use link ({@link UserTokenStore}, purpose ACTIVATION, lifetime
 * {@code GATEHOUSE_ACTIVATION_LINK_DAYS}, Okta's 7 days by default) by email or, with {@code sendEmail=false}, in the
 * answer (Okta's {@code UserActivationToken}). The link's page ({@code /welcome/{token}}) sets the password, which makes
 * the user ACTIVE. The token, the status change, the events and the queued email always commit together.
 */
public final class Activations {

    /** The page the activation link opens (Okta's Classic path; the Identity Engine path {@code /tokens/{t}/verify} is an alias). */
    public static final String WELCOME = "/welcome/";

    /** Okta's event for a reactivation (its event types catalog: "Reactivate Okta user"). */
    static final String REACTIVATE = "user.lifecycle.reactivate";

    /** Okta's {@code UserActivationToken}: present only when the caller asked for the link ({@code sendEmail=false}). */
    public record Link(String activationUrl, String activationToken) {
    }

    /** Who a live activation link is for, as the welcome page shows it. */
    public record Welcome(String userId, String login, String name) {
    }

    /** The activation link is expired, used, replaced, malformed or unknown, or its user is no longer PROVISIONED. */
    public static final class InvalidLink extends RuntimeException {
        InvalidLink() {
            super("activation link no longer valid", null, false, false);
        }
    }

    private final Database db;
    private final UserStore store;
    private final Users users;
    private final PasswordHasher hasher;
    private final SystemLog log;
    private final UserTokenStore tokens;
    private final Mail mail;
    private final Clock clock;
    private final String baseUrl;
    private final Duration lifetime;

    public Activations(Database db, UserStore store, Users users, PasswordHasher hasher, SystemLog log, UserTokenStore tokens, Mail mail,
                       Clock clock, String baseUrl, Duration lifetime) {
        this.db = db;
        this.store = store;
        this.users = users;
        this.hasher = hasher;
        this.log = log;
        this.tokens = tokens;
        this.mail = mail;
        this.clock = clock;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.lifetime = lifetime;
    }

    /**
     * {@code POST /api/v1/users?activate=true} (and the console's "Activate now and send an activation email"): creates the
     * user; when it has no password it is PROVISIONED and the activation email is queued in the same transaction. Okta's
     * createUser has no {@code sendEmail} for this case: the email always goes.
     */
    public User create(EventContext ctx, Users.NewUser request) {
        return users.create(ctx, request, (h, user) -> {
            if (user.status() == User.Status.PROVISIONED) {
                issue(h, ctx, user, true);
            }
        });
    }

    /**
     * {@code POST /api/v1/users/{id}/lifecycle/activate?sendEmail=}: STAGED or DEPROVISIONED → ACTIVE for a user with a
     * password (nothing to send: Gatehouse returns {@code {}} then, a decision — Okta documents the token for that case
     * only for its Authentication API, which Gatehouse does not serve), PROVISIONED without one, with the link emailed or
     * returned. An ACTIVE user: Okta's 403 E0000016 "Activation failed because the user is already active"; another
     * status: the refusal {@link Lifecycle#ACTIVATE} has always given (Okta's answer for those is not documented).
     */
    public Optional<Link> activate(EventContext ctx, String id, boolean sendEmail) {
        User current = users.get(id);
        return db.tx(h -> {
            if (!store.changeStatus(h, current.id(), Lifecycle.ACTIVATE.from(), Lifecycle.ACTIVATE.to(), true, clock.instant())) {
                User now = store.find(h, current.id()).orElseThrow(() -> ApiError.notFound(id, "User"));
                if (now.status() == User.Status.ACTIVE) {
                    throw ApiError.of(ErrorCode.E0000016);   // Okta's answer for an ACTIVE user (docs/okta/email.md §1.3)
                }
                throw ApiError.validation("status", Lifecycle.ACTIVATE.refusal());
            }
            log.record(h, ctx, SystemLog.Entry.success(Lifecycle.ACTIVATE.eventType(), Lifecycle.ACTIVATE.displayMessage(),
                    Users.target(current)));
            User after = store.find(h, current.id()).orElseThrow();
            return after.status() == User.Status.PROVISIONED ? issue(h, ctx, after, sendEmail) : Optional.<Link>empty();
        });
    }

    /**
     * {@code POST /api/v1/users/{id}/lifecycle/reactivate?sendEmail=} (Okta's default false): a PROVISIONED user gets a new
     * link and the old one dies. Any other status is 403 E0000038 "This operation is not allowed in the user's current
     * status." (Okta's answer to a lifecycle operation the status forbids). Okta also allows RECOVERY, for a user without
     * a password who completes activation through the reset flow; Gatehouse's RECOVERY users (admin reset_password) all
     * have a password and already hold a reset link, so reactivating them is refused too (a decision: re-sending the
     * reset link is reset_password again; docs/okta/email.md §1.4).
     */
    public Optional<Link> reactivate(EventContext ctx, String id, boolean sendEmail) {
        User current = users.get(id);
        return db.tx(h -> {
            if (!store.lock(h, current.id())) {
                throw ApiError.notFound(id, "User");
            }
            User locked = store.find(h, current.id()).orElseThrow();
            if (locked.status() != User.Status.PROVISIONED) {
                throw ApiError.of(ErrorCode.E0000038);
            }
            log.record(h, ctx, SystemLog.Entry.success(REACTIVATE, "Reactivate Okta user", Users.target(locked)));
            return issue(h, ctx, locked, sendEmail);
        });
    }

    /** A new token (the user's earlier link ends), emailed or returned. */
    private Optional<Link> issue(Handle h, EventContext ctx, User user, boolean sendEmail) {
        String token = tokens.issue(h, user.id(), UserTokenStore.Purpose.ACTIVATION, clock.instant(), lifetime);
        String url = baseUrl + WELCOME + token;
        if (!sendEmail) {
            return Optional.of(new Link(url, token));
        }
        String email = user.profile().email();
        mail.send(h, ctx, new Email(EmailTemplate.UserActivation, email == null || email.isBlank() ? user.profile().login() : email,
                user.profile().name(), user.id(), Map.of("activationLink", url, "activationToken", token)));
        return Optional.empty();
    }

    /** Who the link is for, without using it up (a mail scanner fetching the link changes nothing). */
    public Optional<Welcome> peek(String token) {
        return db.read(h -> tokens.peek(h, token, UserTokenStore.Purpose.ACTIVATION, clock.instant())
                .flatMap(live -> store.find(h, live.userId()))
                .filter(u -> u.status() == User.Status.PROVISIONED)
                .map(u -> new Welcome(u.id(), u.profile().login(), u.profile().name())));
    }

    /** The rules a new password must meet, one per line, as the welcome page lists them. */
    public List<String> passwordRules() {
        PasswordPolicy p = users.passwordPolicy();
        List<String> rules = new java.util.ArrayList<>(List.of(p.requirements().split(", ")));
        if (p.commonPasswordCheck()) {
            rules.add("not a commonly used password");
        }
        rules.add("at most " + p.maxLength() + " characters");
        return rules;
    }

    /**
     * The welcome page's post: checks the password against the policy first (a broken rule leaves the link usable: 400
     * E0000001 with the causes), then in one transaction uses the link up, sets the password and makes the PROVISIONED
     * user ACTIVE. Of two concurrent posts exactly one wins ({@link UserTokenStore#consume}); the other, and a link that is
     * no longer good, get {@link InvalidLink} with nothing changed. Events: {@code user.account.update_password} (Okta
     * writes it when a person sets their password, activation included) and {@code user.lifecycle.activate} for the
     * PROVISIONED → ACTIVE step (real orgs log a reactivation that reaches ACTIVE so: docs/okta/email.md §1.4, §5).
     */
    public User complete(EventContext ctx, String token, String password) {
        Welcome who = peek(token).orElseThrow(InvalidLink::new);
        List<ApiError.Cause> broken = users.passwordPolicy().check(password == null ? "" : password, who.login());
        if (!broken.isEmpty()) {
            throw ApiError.validation(broken);
        }
        String hash = hasher.hash(password);
        return db.tx(h -> {
            var live = tokens.consume(h, token, UserTokenStore.Purpose.ACTIVATION, clock.instant());
            if (live.isEmpty() || !store.lock(h, live.get().userId())) {
                throw new InvalidLink();
            }
            User user = store.find(h, live.get().userId()).orElseThrow(InvalidLink::new);
            if (user.status() != User.Status.PROVISIONED) {
                throw new InvalidLink();   // rolls the consumption back too: nothing changed
            }
            store.setPassword(h, user.id(), hash, clock.instant());   // PROVISIONED → ACTIVE in the same statement
            log.record(h, ctx.as(dev.gatehouse.syslog.Actor.user(user.id(), user.profile().login(), user.profile().name())),
                    SystemLog.Entry.success("user.account.update_password", "User update password for Okta", Users.target(user))
                            .withDebug(Map.of("activation", true)));
            log.record(h, ctx.as(dev.gatehouse.syslog.Actor.user(user.id(), user.profile().login(), user.profile().name())),
                    SystemLog.Entry.success(Lifecycle.ACTIVATE.eventType(), Lifecycle.ACTIVATE.displayMessage(), Users.target(user)));
            return store.find(h, user.id()).orElseThrow();
        });
    }
}
