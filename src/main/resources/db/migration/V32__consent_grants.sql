-- Consent (issue 17): Okta's user-consent grants (OAuth2ScopeConsentGrant, ids 'oag…', one per user, client, authorization
-- server and scope) and the consent requests the hosted consent page answers.
-- A grant ends when its user, app, server or scope is deleted (the rows go with them) or when it is revoked (status
-- REVOKED; a revoked grant is kept for the record but never counts as consent). At most one ACTIVE grant per
-- user+client+server+scope: the use case revokes before it grants again, and the partial uniqueness is kept by
-- active_key (NULL once revoked), since H2 has no partial indexes.
CREATE TABLE oauth2_consent_grants (
    id              VARCHAR(20)   PRIMARY KEY,
    user_id         VARCHAR(20)   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id       VARCHAR(100)  NOT NULL REFERENCES apps (client_id) ON DELETE CASCADE,
    server_id       VARCHAR(20)   NOT NULL REFERENCES authorization_servers (id) ON DELETE CASCADE,
    scope_id        VARCHAR(20)   NOT NULL REFERENCES authorization_server_scopes (id) ON DELETE CASCADE,
    scope_name      VARCHAR(300)  NOT NULL,             -- the scope's name when granted (which tokens to revoke with it)
    status          VARCHAR(10)   NOT NULL,             -- ACTIVE or REVOKED
    source          VARCHAR(10)   NOT NULL,             -- END_USER (the consent page) or ADMIN
    created_by      VARCHAR(20)   NOT NULL,             -- the user who clicked Allow
    created_by_type VARCHAR(20)   NOT NULL,             -- User
    active_key      VARCHAR(200)  UNIQUE,               -- user:client:scope while ACTIVE, NULL once revoked
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX oauth2_consent_grants_user ON oauth2_consent_grants (user_id, id);
CREATE INDEX oauth2_consent_grants_client ON oauth2_consent_grants (client_id);

-- A consent page shown for one authorization request: bound to the session that saw it, answered once (used_at), for
-- the client, server and scopes recorded here (the form carries only the random id, stored as its SHA-256 hash), and
-- good for ten minutes. Where the request continues after Allow, and where a refusal is sent, are stored here too, so a
-- posted form cannot change them.
CREATE TABLE oauth2_consent_requests (
    id_hash         VARCHAR(64)   PRIMARY KEY,
    session_id      VARCHAR(20)   NOT NULL,
    user_id         VARCHAR(20)   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id       VARCHAR(100)  NOT NULL,
    server_id       VARCHAR(20)   NOT NULL,
    scopes          VARCHAR(4096) NOT NULL,             -- space-separated names the page asks for
    continue_uri    VARCHAR(8192) NOT NULL,             -- the /authorize request to resume after Allow
    redirect_uri    VARCHAR(2048) NOT NULL,
    response_mode   VARCHAR(20)   NOT NULL,
    state           VARCHAR(1024),
    issuer          VARCHAR(2048) NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at         TIMESTAMP WITH TIME ZONE
);
CREATE INDEX oauth2_consent_requests_expires ON oauth2_consent_requests (expires_at);
