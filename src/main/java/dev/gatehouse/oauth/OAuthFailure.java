package dev.gatehouse.oauth;

/** A refused OAuth request as a value: what the client is told, and what only the log sees. */
public final class OAuthFailure extends RuntimeException {

    private final OAuthError error;
    private final String description;
    private final String logDetail;

    OAuthFailure(OAuthError error, String description, String logDetail) {
        super(error.code() + ": " + description, null, false, false);
        this.error = error;
        this.description = description;
        this.logDetail = logDetail;
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
