-- Issue #21: the sign-in doctor. Every refusal on the sign-in path is recorded once in the System Log with a cause
-- code (debugData.cause); the same write adds it here, to one row per app, cause and subject (the redirect URI, origin,
-- user or client id involved), so the console and GET /api/v1/apps/{appId}/problems read a handful of rows instead of
-- searching the log. app_id is '' for a refusal no app can be named for (an unknown client id, an untrusted origin no
-- app's redirect URIs use). Bounded: at most SignInProblemStore.SUBJECTS_PER_CAUSE subjects per app and cause (the
-- rest are counted in the subject '*'), and rows unseen for the System Log's retention period are deleted with it.
-- example is the last refusal's non-secret request parameters (JSON, bounded): never a code, token, secret or password.
CREATE TABLE sign_in_problems (
    app_id        VARCHAR(40)  NOT NULL,
    cause         VARCHAR(48)  NOT NULL,
    subject_hash  VARCHAR(64)  NOT NULL,
    subject       VARCHAR(600) NOT NULL,
    occurrences   BIGINT       NOT NULL,
    first_seen    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen     TIMESTAMP WITH TIME ZONE NOT NULL,
    example       VARCHAR(4000) NOT NULL,
    PRIMARY KEY (app_id, cause, subject_hash)
);
CREATE INDEX sign_in_problems_last_seen ON sign_in_problems (last_seen);
