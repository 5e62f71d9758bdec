package dev.gatehouse.sessions;

import dev.gatehouse.directory.PasswordRecovery;
import dev.gatehouse.directory.User;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.http.Csrf;
import dev.gatehouse.http.Edge;
import dev.gatehouse.http.HttpServer;
import dev.gatehouse.http.Pages;
import dev.gatehouse.http.Routes;
import dev.gatehouse.storage.Hashes;
import dev.gatehouse.syslog.Actor;
import dev.gatehouse.syslog.EventContext;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The hosted password recovery pages (issue #19), all without a session: "Forgot password?" ({@code /signin/forgot-password},
 * Okta Identity Engine's path), the reset link's page ({@code /reset_password/{token}}, Okta's {@code resetPasswordUrl};
 * Okta's newer {@code /signin/reset-password/{token}} leads there), and the "your password has expired" form a sign-in
 * with the right, expired password gets. A person with a code app or a security key verifies it before choosing a new
 * password on either (Okta's recovery rule, and "Users are challenged for MFA (MFA_REQUIRED) before PASSWORD_EXPIRED if
 * they have an active Factor enrollment"): the same step, its proof recorded on that form's own token. Every form goes
 * through {@link Csrf}. A link's token is a secret: the access
 * log and the System Log see the path with {@code {token}} in its place, and every page is sent with
 * {@code Referrer-Policy: no-referrer} (SecurityHeaders), so no link leaks to another site.
 */
public final class RecoveryPages implements Routes {

    public static final String FORGOT = SignInPages.FORGOT_PASSWORD;
    public static final String RESET = "/reset_password/{token}";
    public static final String RESET_VERIFY = "/reset_password/{token}/verify";
    public static final String RESET_VERIFY_KEY = "/reset_password/{token}/verify/webauthn";
    public static final String OKTA_RESET = "/signin/reset-password/{token}";
    public static final String EXPIRED = "/signin/password-expired";
    public static final String EXPIRED_VERIFY = "/signin/password-expired/verify";
    public static final String EXPIRED_VERIFY_KEY = "/signin/password-expired/verify/webauthn";

    /** One of the person's factors they can verify on the reset page (a TOTP factor: its id and name). */
    public record Choice(String factorId, String name) {
    }

    /**
     * The person's other factors: the TOTP ones to verify here, whether they have a security key or passkey (WebAuthn)
     * to verify here, and whether they have any at all.
     */
    public record OtherFactors(List<Choice> totp, boolean keys, boolean any) {
        /** Without WebAuthn (the earlier shape, kept for callers that know none). */
        public OtherFactors(List<Choice> totp, boolean any) {
            this(totp, false, any);
        }
    }

    /** Verifies a TOTP code for a recovery (mfa/Factors#verifyForRecovery); throws {@link ApiError} when refused. */
    @FunctionalInterface
    public interface RecoveryVerifier {
        void verify(EventContext ctx, String userId, String factorId, String passCode);
    }

    /**
     * A security key or passkey as a recovery factor (mfa/WebAuthn#startRecoveryAssertion and #finishRecoveryAssertion):
     * assertion options bound to the recovery link ({@code binding}, the SHA-256 of its token), and the check of the
     * browser's assertion against them; {@link ApiError} when refused.
     */
    public interface RecoveryKeys {
        String options(String userId, String binding);

        void verify(EventContext ctx, String userId, String binding, String credentialId, String clientDataJson,
                    String authenticatorData, String signature, String userHandle);
    }

    /** The model of {@code sessions/recovery.jte}; {@code mode} picks the form. */
    public record RecoveryPage(String orgName, String mode, String error, String username, String action, String csrf,
                               String state, String fromUri, String policy, List<Choice> factors, long minutes, String keyOptions) {
        RecoveryPage withKeyOptions(String options) {
            return new RecoveryPage(orgName, mode, error, username, action, csrf, state, fromUri, policy, factors, minutes, options);
        }

        /** The page belongs to an expired password's change at sign-in (its forms carry the state), not to a reset link. */
        public boolean expiredPassword() {
            return state != null;
        }
    }

    /**
     * The form a factor step and a new password belong to: a reset link (its token in the path) or the change an expired
     * password asks for at sign-in (its PASSWORD_EXPIRED-purpose token in the form's {@code state}, with {@code fromURI}).
     * Both take the same proof of another factor, recorded on their own token.
     */
    private record Flow(boolean expired, String token, PasswordRecovery.Link link, String fromUri) {
        /** Where the new password is posted. */
        String action() {
            return expired ? EXPIRED : "/reset_password/" + token;
        }

        /** The form's state field (the expired-password token), or null for a reset link (the token is in the path). */
        String state() {
            return expired ? token : null;
        }

        User user() {
            return link.user();
        }
    }

    private final PasswordRecovery recovery;
    private final Sessions sessions;
    private final SignInPages signIn;
    private final Csrf csrf;
    private final Pages pages;
    private final String orgName;
    private final Function<String, OtherFactors> otherFactors;
    private final RecoveryVerifier verifier;
    private final RecoveryKeys keys;

    public RecoveryPages(PasswordRecovery recovery, Sessions sessions, SignInPages signIn, Csrf csrf, Pages pages, String orgName,
                         Function<String, OtherFactors> otherFactors, RecoveryVerifier verifier) {
        this(recovery, sessions, signIn, csrf, pages, orgName, otherFactors, verifier, null);
    }

    /** @param keys security keys and passkeys as a recovery factor; null: none offered (a person with only one is blocked) */
    public RecoveryPages(PasswordRecovery recovery, Sessions sessions, SignInPages signIn, Csrf csrf, Pages pages, String orgName,
                         Function<String, OtherFactors> otherFactors, RecoveryVerifier verifier, RecoveryKeys keys) {
        this.recovery = recovery;
        this.sessions = sessions;
        this.signIn = signIn;
        this.csrf = csrf;
        this.pages = pages;
        this.orgName = orgName;
        this.otherFactors = otherFactors;
        this.verifier = verifier;
        this.keys = keys;
    }

    @Override
    public void register(RoutesConfig r) {
        r.get(FORGOT, this::showForgot);
        r.post(FORGOT, this::forgot);
        r.get(OKTA_RESET, ctx -> ctx.redirect("/reset_password/" + ctx.pathParam("token"), HttpStatus.FOUND));
        r.get(RESET, this::showReset);
        r.post(RESET, this::reset);
        r.post(RESET_VERIFY, ctx -> verifyFactor(ctx, false));
        r.post(RESET_VERIFY_KEY, ctx -> verifyKey(ctx, false));
        r.post(EXPIRED, this::changeExpired);
        r.post(EXPIRED_VERIFY, ctx -> verifyFactor(ctx, true));
        r.post(EXPIRED_VERIFY_KEY, ctx -> verifyKey(ctx, true));
    }

    // ---- Forgot password? ----

    void showForgot(Context ctx) {
        String hint = ctx.queryParam("username");
        render(ctx, 200, page("forgot", null, hint == null || hint.length() > Sessions.MAX_USERNAME ? "" : hint, FORGOT, null, "/", List.of()));
    }

    /**
     * Always the same answer, whether the account exists, is inactive or has no email (same status, same page apart from
     * the echoed username): the lookup, the transaction and the System Log event happen for every login; sending is
     * asynchronous (the outbox), so a known login costs no more time here than an unknown one.
     */
    void forgot(Context ctx) {
        String username = ctx.formParam("username");
        if (username == null || username.isBlank()) {
            render(ctx, 400, page("forgot", "Enter your username.", "", FORGOT, null, "/", List.of()));
            return;
        }
        recovery.requestReset(Edge.event(ctx, Actor.anonymous()), username.strip());
        render(ctx, 200, page("sent", null, username.length() > Sessions.MAX_USERNAME ? "" : username, FORGOT, null, "/", List.of()));
    }

    /** Shown for a refused post of the forgot-password form ({@link Csrf}): the form again, nothing sent. 403 is set. */
    public void forgotExpired(Context ctx) {
        render(ctx, 403, page("forgot", "This form expired. Please try again.", "", FORGOT, null, "/", List.of()));
    }

    /** The rate limiter's answer to the forgot-password form (429 set): the form again with a message; nothing sent. */
    public void tooMany(Context ctx) {
        render(ctx, 429, page("forgot", "Too many password reset requests. Wait a few minutes, then try again.", "", FORGOT, null, "/", List.of()));
    }

    // ---- the reset link ----

    void showReset(Context ctx) {
        live(ctx, false).ifPresent(flow -> renderStep(ctx, 200, flow, null));
    }

    /**
     * The factor step when one is due (the person has a code app or a key and has not verified it for this form's token),
     * else the new password form: the reset link's, or the expired password's.
     */
    private void renderStep(Context ctx, int status, Flow flow, String error) {
        String login = flow.user().profile().login();
        OtherFactors other = otherFactors.apply(flow.user().id());
        if (other.any() && !flow.link().factorVerified()) {
            String keyOptions = keyOptions(flow.user().id(), flow.token(), other);
            if (other.totp().isEmpty() && keyOptions == null) {
                // Nothing this page can verify (no key challenge could be made): no new password without the factor (fail closed).
                render(ctx, 403, page("blocked", null, login, flow.action(), flow.state(), flow.fromUri(), List.of()));
                return;
            }
            render(ctx, status, page("factor", error, login, flow.action() + "/verify", flow.state(), flow.fromUri(), other.totp())
                    .withKeyOptions(keyOptions));
            return;
        }
        render(ctx, status, page(flow.expired() ? "expired" : "password", error, login, flow.action(), flow.state(), flow.fromUri(),
                List.of()));
    }

    /** A TOTP code for the factor step of a reset link ({@code expired} false) or of an expired password's change. */
    void verifyFactor(Context ctx, boolean expired) {
        Optional<Flow> live = live(ctx, expired);
        if (live.isEmpty()) {
            return;
        }
        Flow flow = live.get();
        OtherFactors other = otherFactors.apply(flow.user().id());
        String factorId = ctx.formParam("factorId");
        if (factorId == null || other.totp().stream().noneMatch(c -> c.factorId().equals(factorId))) {
            renderStep(ctx, 400, flow, "Choose one of your security methods.");
            return;
        }
        try {
            verifier.verify(event(ctx, flow.user()), flow.user().id(), factorId, ctx.formParam("passCode"));
        } catch (ApiError e) {
            renderStep(ctx, e.code().status(), flow, e.code().status() == 429
                    ? "Too many codes were tried. Wait a few minutes, then try again."
                    : "That code did not verify you. Enter the current code from your authenticator app.");
            return;
        }
        verified(ctx, flow);
    }

    /**
     * Assertion options for the person's security keys and passkeys, bound to this form's token; null when they have none
     * or the challenge cannot be made (the webauthn authenticator deactivated meanwhile). Each showing of the factor step
     * makes a new challenge, replacing the user's earlier recovery challenge (one per user: no growth).
     */
    private String keyOptions(String userId, String token, OtherFactors other) {
        if (!other.keys() || keys == null) {
            return null;
        }
        try {
            return keys.options(userId, binding(token));
        } catch (ApiError e) {
            return null;
        }
    }

    /**
     * The live form a request names (the reset link's token from the path, or the expired-password form's from its
     * {@code state} field), or empty after answering with the "no longer valid" page (every handler's first step).
     */
    private Optional<Flow> live(Context ctx, boolean expired) {
        if (expired) {
            String state = ctx.formParam("state");
            String fromUri = ctx.formParam("fromURI") == null ? "/" : ctx.formParam("fromURI");
            Optional<Flow> flow = recovery.checkExpired(state).map(l -> new Flow(true, state, l, fromUri));
            if (flow.isEmpty()) {
                invalid(ctx);
            }
            return flow;
        }
        String token = ctx.pathParam("token");
        Optional<Flow> flow = recovery.check(token).map(l -> new Flow(false, token, l, "/"));
        if (flow.isEmpty()) {
            invalid(ctx);
        }
        return flow;
    }

    /** What a recovery challenge is bound to: the form's token as stored (its SHA-256), never the token itself. */
    private static String binding(String token) {
        return Hashes.sha256(token);
    }

    /** The browser's assertion for one of the person's security keys or passkeys (webauthn.js posted it), for this form. */
    void verifyKey(Context ctx, boolean expired) {
        Optional<Flow> live = live(ctx, expired);
        if (live.isEmpty()) {
            return;
        }
        Flow flow = live.get();
        User user = flow.user();
        if (keys == null || !otherFactors.apply(user.id()).keys()) {
            renderStep(ctx, 400, flow, "Choose one of your security methods.");
            return;
        }
        try {
            keys.verify(event(ctx, user), user.id(), binding(flow.token()), ctx.formParam("credentialId"), ctx.formParam("clientDataJSON"),
                    ctx.formParam("authenticatorData"), ctx.formParam("signature"), ctx.formParam("userHandle"));
        } catch (ApiError e) {
            renderStep(ctx, e.code().status(), flow, switch (e.code()) {
                case E0000069 -> "Your account is locked after too many failed attempts. Ask your administrator to unlock it.";
                case E0000047 -> "Too many attempts. Wait a few minutes, then try again.";
                default -> "Your security key or passkey could not be verified. Try again, or use another security method.";
            });
            return;
        }
        verified(ctx, flow);
    }

    /**
     * The factor was accepted: the proof is recorded on the form's token, then the new password form. A reset link's page
     * is shown again by its own address (303); the expired-password form has no address of its own (its token never goes
     * in a URL), so it is shown at once.
     */
    private void verified(Context ctx, Flow flow) {
        boolean recorded = flow.expired() ? recovery.expiredFactorVerified(flow.token()) : recovery.factorVerified(flow.token());
        if (!recorded) {
            invalid(ctx);
            return;
        }
        if (flow.expired()) {
            renderStep(ctx, 200, new Flow(true, flow.token(), new PasswordRecovery.Link(flow.user(), true), flow.fromUri()), null);
            return;
        }
        ctx.redirect(flow.action(), HttpStatus.SEE_OTHER);
    }

    void reset(Context ctx) {
        Optional<Flow> live = live(ctx, false);
        if (live.isEmpty()) {
            return;
        }
        Flow flow = live.get();
        String password = ctx.formParam("password");
        if (password == null || !password.equals(ctx.formParam("confirm"))) {
            renderStep(ctx, 400, flow, "The two passwords do not match.");
            return;
        }
        OtherFactors other = otherFactors.apply(flow.user().id());
        User done;
        try {
            done = recovery.reset(event(ctx, flow.user()), flow.token(), password, other.any());
        } catch (ApiError e) {
            renderStep(ctx, 400, flow, causes(e));
            return;
        } catch (PasswordRecovery.FactorRequired e) {
            renderStep(ctx, 403, flow, "Verify it's you with your security method first.");
            return;
        } catch (PasswordRecovery.LinkInvalid e) {
            invalid(ctx);
            return;
        }
        start(ctx, done, amr(other), "/");
    }

    /**
     * What the person proved besides the new password: the proof on the token row does not say which factor it was, so
     * "otp" only when a TOTP code was the only way (no key offered); with a key offered the session claims "pwd" alone
     * (under-claiming is safe: a policy that wants a second factor asks for one again).
     */
    private static List<String> amr(OtherFactors other) {
        List<String> amr = new ArrayList<>(List.of("pwd"));
        if (other.any() && !other.keys()) {
            amr.add("otp");
        }
        return amr;
    }

    // ---- expired password at sign-in ----

    /**
     * Answers a sign-in with the right password of a PASSWORD_EXPIRED user: a form bound to this attempt (a
     * PASSWORD_EXPIRED-purpose token). Okta challenges a person with an active factor enrollment for it before
     * PASSWORD_EXPIRED, so a person with a code app or a key verifies it first (the reset link's step, on this form's
     * token); anyone else gets the change form at once.
     */
    public void showExpired(Context ctx, User user, String fromUri) {
        String state = recovery.startExpiredChange(user);
        renderStep(ctx, 200, new Flow(true, state, new PasswordRecovery.Link(user, false), fromUri), null);
    }

    void changeExpired(Context ctx) {
        Optional<Flow> live = live(ctx, true);
        if (live.isEmpty()) {
            return;
        }
        Flow flow = live.get();
        String password = ctx.formParam("password");
        if (password == null || !password.equals(ctx.formParam("confirm"))) {
            renderStep(ctx, 400, flow, "The two passwords do not match.");
            return;
        }
        OtherFactors other = otherFactors.apply(flow.user().id());
        User done;
        try {
            done = recovery.changeExpired(event(ctx, flow.user()), flow.token(), password, other.any());
        } catch (ApiError e) {
            renderStep(ctx, 400, flow, causes(e));
            return;
        } catch (PasswordRecovery.FactorRequired e) {
            renderStep(ctx, 403, flow, "Verify it's you with your security method first.");
            return;
        } catch (PasswordRecovery.LinkInvalid e) {
            invalid(ctx);
            return;
        }
        // Signed in with the password just chosen (and the factor, if one was verified); any second factor the policies
        // ask for is asked next, as after /signin.
        start(ctx, done, amr(other), flow.fromUri());
    }

    // ---- shared ----

    private void start(Context ctx, User user, List<String> amr, String target) {
        Optional<Sessions.Started> started = sessions.startAfterRecovery(event(ctx, user), user, amr);
        if (started.isEmpty()) {
            ctx.redirect("/signin", HttpStatus.SEE_OTHER);
            return;
        }
        signIn.signedIn(ctx, started.get(), user.profile().login(), target);
    }

    /** An unknown, used, expired or tampered link: a clear page that offers to start again; nothing changed. */
    private void invalid(Context ctx) {
        if (ctx.method() == io.javalin.http.HandlerType.POST) {
            recovery.invalidTokenUsed(new EventContext(Actor.anonymous(), ctx.ip(), ctx.header("User-Agent"), Edge.requestId(ctx),
                    HttpServer.loggedPath(ctx.path())));
        }
        render(ctx, 410, page("invalid", null, "", FORGOT, null, "/", List.of()));
    }

    private RecoveryPage page(String mode, String error, String username, String action, String state, String fromUri, List<Choice> factors) {
        return new RecoveryPage(orgName, mode, error, username == null ? "" : username, action, null, state, fromUri,
                recovery.policy().formHelp(), factors, recovery.recoveryLifetime().toMinutes(), null);
    }

    private void render(Context ctx, int status, RecoveryPage page) {
        ctx.status(status);
        pages.render(ctx, "sessions/recovery.jte", new RecoveryPage(page.orgName(), page.mode(), page.error(), page.username(),
                page.action(), csrf.token(ctx), page.state(), page.fromUri(), page.policy(), page.factors(), page.minutes(), page.keyOptions()));
    }

    private static String causes(ApiError e) {
        return e.causes().isEmpty() ? e.getMessage()
                : String.join(" ", e.causes().stream().map(ApiError.Cause::message).toList());
    }

    /** The event's context without the token: the path as the access log writes it. */
    private static EventContext event(Context ctx, User user) {
        return new EventContext(Actor.user(user.id(), user.profile().login(), user.profile().name()), ctx.ip(),
                ctx.header("User-Agent"), Edge.requestId(ctx), HttpServer.loggedPath(ctx.path()));
    }
}
