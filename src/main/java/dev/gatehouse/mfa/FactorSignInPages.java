package dev.gatehouse.mfa;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.http.Csrf;
import dev.gatehouse.http.Edge;
import dev.gatehouse.http.Pages;
import dev.gatehouse.http.Routes;
import dev.gatehouse.sessions.SessionCookie;
import dev.gatehouse.sessions.Sessions;
import dev.gatehouse.sessions.SignInPages;
import dev.gatehouse.syslog.EventContext;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The hosted sign-in's second step: a signed-in person verifies a second factor ({@code /signin/verify}) or enrolls one
 * ({@code /signin/enroll}) because an app's sign-in policy, the global session policy, the enrollment policy or the
 * client's {@code acr_values} asks for it; then goes on to {@code fromURI} (usually the same /authorize request) under the
 * sign-in page's return-target rules. Every form goes through the one CSRF filter; the session's cookie gets a new value
 * after each verification (Sessions.verifiedFactor), so a cookie from before the step-up does not carry its strength.
 */
public final class FactorSignInPages implements Routes {

    public static final String VERIFY = "/signin/verify";
    public static final String ENROLL = "/signin/enroll";
    public static final String ENROLL_TOTP = "/signin/enroll/google_otp";
    public static final String ACTIVATE_TOTP = "/signin/enroll/google_otp/activate";
    public static final String VERIFY_WEBAUTHN = "/signin/verify/webauthn";
    public static final String ENROLL_WEBAUTHN = "/signin/enroll/webauthn";
    public static final String ACTIVATE_WEBAUTHN = "/signin/enroll/webauthn/activate";
    public static final String SEND_EMAIL = "/signin/verify/okta_email/send";
    public static final String ENROLL_EMAIL = "/signin/enroll/okta_email";
    public static final String ACTIVATE_EMAIL = "/signin/enroll/okta_email/activate";
    public static final String RESEND_EMAIL = "/signin/enroll/okta_email/resend";
    public static final String EMAIL_LINK = EmailFactors.LINK_PATH + "{token}";

    /**
     * How recent the proof must be to enroll a new factor in an existing session: a second factor verified this recently
     * when the person already has one, else the password (issue #18: "enrollment of a new factor in an existing session
     * requires a fresh factor"), so a borrowed, unlocked browser cannot add an attacker's phone to someone's account.
     */
    public static final Duration ENROLL_FRESHNESS = Duration.ofMinutes(15);

    /**
     * One security method the person can verify with: the model's row. A TOTP factor is one method each; the person's
     * WebAuthn credentials are one method together ({@code factorId} null), whose assertion options ({@code options})
     * let the browser offer any of them.
     */
    public record Method(String factorId, String key, String name, String options) {
    }

    /**
     * The model of {@code mfa/verify.jte}. {@code emailSent}: the email factor whose code was just sent (its code form is
     * shown instead of its "Send me a code" button), else null; {@code notice}: a status line ("We sent a code…").
     */
    public record VerifyPage(String orgName, String login, List<Method> methods, String fromUri, String csrf, String error, String emailSent,
                             String notice) {
    }

    /** The model of {@code mfa/enroll-email.jte}: the pending factor, the address, and a status line. */
    public record EmailPage(String orgName, String login, String factorId, String email, String fromUri, String csrf, String error,
                            String notice) {
    }

    /** The model of {@code mfa/email-link.jte}: why the link did nothing, and where to start again. */
    public record EmailLinkPage(String orgName, String title, String message, String again) {
    }

    /** One authenticator the person can set up now. */
    public record Choice(String key, String name, String description, String action) {
    }

    /** The model of {@code mfa/enroll.jte}. */
    public record EnrollPage(String orgName, String login, List<Choice> choices, String fromUri, String csrf, String error) {
    }

    /** The model of {@code mfa/enroll-webauthn.jte}: the registration options for the browser, or an error after a refusal. */
    public record WebAuthnPage(String orgName, String login, String factorId, String options, String fromUri, String csrf, String error) {
    }

    /** The model of {@code mfa/enroll-totp.jte}: the QR code and the secret are present only right after enrollment. */
    public record TotpPage(String orgName, String login, String factorId, String qrDataUri, String secretGroups, String fromUri,
                           String csrf, String error) {
    }

    private final Factors factors;
    private final Authenticators authenticators;
    private final Sessions sessions;
    private final SessionCookie cookie;
    private final SignInPages signIn;
    private final Csrf csrf;
    private final Pages pages;
    private final String orgName;
    private final java.util.function.Function<String, List<String>> enrollable;
    private final WebAuthn webAuthn;
    private final EmailFactors email;

    /** @param enrollable the authenticator keys a person may set up now (the enrollment policy, what they have) */
    public FactorSignInPages(Factors factors, WebAuthn webAuthn, EmailFactors email, Authenticators authenticators, Sessions sessions, SessionCookie cookie,
                             SignInPages signIn, Csrf csrf, Pages pages, String orgName,
                             java.util.function.Function<String, List<String>> enrollable) {
        this.webAuthn = webAuthn;
        this.email = email;
        this.enrollable = enrollable;
        this.factors = factors;
        this.authenticators = authenticators;
        this.sessions = sessions;
        this.cookie = cookie;
        this.signIn = signIn;
        this.csrf = csrf;
        this.pages = pages;
        this.orgName = orgName;
    }

    @Override
    public void register(RoutesConfig r) {
        r.get(VERIFY, this::showVerify);
        r.post(VERIFY, this::verify);
        r.get(ENROLL, this::showEnroll);
        r.post(ENROLL_TOTP, this::enrollTotp);
        r.post(ACTIVATE_TOTP, this::activateTotp);
        r.post(VERIFY_WEBAUTHN, this::verifyWebAuthn);
        r.post(ENROLL_WEBAUTHN, this::enrollWebAuthn);
        r.post(ACTIVATE_WEBAUTHN, this::activateWebAuthn);
        r.post(SEND_EMAIL, this::sendEmail);
        r.post(ENROLL_EMAIL, this::enrollEmail);
        r.post(ACTIVATE_EMAIL, this::activateEmail);
        r.post(RESEND_EMAIL, this::resendEmail);
        r.get(EMAIL_LINK, this::emailLink);
    }

    // ---- verify ----

    void showVerify(Context ctx) {
        Optional<Sessions.Current> current = signedIn(ctx);
        if (current.isEmpty()) {
            return;
        }
        String fromUri = fromUri(ctx);
        List<Method> methods = methods(current.get());
        if (methods.isEmpty()) {
            ctx.redirect(ENROLL + "?fromURI=" + enc(fromUri), HttpStatus.FOUND);
            return;
        }
        renderVerify(ctx, 200, current.get(), methods, fromUri, null);
    }

    void verify(Context ctx) {
        Optional<Sessions.Current> current = signedIn(ctx);
        if (current.isEmpty()) {
            return;
        }
        String fromUri = fromUri(ctx);
        String factorId = ctx.formParam("factorId");
        List<Method> methods = methods(current.get());
        if (factorId == null || methods.stream().noneMatch(m -> factorId.equals(m.factorId()))) {
            renderVerify(ctx, 400, current.get(), methods, fromUri, "Choose one of your security methods.");
            return;
        }
        boolean byEmail = methods.stream().anyMatch(m -> factorId.equals(m.factorId()) && m.key().equals(Authenticator.EMAIL));
        try {
            if (byEmail) {
                email.verify(event(ctx, current.get()), current.get().user().id(), factorId, ctx.formParam("passCode"));
            } else {
                factors.verify(event(ctx, current.get()), current.get().user().id(), factorId, ctx.formParam("passCode"));
            }
        } catch (ApiError e) {
            renderVerify(ctx, e.code().status(), current.get(), methods, fromUri, byEmail ? emailMessage(e) : message(e),
                    byEmail ? factorId : null, null);
            return;
        }
        // amr "email" for the email authenticator (as Okta's ID tokens show it), "otp" for an app's code.
        stepUp(ctx, current.get(), List.of(byEmail ? "email" : "otp"), fromUri);
    }

    /** "Send me a code": a new code and link to the person's email factor, bound to this session. */
    void sendEmail(Context ctx) {
        Optional<Sessions.Current> current = signedIn(ctx);
        if (current.isEmpty()) {
            return;
        }
        String fromUri = fromUri(ctx);
        String factorId = ctx.formParam("factorId");
        List<Method> methods = methods(current.get());
        Optional<Method> m = methods.stream().filter(x -> x.factorId() != null && x.factorId().equals(factorId)
                && x.key().equals(Authenticator.EMAIL)).findFirst();
        if (m.isEmpty()) {
            renderVerify(ctx, 400, current.get(), methods, fromUri, "Choose one of your security methods.", null, null);
            return;
        }
        try {
            email.challenge(event(ctx, current.get()), current.get().user().id(), factorId, current.get().session().id(), fromUri,
                    EmailFactors.RESEND_WAIT);
        } catch (ApiError e) {
            // Within the resend wait the code already sent still works: show its form with why no new one went.
            renderVerify(ctx, e.code().status(), current.get(), methods, fromUri, emailMessage(e), factorId, null);
            return;
        }
        renderVerify(ctx, 200, current.get(), methods, fromUri, null, factorId, "We sent a code to " + m.get().options()
                + ". Enter it below, or open the link in the email in this browser.");
    }

    /** The browser's assertion for one of the person's passkeys or security keys (webauthn.js posted it). */
    void verifyWebAuthn(Context ctx) {
        Optional<Sessions.Current> current = signedIn(ctx);
        if (current.isEmpty()) {
            return;
        }
        String fromUri = fromUri(ctx);
        WebAuthn.Verified verified;
        try {
            verified = webAuthn.finishAssertion(event(ctx, current.get()), current.get().user().id(), ctx.formParam("credentialId"),
                    ctx.formParam("clientDataJSON"), ctx.formParam("authenticatorData"), ctx.formParam("signature"),
                    ctx.formParam("userHandle"));
        } catch (ApiError e) {
            renderVerify(ctx, e.code().status(), current.get(), methods(current.get()), fromUri, webAuthnMessage(e));
            return;
        }
        stepUp(ctx, current.get(), verified.amr(), fromUri);
    }

    // ---- enroll ----

    void showEnroll(Context ctx) {
        Optional<Sessions.Current> current = signedIn(ctx);
        if (current.isEmpty() || !fresh(ctx, current.get())) {
            return;
        }
        renderEnroll(ctx, 200, current.get(), fromUri(ctx), null);
    }

    void enrollTotp(Context ctx) {
        Optional<Sessions.Current> current = mayEnroll(ctx, Authenticator.GOOGLE_OTP);
        if (current.isEmpty()) {
            return;
        }
        String fromUri = fromUri(ctx);
        Factors.Enrollment e;
        try {
            e = factors.enroll(event(ctx, current.get()), current.get().user().id(), Factor.TOTP, Factor.GOOGLE);
        } catch (ApiError refused) {
            renderEnroll(ctx, refused.code().status(), current.get(), fromUri, message(refused));
            return;
        }
        String login = current.get().user().profile().login();
        String qr = "data:image/png;base64," + Base64.getEncoder().encodeToString(QrCodes.png(Factors.otpauthUri(login, e.sharedSecret())));
        noStore(ctx);
        pages.render(ctx, "mfa/enroll-totp.jte", new TotpPage(orgName, login, e.factor().id(), qr, groups(e.sharedSecret()), fromUri,
                csrf.token(ctx), null));
    }

    void activateTotp(Context ctx) {
        Optional<Sessions.Current> current = mayEnroll(ctx, Authenticator.GOOGLE_OTP);
        if (current.isEmpty()) {
            return;
        }
        String fromUri = fromUri(ctx);
        String factorId = ctx.formParam("factorId");
        String login = current.get().user().profile().login();
        try {
            if (factorId == null || factorId.length() > 40) {
                throw ApiError.notFound(String.valueOf(factorId), "UserFactor");
            }
            factors.activate(event(ctx, current.get()), current.get().user().id(), factorId, ctx.formParam("passCode"));
        } catch (ApiError e) {
            ctx.status(e.code().status());
            noStore(ctx);
            pages.render(ctx, "mfa/enroll-totp.jte", new TotpPage(orgName, login, factorId == null ? "" : factorId, null, null, fromUri,
                    csrf.token(ctx), message(e)));
            return;
        }
        stepUp(ctx, current.get(), List.of("otp"), fromUri);
    }

    void enrollWebAuthn(Context ctx) {
        Optional<Sessions.Current> current = mayEnroll(ctx, Authenticator.WEBAUTHN);
        if (current.isEmpty()) {
            return;
        }
        String fromUri = fromUri(ctx);
        WebAuthn.Registration r;
        try {
            r = webAuthn.startRegistration(event(ctx, current.get()), current.get().user().id());
        } catch (ApiError refused) {
            renderEnroll(ctx, refused.code().status(), current.get(), fromUri, message(refused));
            return;
        }
        noStore(ctx);
        pages.render(ctx, "mfa/enroll-webauthn.jte", new WebAuthnPage(orgName, current.get().user().profile().login(), r.factorId(),
                r.optionsJson(), fromUri, csrf.token(ctx), null));
    }

    void activateWebAuthn(Context ctx) {
        Optional<Sessions.Current> current = mayEnroll(ctx, Authenticator.WEBAUTHN);
        if (current.isEmpty()) {
            return;
        }
        String fromUri = fromUri(ctx);
        Factor f;
        try {
            f = webAuthn.finishRegistration(event(ctx, current.get()), current.get().user().id(), ctx.formParam("factorId"),
                    ctx.formParam("clientDataJSON"), ctx.formParam("attestationObject"), ctx.formParam("transports"));
        } catch (ApiError e) {
            // The challenge is used up by any attempt: the page offers to start again rather than to retry.
            ctx.status(e.code().status());
            noStore(ctx);
            pages.render(ctx, "mfa/enroll-webauthn.jte", new WebAuthnPage(orgName, current.get().user().profile().login(), null, null,
                    fromUri, csrf.token(ctx), webAuthnMessage(e)));
            return;
        }
        // Registering proves possession of the new authenticator, as activating a TOTP factor does.
        stepUp(ctx, current.get(), WebAuthn.amr(f.credential() != null && f.credential().backupEligible(),
                f.credential() != null && f.credential().userVerified()), fromUri);
    }

    void enrollEmail(Context ctx) {
        Optional<Sessions.Current> current = mayEnroll(ctx, Authenticator.EMAIL);
        if (current.isEmpty()) {
            return;
        }
        String fromUri = fromUri(ctx);
        Factor f;
        try {
            f = email.enroll(event(ctx, current.get()), current.get().user().id(), null, false, current.get().session().id(), fromUri);
        } catch (ApiError refused) {
            renderEnroll(ctx, refused.code().status(), current.get(), fromUri, message(refused));
            return;
        }
        renderEmail(ctx, 200, current.get(), f.id(), f.userEmail(), fromUri, null, "We sent a code to " + f.userEmail()
                + ". Enter it below, or open the link in the email in this browser.");
    }

    void activateEmail(Context ctx) {
        Optional<Sessions.Current> current = mayEnroll(ctx, Authenticator.EMAIL);
        if (current.isEmpty()) {
            return;
        }
        String fromUri = fromUri(ctx);
        String factorId = ctx.formParam("factorId");
        try {
            if (factorId == null || factorId.length() > 40) {
                throw ApiError.notFound("factor", "UserFactor");
            }
            email.activate(event(ctx, current.get()), current.get().user().id(), factorId, ctx.formParam("passCode"));
        } catch (ApiError e) {
            renderEmail(ctx, e.code().status(), current.get(), factorId, null, fromUri, emailMessage(e), null);
            return;
        }
        stepUp(ctx, current.get(), List.of("email"), fromUri);
    }

    void resendEmail(Context ctx) {
        Optional<Sessions.Current> current = mayEnroll(ctx, Authenticator.EMAIL);
        if (current.isEmpty()) {
            return;
        }
        String fromUri = fromUri(ctx);
        String factorId = ctx.formParam("factorId");
        try {
            Factor f = email.challenge(event(ctx, current.get()), current.get().user().id(), factorId, current.get().session().id(), fromUri,
                    EmailFactors.RESEND_WAIT);
            renderEmail(ctx, 200, current.get(), f.id(), f.userEmail(), fromUri, null, "We sent a new code to " + f.userEmail() + ".");
        } catch (ApiError e) {
            renderEmail(ctx, e.code().status(), current.get(), factorId, null, fromUri, emailMessage(e), null);
        }
    }

    /**
     * The link in an email ({@link EmailFactors#LINK_PATH}): in the browser session that asked for it, it verifies (or
     * finishes setting up) the email factor and goes on where the person was going; anywhere else it changes nothing and
     * says to type the code where the sign-in waits; used, expired or unknown: a page that offers to start again.
     */
    void emailLink(Context ctx) {
        noStore(ctx);
        ctx.header("Referrer-Policy", "no-referrer");   // the token is in this page's address
        Optional<Sessions.Current> current = cookie.current(ctx);
        EmailFactors.Taken taken;
        try {
            taken = email.takeLink(current.map(c -> event(ctx, c)).orElse(null), ctx.pathParam("token"),
                    current.map(c -> c.session().id()).orElse(null));
        } catch (EmailFactors.LinkRefused r) {
            ctx.status(r.reason() == EmailFactors.LinkRefusal.OTHER_SESSION ? 403 : 400);
            pages.render(ctx, "mfa/email-link.jte", r.reason() == EmailFactors.LinkRefusal.OTHER_SESSION
                    ? new EmailLinkPage(orgName, "Use the code instead",
                            "This link works only in the browser where you asked for it. Go back to that browser and type the "
                                    + "6-digit code from the email, or sign in here and ask for a new code.", "/signin")
                    : new EmailLinkPage(orgName, "This link can't be used",
                            "The link has expired or was already used. Sign in again and ask for a new code.", "/signin"));
            return;
        }
        stepUp(ctx, current.orElseThrow(), List.of("email"), taken.fromUri() == null ? "/" : taken.fromUri());
    }

    /** A readable sentence for a refused email code or send. */
    static String emailMessage(ApiError e) {
        if (e.code() == ErrorCode.E0000068) {
            return e.causes().isEmpty() || e.causes().getFirst().summary().equals(Factors.WRONG_CODE)
                    ? "That code didn't match. Check the code in the email and try again."
                    : "That code has expired, was already used, or had too many wrong tries. Send a new code.";
        }
        if (e.code() == ErrorCode.E0000118) {
            return "We sent an email less than " + EmailFactors.RESEND_WAIT.toSeconds()
                    + " seconds ago. Use the code in it, or wait a moment before asking for a new one.";
        }
        return message(e);
    }

    private void renderEmail(Context ctx, int status, Sessions.Current current, String factorId, String address, String fromUri, String error,
                             String notice) {
        ctx.status(status);
        noStore(ctx);
        pages.render(ctx, "mfa/enroll-email.jte", new EmailPage(orgName, current.user().profile().login(), factorId == null ? "" : factorId,
                address, fromUri, csrf.token(ctx), error, notice));
    }

    /** A readable sentence for a refused WebAuthn ceremony. */
    static String webAuthnMessage(ApiError e) {
        if (e.code() == ErrorCode.E0000069 || e.code() == ErrorCode.E0000047) {
            return message(e);
        }
        if (e.code() == ErrorCode.E0000158) {
            return "Your security key or device did not verify you (PIN or biometric). Try again and confirm it's you when asked.";
        }
        return "Your security key or biometric could not be verified. Try again, or use another security method.";
    }

    // ---- shared ----

    /** The verification counts for the session: new methods, new cookie value; then on to where the person was going. */
    private void stepUp(Context ctx, Sessions.Current current, List<String> methods, String fromUri) {
        Optional<String> value = sessions.verifiedFactor(current, methods);
        if (value.isEmpty()) {
            ctx.redirect("/signin?fromURI=" + enc(fromUri), HttpStatus.SEE_OTHER);
            return;
        }
        cookie.set(ctx, value.get());
        signIn.proceed(ctx, fromUri, "You are signed in");
    }

    /**
     * The session of a person who may set up {@code key} now (each enroll and activate post, so a setup begun before the
     * authenticator was disabled is not finished): signed in, a fresh proof ({@link #fresh}), and the enrollment policy
     * allowing it; otherwise the person was sent on, or shown the enroll page with why (403), and nothing was created.
     */
    private Optional<Sessions.Current> mayEnroll(Context ctx, String key) {
        Optional<Sessions.Current> current = signedIn(ctx);
        if (current.isEmpty() || !fresh(ctx, current.get())) {
            return Optional.empty();
        }
        if (!enrollable.apply(current.get().user().id()).contains(key)) {
            String name = key.equals(Authenticator.WEBAUTHN) ? "A security key or biometric"
                    : key.equals(Authenticator.EMAIL) ? "Email" : "Google Authenticator";
            renderEnroll(ctx, 403, current.get(), fromUri(ctx), name + " can't be set up for your account now. "
                    + "If you expected to, ask your administrator.");
            return Optional.empty();
        }
        return current;
    }

    /** The session, or a redirect to the sign-in page that comes back here (this request's own address for a GET). */
    private Optional<Sessions.Current> signedIn(Context ctx) {
        Optional<Sessions.Current> current = cookie.current(ctx);
        if (current.isEmpty()) {
            String back = ctx.method().name().equals("GET") ? ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString())
                    : fromUri(ctx);
            ctx.redirect("/signin?fromURI=" + enc(back), ctx.method().name().equals("GET") ? HttpStatus.FOUND : HttpStatus.SEE_OTHER);
        }
        return current;
    }

    /**
     * Enrolling needs a recent proof ({@link #ENROLL_FRESHNESS}): a second factor when the person has one (else verify
     * first, then come back), the password otherwise (else sign in again, then come back). False when sent away.
     */
    private boolean fresh(Context ctx, Sessions.Current current) {
        Instant since = factors.now().minus(ENROLL_FRESHNESS);
        String here = ENROLL + "?fromURI=" + enc(fromUri(ctx));
        if (hasMethods(current)) {
            Instant verified = current.session().factorVerified();
            if (verified == null || verified.isBefore(since)) {
                ctx.redirect(VERIFY + "?fromURI=" + enc(here), HttpStatus.SEE_OTHER);
                return false;
            }
            return true;
        }
        if (current.session().passwordVerified().isBefore(since)) {
            ctx.redirect("/signin?prompt=login&fromURI=" + enc(here), HttpStatus.SEE_OTHER);
            return false;
        }
        return true;
    }

    /** The person's ACTIVE factors, as the methods they can verify with. */
    private List<Method> methods(Sessions.Current current) {
        // Only factors that can be verified now: a factor whose authenticator is inactive is not offered (and SignOn does
        // not count it), so nobody lands on a page whose every code is refused.
        boolean totp = authenticators.isActive(Authenticator.GOOGLE_OTP);
        boolean keys = authenticators.isActive(Authenticator.WEBAUTHN);
        List<Factor> active = factors.list(current.user().id()).stream().filter(Factor::active).toList();
        List<Method> out = new java.util.ArrayList<>();
        if (keys && active.stream().anyMatch(Factor::webAuthn)) {
            out.add(new Method(null, Authenticator.WEBAUTHN, WebAuthn.DEFAULT_NAME, webAuthn.startAssertion(current.user().id())));
        }
        active.stream().filter(f -> totp && f.factorType().equals(Factor.TOTP))
                .forEach(f -> out.add(new Method(f.id(), Authenticator.GOOGLE_OTP, "Google Authenticator", null)));
        // An email factor's options: the masked address the code goes to.
        boolean mail = authenticators.isActive(Authenticator.EMAIL);
        active.stream().filter(f -> mail && f.email())
                .forEach(f -> out.add(new Method(f.id(), Authenticator.EMAIL, "Email", mask(f.userEmail()))));
        return out;
    }

    /** Whether the person has a factor to verify with (no WebAuthn challenge is made for asking). */
    private boolean hasMethods(Sessions.Current current) {
        boolean totp = authenticators.isActive(Authenticator.GOOGLE_OTP);
        boolean keys = authenticators.isActive(Authenticator.WEBAUTHN);
        boolean mail = authenticators.isActive(Authenticator.EMAIL);
        return factors.list(current.user().id()).stream().filter(Factor::active)
                .anyMatch(f -> keys && f.webAuthn() || totp && f.factorType().equals(Factor.TOTP) || mail && f.email());
    }

    /** What the person can set up now: active authenticators they have not enrolled. */
    private List<Choice> choices(Sessions.Current current) {
        List<String> keys = enrollable.apply(current.user().id());
        List<Choice> out = new java.util.ArrayList<>();
        if (keys.contains(Authenticator.WEBAUTHN)) {
            out.add(new Choice(Authenticator.WEBAUTHN, WebAuthn.DEFAULT_NAME,
                    "Use a passkey, your device's fingerprint or face recognition, or a security key.", ENROLL_WEBAUTHN));
        }
        if (keys.contains(Authenticator.GOOGLE_OTP)) {
            out.add(new Choice(Authenticator.GOOGLE_OTP, "Google Authenticator",
                    "Enter a temporary code generated from the Google Authenticator app (or any authenticator app).", ENROLL_TOTP));
        }
        if (keys.contains(Authenticator.EMAIL)) {
            out.add(new Choice(Authenticator.EMAIL, "Email", "Get a code by email at " + mask(current.user().profile().email()) + ".",
                    ENROLL_EMAIL));
        }
        return out;
    }

    private void renderVerify(Context ctx, int status, Sessions.Current current, List<Method> methods, String fromUri, String error) {
        renderVerify(ctx, status, current, methods, fromUri, error, null, null);
    }

    private void renderVerify(Context ctx, int status, Sessions.Current current, List<Method> methods, String fromUri, String error,
                              String emailSent, String notice) {
        ctx.status(status);
        noStore(ctx);
        pages.render(ctx, "mfa/verify.jte", new VerifyPage(orgName, current.user().profile().login(), methods, fromUri, csrf.token(ctx), error,
                emailSent, notice));
    }

    /** "j***@example.com": enough to recognise one's address, not to learn it from a shoulder or a screenshot. */
    static String mask(String address) {
        if (address == null) {
            return "your email address";
        }
        int at = address.indexOf('@');
        return at <= 0 ? "your email address" : address.charAt(0) + "***" + address.substring(at);
    }

    private void renderEnroll(Context ctx, int status, Sessions.Current current, String fromUri, String error) {
        ctx.status(status);
        noStore(ctx);
        pages.render(ctx, "mfa/enroll.jte", new EnrollPage(orgName, current.user().profile().login(), choices(current), fromUri,
                csrf.token(ctx), error));
    }

    /** A readable sentence for each refusal a code can get (the API's E-codes stay in the System Log). */
    static String message(ApiError e) {
        if (e.code() == ErrorCode.E0000068) {
            return "That code didn't match. Check the code in your authenticator app and try again.";
        }
        if (e.code() == ErrorCode.E0000082) {
            return "That code was already used. Wait for the next code in your authenticator app, then enter it.";
        }
        if (e.code() == ErrorCode.E0000069) {
            return "Your account is locked after too many attempts. Ask your administrator to unlock it.";
        }
        if (e.code() == ErrorCode.E0000047) {
            return "Too many attempts. Wait a few minutes, then try again.";
        }
        if (e.code() == ErrorCode.E0000007) {
            return "This setup is no longer pending. Start again.";
        }
        return e.causes().isEmpty() ? e.summary() : e.causes().getFirst().summary();
    }

    private static EventContext event(Context ctx, Sessions.Current current) {
        return Edge.event(ctx, current.actor());
    }

    /** Where to go afterwards: the form's or the query's fromURI; "/" when absent; at most 8 KB is carried along. */
    private static String fromUri(Context ctx) {
        String v = ctx.method().name().equals("GET") ? ctx.queryParam("fromURI") : ctx.formParam("fromURI");
        return v == null || v.isBlank() || v.length() > 8192 ? "/" : v;
    }

    /** A page that shows a secret or asks for a code is never cached. */
    private static void noStore(Context ctx) {
        ctx.header("Cache-Control", "no-store");
    }

    /** The base32 secret in groups of four, as authenticator apps show it for typing. */
    static String groups(String secret) {
        return secret.replaceAll("(.{4})(?!$)", "$1 ");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
