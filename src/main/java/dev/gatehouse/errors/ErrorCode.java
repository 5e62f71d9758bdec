package dev.gatehouse.errors;

/** Okta's management-API error codes used by Gatehouse, with their HTTP status and summary text. */
public enum ErrorCode {
    E0000001(400, "Api validation failed: %s"),
    E0000003(400, "The request body was not well-formed."),
    E0000004(401, "Authentication failed"),
    E0000005(403, "Invalid session"),
    E0000006(403, "You do not have permission to perform the requested action"),
    E0000007(404, "Not found: %s"),
    E0000011(401, "Invalid token provided"),
    E0000014(403, "Update of credentials failed"),
    E0000015(401, "You do not have permission to access the feature you are requesting"),
    E0000016(403, "Activation failed because the user is already active"),
    E0000021(400, "Bad request.  Accept and/or Content-Type headers likely do not match supported values."),
    E0000022(405, "The endpoint does not support the provided HTTP method"),
    E0000028(400, "The request is missing a required parameter."),
    E0000030(400, "Bad request. Invalid date. Dates must be of the form yyyy-MM-dd'T'HH:mm:ss.SSSZZ, e.g. 2013-01-01T12:00:00.000-07:00."),
    E0000031(400, "Invalid search criteria."),
    E0000047(429, "API call exceeded rate limit due to too many requests."),
    E0000038(403, "This operation is not allowed in the user's current status."),
    E0000056(403, "Delete application forbidden."),
    E0000068(403, "Invalid Passcode/Answer"),
    E0000069(403, "User Locked"),
    E0000079(403, "This operation is not allowed in the current authentication state."),
    E0000080(403, "The password does not meet the complexity requirements of the current password policy."),
    E0000082(403, "Each code can only be used once. Please wait for a new code and try again."),
    E0000095(403, "Recovery not allowed for unknown user."),
    E0000118(429, "An email was recently sent. Please wait 5 seconds before trying again."),
    E0000141(400, "Feature cannot be enabled or disabled due to dependencies/dependents conflicts."),
    E0000148(403, "Cannot modify/disable this authenticator because it is enabled in one or more policies. To continue, disable the authenticator in these policies."),
    E0000154(400, "Invalid factor id, it is not currently active."),
    E0000158(400, "Invalid Enrollment. User verification required.");

    private final int status;
    private final String summary;

    ErrorCode(int status, String summary) {
        this.status = status;
        this.summary = summary;
    }

    public int status() {
        return status;
    }

    public String summary(String detail) {
        return summary.contains("%s") ? summary.formatted(detail == null ? "" : detail) : summary;
    }
}
