-- What the OAuth endpoints issue. Codes and refresh tokens are stored only as SHA-256 hashes;
-- access tokens are JWTs, recorded by jti so they can be revoked and introspected.

CREATE TABLE authorization_codes (
    code_hash        VARCHAR(64)  PRIMARY KEY,
    server_id        VARCHAR(40)  NOT NULL,
    client_id        VARCHAR(100) NOT NULL,
    user_id          VARCHAR(20)  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id       VARCHAR(20),
    redirect_uri     VARCHAR(2048) NOT NULL,
    scopes           VARCHAR(4096) NOT NULL,       -- space-separated, as granted
    code_challenge   VARCHAR(128),
    nonce            VARCHAR(512),
    auth_time        TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at          TIMESTAMP WITH TIME ZONE
);
CREATE INDEX authorization_codes_expires ON authorization_codes (expires_at);

-- A family is everything descended from one sign-in grant (an authorization code): its refresh
-- tokens and the access tokens minted from them. Revoking a family revokes all of them.
CREATE TABLE token_families (
    id               VARCHAR(40)  PRIMARY KEY,
    server_id        VARCHAR(40)  NOT NULL,
    client_id        VARCHAR(100) NOT NULL,
    user_id          VARCHAR(20)  REFERENCES users (id) ON DELETE CASCADE,
    code_hash        VARCHAR(64),                   -- the code that started it (code replay revokes the family)
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE,      -- absolute end of every refresh token in it (NULL = none)
    revoked_at       TIMESTAMP WITH TIME ZONE
);
CREATE INDEX token_families_code ON token_families (code_hash);

CREATE TABLE access_tokens (
    jti              VARCHAR(64)  PRIMARY KEY,
    family_id        VARCHAR(40)  REFERENCES token_families (id) ON DELETE CASCADE,
    server_id        VARCHAR(40)  NOT NULL,
    client_id        VARCHAR(100) NOT NULL,
    user_id          VARCHAR(20),
    scopes           VARCHAR(4096) NOT NULL,
    issued_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at       TIMESTAMP WITH TIME ZONE
);
CREATE INDEX access_tokens_family ON access_tokens (family_id);
CREATE INDEX access_tokens_expires ON access_tokens (expires_at);

CREATE TABLE refresh_tokens (
    id               VARCHAR(20)  PRIMARY KEY,      -- 'oar…'
    token_hash       VARCHAR(64)  NOT NULL UNIQUE,
    family_id        VARCHAR(40)  NOT NULL REFERENCES token_families (id) ON DELETE CASCADE,
    server_id        VARCHAR(40)  NOT NULL,
    client_id        VARCHAR(100) NOT NULL,
    user_id          VARCHAR(20)  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes           VARCHAR(4096) NOT NULL,
    auth_time        TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    idle_expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    first_used_at    TIMESTAMP WITH TIME ZONE,      -- set by the first rotation (ROTATE); starts the grace period
    revoked_at       TIMESTAMP WITH TIME ZONE
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
