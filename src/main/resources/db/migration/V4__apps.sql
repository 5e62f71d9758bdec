-- App integrations (OIDC clients) and who is assigned to them.
-- Portable SQL: runs unchanged on H2 (MODE=PostgreSQL) and PostgreSQL 15+. Timestamps are UTC.

CREATE TABLE apps (
    id                          VARCHAR(20)   PRIMARY KEY,           -- '0oa…'
    client_id                   VARCHAR(100)  NOT NULL UNIQUE,       -- the app id unless chosen at creation; never changes
    label                       VARCHAR(100)  NOT NULL,
    label_key                   VARCHAR(400)  NOT NULL,              -- lower-cased label, for the q prefix search (lower case can be longer)
    status                      VARCHAR(10)   NOT NULL,              -- ACTIVE or INACTIVE
    application_type            VARCHAR(10)   NOT NULL,              -- browser, web, native or service; never changes
    grant_types                 TEXT          NOT NULL,              -- JSON array of grant_type values
    response_types              TEXT          NOT NULL,              -- JSON array
    redirect_uris               TEXT          NOT NULL,              -- JSON array, each URI byte-for-byte as registered
    post_logout_redirect_uris   TEXT          NOT NULL,              -- JSON array
    initiate_login_uri          VARCHAR(1024),
    token_endpoint_auth_method  VARCHAR(30)   NOT NULL,
    pkce_required               BOOLEAN       NOT NULL,
    refresh_rotation_type       VARCHAR(10)   NOT NULL,              -- kept even while the refresh_token grant is off
    refresh_leeway              INT           NOT NULL,
    consent_method              VARCHAR(10)   NOT NULL,
    issuer_mode                 VARCHAR(10)   NOT NULL,
    admin_note                  VARCHAR(1024),
    end_user_note               VARCHAR(1024),
    client_secret_id            VARCHAR(20),                          -- 'ocs…'; NULL for public clients
    client_secret_hash          VARCHAR(64),                          -- SHA-256 of the secret; the secret itself is never stored
    client_secret_created_at    TIMESTAMP WITH TIME ZONE,
    created_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at             TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX apps_label_key ON apps (label_key);

-- Groups assigned to an app. Assigning the built-in Everyone group is "everyone may sign in"
-- (settings.implicitAssignment: true).
CREATE TABLE app_group_assignments (
    app_id           VARCHAR(20) NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    group_id         VARCHAR(20) NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    priority         INT         NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (app_id, group_id)
);
CREATE INDEX app_group_assignments_group ON app_group_assignments (group_id);

-- Users assigned to an app directly (scope USER).
CREATE TABLE app_user_assignments (
    app_id           VARCHAR(20) NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    user_id          VARCHAR(20) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (app_id, user_id)
);
CREATE INDEX app_user_assignments_user ON app_user_assignments (user_id);
