package dev.gatehouse;

import dev.gatehouse.mfa.Authenticator;
import dev.gatehouse.mfa.Authenticators;
import dev.gatehouse.mfa.Factor;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.oauth.authorize.SignOnRules;

/**
 * The sign-on rules /authorize applies, put together from the capabilities that own them: the policies decide what an
 * app asks, the factors say what a person has and could enroll. Lives in the composition root so that oauth/ imports
 * neither mfa/ nor the policies.
 */
final class SignOn implements SignOnRules {

    private final Factors factors;
    private final Authenticators authenticators;

    SignOn(Factors factors, Authenticators authenticators) {
        this.factors = factors;
        this.authenticators = authenticators;
    }

    @Override
    public Requirement forApp(String appId, String userId) {
        return Requirement.PASSWORD_ONLY;
    }

    /**
     * An ACTIVE factor whose authenticator is active too: a factor of a deactivated authenticator cannot be verified, so
     * counting it would send the person to a verify page that can never succeed (outside review of the step-up slice).
     */
    @Override
    public boolean hasSecondFactor(String userId) {
        return factors.list(userId).stream().anyMatch(f -> f.active() && usable(f));
    }

    private boolean usable(Factor f) {
        return f.factorType().equals(Factor.TOTP) && authenticators.isActive(Authenticator.GOOGLE_OTP);
    }

    @Override
    public boolean canEnrollSecondFactor(String userId) {
        return authenticators.isActive(Authenticator.GOOGLE_OTP)
                && factors.list(userId).stream().noneMatch(f -> f.active() && f.factorType().equals(Factor.TOTP));
    }

    @Override
    public boolean mustEnroll(String userId) {
        return false;
    }

    /**
     * The hosted step the global session policy still asks of this session before the Admin Console (or any surface
     * without an app) may be used: {@code /signin/verify}, {@code /signin/enroll}, or null.
     */
    String pendingStep(dev.gatehouse.sessions.Sessions.Current current) {
        return null;
    }

    /** Okta's session status for /api/v1/sessions/me: MFA_REQUIRED or MFA_ENROLL while a step is pending, else ACTIVE. */
    String sessionStatus(dev.gatehouse.sessions.Sessions.Current current) {
        String step = pendingStep(current);
        return step == null ? "ACTIVE" : step.endsWith("/enroll") ? "MFA_ENROLL" : "MFA_REQUIRED";
    }
}
