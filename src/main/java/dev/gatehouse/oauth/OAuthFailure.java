package dev.gatehouse.oauth;

import dev.gatehouse.syslog.Cause;
import dev.gatehouse.syslog.Problem;

/** A refused OAuth request as a value: what the client is told, what only the log sees, and its cause (issue #21). */
public final class OAuthFailure extends RuntimeException {

    private final OAuthError error;
    private final String description;
    private final String logDetail;
    private final Problem problem;

    OAuthFailure(OAuthError error, String description, String logDetail) {
        this(error, description, logDetail, null);
    }

    private OAuthFailure(OAuthError error, String description, String logDetail, Problem problem) {
        super(error.code() + ": " + description, null, false, false);
        this.error = error;
        this.description = description;
        this.logDetail = logDetail;
        this.problem = problem;
    }

    /** The same refusal with the sign-in doctor's diagnosis (issue #21), recorded with it by {@link OAuthRefusals}. */
    public OAuthFailure with(Problem p) {
        return new OAuthFailure(error, description, logDetail, p);
    }

    /** The same refusal with a cause and no further facts. */
    public OAuthFailure with(Cause cause) {
        return with(Problem.of(cause));
    }

    /** The diagnosis, or null when this refusal has no cause the sign-in doctor names (a malformed request, say). */
    public Problem problem() {
        return problem;
    }

    public OAuthError error() {
        return error;
    }

    public String description() {
        return description;
    }

    public String logDetail() {
        return logDetail;
    }
}
