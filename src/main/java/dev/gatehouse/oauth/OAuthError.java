package dev.gatehouse.oauth;

/**
 * OAuth 2.0 / OpenID Connect error codes, spelled as the specs spell them, with the HTTP status the
 * token-style endpoints answer with. {@code because(...)} makes the failure value that the edge turns
 * into {@code {"error","error_description"}} (or a redirect, or an error page, per endpoint).
 */
public enum OAuthError {
    INVALID_REQUEST("invalid_request", 400),
    INVALID_CLIENT("invalid_client", 401),
    INVALID_GRANT("invalid_grant", 400),
    UNAUTHORIZED_CLIENT("unauthorized_client", 400),
    UNSUPPORTED_GRANT_TYPE("unsupported_grant_type", 400),
    UNSUPPORTED_RESPONSE_TYPE("unsupported_response_type", 400),
    UNSUPPORTED_RESPONSE_MODE("unsupported_response_mode", 400),
    INVALID_SCOPE("invalid_scope", 400),
    ACCESS_DENIED("access_denied", 403),
    /** Okta's {@code no_matching_policy}: no access policy and rule of the authorization server admit the request (401 at /token). */
    NO_MATCHING_POLICY("access_denied", 401),
    LOGIN_REQUIRED("login_required", 400),
    /** OpenID Connect Core §3.1.2.6: prompt=none, but the person would have to consent first. */
    CONSENT_REQUIRED("consent_required", 400),
    /** OpenID Connect Unmet Authentication Requirements 1.0: acr_values asked for more than the person can do. */
    UNMET_AUTHENTICATION_REQUIREMENTS("unmet_authentication_requirements", 400),
    INVALID_TOKEN("invalid_token", 401),
    INSUFFICIENT_SCOPE("insufficient_scope", 403),
    SERVER_ERROR("server_error", 500);

    private final String code;
    private final int status;

    OAuthError(String code, int status) {
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** The failure, with Okta's {@code error_description} for the client and an optional detail for the log. */
    public OAuthFailure because(String description) {
        return new OAuthFailure(this, description, null);
    }

    public OAuthFailure because(String description, String logDetail) {
        return new OAuthFailure(this, description, logDetail);
    }
}
