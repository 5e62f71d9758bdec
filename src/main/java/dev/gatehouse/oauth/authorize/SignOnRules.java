package dev.gatehouse.oauth.authorize;

import java.time.Duration;

/**
 * What an app's sign-in asks of a person, and what that person could do about it. {@link Authorization} decides with it;
 * the composition root builds it from the policies (app sign-in policy, global session policy, enrollment policy) and
 * the user's factors, so this package knows neither.
 */
public interface SignOnRules {

    /**
     * The requirement for {@code userId} signing in to {@code appId}: the app sign-in policy's matching rule, raised to two
     * factors where the global session policy requires a factor.
     */
    Requirement forApp(String appId, String userId);

    /** The person has an ACTIVE second factor to verify. */
    boolean hasSecondFactor(String userId);

    /** The person could enroll a second factor now (an active authenticator the enrollment policy allows). */
    boolean canEnrollSecondFactor(String userId);

    /** The enrollment policy REQUIRES an authenticator this person has not enrolled: they enroll before going on. */
    boolean mustEnroll(String userId);

    /**
     * @param allowed             false for a DENY rule
     * @param factors             1 or 2
     * @param reauthenticateAfter how long a verification counts (null: as long as the session lives; zero: every time)
     * @param policy              the deciding policy's name, for the System Log
     */
    record Requirement(boolean allowed, int factors, Duration reauthenticateAfter, String policy) {
        public static final Requirement PASSWORD_ONLY = new Requirement(true, 1, null, "Default Policy");
    }

    /** Password only for everyone, nothing to enroll: Gatehouse without policies. */
    SignOnRules PASSWORD_ONLY = new SignOnRules() {
        @Override
        public Requirement forApp(String appId, String userId) {
            return Requirement.PASSWORD_ONLY;
        }

        @Override
        public boolean hasSecondFactor(String userId) {
            return false;
        }

        @Override
        public boolean canEnrollSecondFactor(String userId) {
            return false;
        }

        @Override
        public boolean mustEnroll(String userId) {
            return false;
        }
    };
}
