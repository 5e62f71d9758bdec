package dev.gatehouse;

import dev.gatehouse.mfa.Authenticator;
import dev.gatehouse.mfa.Authenticators;
import dev.gatehouse.mfa.Factor;
import dev.gatehouse.mfa.FactorSignInPages;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.oauth.authorize.SignOnRules;
import dev.gatehouse.policies.SignOnPolicies;
import dev.gatehouse.sessions.Sessions;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sign-on rules, put together from the capabilities that own them: the policies (app sign-in, global session,
 * enrollment) decide what is asked, the factors say what a person has and could enroll. Lives in the composition root
 * so that oauth/ imports neither mfa/ nor policies/, and mfa/'s pages ask it through plain functions.
 *
 * <p>At /authorize the requirement is the app sign-in policy's rule, raised to two factors where the global session
 * policy requires a factor (Okta evaluates the global session policy first, then the app's). The Admin Console has no
 * app: there only the global session policy applies ({@link #pendingStep}).
 */
final class SignOn implements SignOnRules, dev.gatehouse.authn.Authn.Rules {

    private final Factors factors;
    private final Authenticators authenticators;
    private final SignOnPolicies policies;

    SignOn(Factors factors, Authenticators authenticators, SignOnPolicies policies) {
        this.factors = factors;
        this.authenticators = authenticators;
        this.policies = policies;
    }

    @Override
    public Requirement forApp(String appId, String userId) {
        SignOnPolicies.AppSignOn app = policies.forApp(appId, userId);
        SignOnPolicies.GlobalSignOn global = policies.forSession(userId);
        int needed = Math.max(app.factors(), global.requireFactor() ? 2 : 1);
        return new Requirement(app.allowed() && global.allowed(), needed, app.reauthenticateAfter(), app.policyName());
    }

    /**
     * An ACTIVE factor whose authenticator is active too: a factor of a deactivated authenticator cannot be verified, so
     * counting it would send the person to a verify page that can never succeed (outside review of the step-up slice).
     */
    @Override
    public boolean hasSecondFactor(String userId) {
        return !usableKeys(userId).isEmpty();
    }

    @Override
    public boolean canEnrollSecondFactor(String userId) {
        return !enrollable(userId).isEmpty();
    }

    @Override
    public boolean mustEnroll(String userId) {
        if (!policies.requiresMoreThanPassword(userId)) {
            return false;   // the usual case: from the cached policies alone, no query
        }
        List<String> required = policies.enrollment(userId).entrySet().stream()
                .filter(e -> !e.getKey().equals(Authenticator.PASSWORD) && e.getValue() == SignOnPolicies.Enrollment.REQUIRED)
                .map(Map.Entry::getKey).toList();   // the evaluator already counts an inactive authenticator NOT_ALLOWED
        if (required.isEmpty()) {
            return false;   // the usual case: no query for the person's factors
        }
        Set<String> have = usableKeys(userId);
        return required.stream().anyMatch(k -> !have.contains(k));
    }

    /**
     * The authenticator keys this person may set up now: active, not disabled by the enrollment policy, and not enrolled
     * yet (Google Authenticator and Email once per person).
     */
    Set<String> enrollable(String userId) {
        Set<String> have = usableKeys(userId);
        Set<String> out = new LinkedHashSet<>();
        for (Map.Entry<String, SignOnPolicies.Enrollment> e : policies.enrollment(userId).entrySet()) {
            String key = e.getKey();
            // The evaluator already counts an inactive authenticator NOT_ALLOWED.
            if (!key.equals(Authenticator.PASSWORD) && e.getValue() != SignOnPolicies.Enrollment.NOT_ALLOWED
                    && !(have.contains(key) && (key.equals(Authenticator.GOOGLE_OTP) || key.equals(Authenticator.EMAIL)))) {
                out.add(key);
            }
        }
        return out;
    }

    /** The authenticator keys of this person's ACTIVE factors whose authenticator is active. */
    private Set<String> usableKeys(String userId) {
        List<Factor> active = factors.list(userId).stream().filter(Factor::active).toList();
        Set<String> out = new LinkedHashSet<>();
        if (active.isEmpty()) {
            return out;   // no second query for the usual person without a factor
        }
        Set<String> on = new java.util.HashSet<>();
        authenticators.list().stream().filter(Authenticator::active).forEach(a -> on.add(a.key()));   // one query, not one per factor
        for (Factor f : active) {
            String key = keyOf(f);
            if (key != null && on.contains(key)) {
                out.add(key);
            }
        }
        return out;
    }

    private static String keyOf(Factor f) {
        return f.factorType().equals(Factor.TOTP) ? Authenticator.GOOGLE_OTP : f.webAuthn() ? Authenticator.WEBAUTHN
                : f.email() ? Authenticator.EMAIL : null;
    }

    /**
     * The hosted step the global session policy (or the enrollment policy) still asks of this session before a surface
     * without an app, the Admin Console, may be used: {@code /signin/enroll}, {@code /signin/verify}, or null. "Every
     * sign-in" (ALWAYS) is met once per session; a factor lifetime in minutes from the last verification. A requirement
     * nobody can meet (no authenticator to enroll) still asks: the enroll page says so; the console stays closed rather
     * than open without the factor the policy requires.
     */
    /** {@link #pendingStep}'s answer when the global session policy's rule denies this person. */
    static final String DENIED = dev.gatehouse.console.ConsoleUser.DENIED;

    String pendingStep(Sessions.Current current) {
        return switch (next(current.user().id(), current.session().multifactor(), current.session().factorVerified())) {
            case NONE -> null;
            case DENIED -> DENIED;
            case ENROLL -> FactorSignInPages.ENROLL;
            case VERIFY -> FactorSignInPages.VERIFY;
        };
    }

    /**
     * The one evaluation of what the global session policy and the enrollment policy still ask of a person who proved
     * what they proved ({@code multifactor}: two distinct factors; {@code factorVerified}: the last second factor, or
     * null): for a session at the hosted pages and the console ({@link #pendingStep}), and for a transaction of the
     * Authentication API (issue #20), so both ask the same.
     */
    @Override
    public dev.gatehouse.authn.Authn.Step next(String userId, boolean multifactor, Instant factorVerified) {
        if (mustEnroll(userId)) {
            return dev.gatehouse.authn.Authn.Step.ENROLL;
        }
        SignOnPolicies.GlobalSignOn global = policies.forSession(userId);
        if (!global.allowed()) {
            return dev.gatehouse.authn.Authn.Step.DENIED;
        }
        if (!global.requireFactor()) {
            return dev.gatehouse.authn.Authn.Step.NONE;
        }
        Duration lifetime = global.factorLifetime();
        boolean met = multifactor && factorVerified != null
                && (lifetime == null || lifetime.isZero() || !factorVerified.plus(lifetime).isBefore(factors.now()));
        if (met) {
            return dev.gatehouse.authn.Authn.Step.NONE;
        }
        return hasSecondFactor(userId) ? dev.gatehouse.authn.Authn.Step.VERIFY : dev.gatehouse.authn.Authn.Step.ENROLL;
    }

    /** The authenticators this person may set up now, each with whether the enrollment policy requires it. */
    @Override
    public Map<String, Boolean> enrollment(String userId) {
        Map<String, SignOnPolicies.Enrollment> policy = policies.enrollment(userId);
        Map<String, Boolean> out = new java.util.LinkedHashMap<>();
        for (String key : enrollableKeys(userId)) {
            out.put(key, policy.get(key) == SignOnPolicies.Enrollment.REQUIRED);
        }
        return out;
    }

    /** The person's factors that can be verified now: ACTIVE, of an active authenticator. */
    @Override
    public List<Factor> usableFactors(String userId) {
        List<Factor> active = factors.list(userId).stream().filter(Factor::active).toList();
        if (active.isEmpty()) {
            return active;
        }
        Set<String> on = new java.util.HashSet<>();
        authenticators.list().stream().filter(Authenticator::active).forEach(a -> on.add(a.key()));
        return active.stream().filter(f -> keyOf(f) != null && on.contains(keyOf(f))).toList();
    }

    /** Okta's session status for /api/v1/sessions/me: MFA_REQUIRED or MFA_ENROLL while a step is pending, else ACTIVE. */
    String sessionStatus(Sessions.Current current) {
        String step = pendingStep(current);
        return step == null || step.equals(DENIED) ? "ACTIVE" : step.equals(FactorSignInPages.ENROLL) ? "MFA_ENROLL" : "MFA_REQUIRED";
    }

    /** The person has a second factor, or could set one up now (so a rule requiring one does not shut them out). */
    boolean canMeetSecondFactor(String userId) {
        return hasSecondFactor(userId) || canEnrollSecondFactor(userId);
    }

    /** For the hosted pages: which of these keys may be enrolled now. */
    List<String> enrollableKeys(String userId) {
        return List.copyOf(enrollable(userId));
    }
}
