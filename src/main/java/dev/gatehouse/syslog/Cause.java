package dev.gatehouse.syslog;

/**
 * Why a sign-in was refused, as the sign-in doctor (issue #21) names it: recorded once, where the refusal is decided, as
 * {@code debugData.cause} of the refusal's System Log event, and counted per app in {@code sign_in_problems}
 * ({@link SignInProblemStore}). A Gatehouse extension: Okta's events carry no such code.
 */
public enum Cause {
    REDIRECT_URI_NOT_REGISTERED,
    POST_LOGOUT_REDIRECT_URI_NOT_REGISTERED,
    CLIENT_NOT_FOUND,
    APP_INACTIVE,
    USER_NOT_ASSIGNED,
    PKCE_MISSING,
    PKCE_MISMATCH,
    PUBLIC_CLIENT_SENT_SECRET,
    CLIENT_AUTHENTICATION_FAILED,
    GRANT_TYPE_NOT_ALLOWED,
    SCOPE_NOT_ALLOWED,
    REFRESH_TOKEN_REUSED,
    REFRESH_TOKEN_EXPIRED,
    CODE_REUSED,
    CODE_EXPIRED,
    CORS_ORIGIN_NOT_TRUSTED,
    REDIRECT_ORIGIN_NOT_TRUSTED,
    USER_LOCKED_OUT,
    NO_MATCHING_POLICY,
    CONSENT_DENIED,
    MFA_FAILED
}
