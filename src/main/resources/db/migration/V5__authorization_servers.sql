-- Authorization servers (the org AS and custom ones such as `default`), their scopes, and their signing keys.
-- Portable SQL: runs unchanged on H2 (MODE=PostgreSQL) and PostgreSQL 15+. Timestamps are UTC.

-- Issuers are not stored: they are computed from GATEHOUSE_BASE_URL ({base} for the org AS,
-- {base}/oauth2/{id} for custom ones), so changing the base URL (e.g. to https) changes them consistently.
CREATE TABLE authorization_servers (
    id                          VARCHAR(20)   PRIMARY KEY,       -- 'org', 'default' or 'aus…'; the key makes first-start creation race-free
    kind                        VARCHAR(10)   NOT NULL,          -- ORG (only 'org') or CUSTOM
    name                        VARCHAR(100)  NOT NULL,
    name_key                    VARCHAR(400)  NOT NULL UNIQUE,   -- lower-cased name: names are unique regardless of case
    description                 VARCHAR(1024),
    audience                    VARCHAR(1024),                   -- NULL for the org AS, whose audience is the base URL
    status                      VARCHAR(10)   NOT NULL,          -- ACTIVE or INACTIVE
    access_token_minutes        INT           NOT NULL,
    id_token_minutes            INT           NOT NULL,
    refresh_token_idle_minutes  INT           NOT NULL,
    refresh_token_max_minutes   INT           NOT NULL,          -- 0 = no absolute limit
    created_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at             TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Okta's OAuth2Scope. `default` and `system` are SQL keywords, hence is_default / is_system.
CREATE TABLE authorization_server_scopes (
    id                          VARCHAR(20)   PRIMARY KEY,       -- 'scp…'
    authorization_server_id     VARCHAR(20)   NOT NULL REFERENCES authorization_servers (id) ON DELETE CASCADE,
    name                        VARCHAR(255)  NOT NULL,          -- case-sensitive, as scope values are
    display_name                VARCHAR(255),
    description                 VARCHAR(1024),
    is_system                   BOOLEAN       NOT NULL,
    is_default                  BOOLEAN       NOT NULL,
    consent                     VARCHAR(10)   NOT NULL,          -- IMPLICIT, REQUIRED or FLEXIBLE
    metadata_publish            VARCHAR(20)   NOT NULL,          -- NO_CLIENTS or ALL_CLIENTS
    created_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    UNIQUE (authorization_server_id, name)
);

-- One row per authorization server: which key generation signs, and when it rotates next.
-- Rotation is one conditional UPDATE ... WHERE active_generation = :seen, so two nodes never both rotate.
CREATE TABLE signing_key_schedules (
    authorization_server_id     VARCHAR(20)   PRIMARY KEY REFERENCES authorization_servers (id) ON DELETE CASCADE,
    rotation_mode               VARCHAR(10)   NOT NULL,          -- AUTO or MANUAL
    active_generation           INT           NOT NULL,          -- the key of this generation signs; generation + 1 is the next key
    last_rotated_at             TIMESTAMP WITH TIME ZONE,        -- NULL until the first keys are made (they are made when first needed)
    next_rotation_at            TIMESTAMP WITH TIME ZONE
);

-- RSA signing keys. Status is derived from the schedule: generation = active → ACTIVE, active + 1 → NEXT,
-- lower → EXPIRED (still published for a while after retired_at, then deleted).
CREATE TABLE signing_keys (
    kid                         VARCHAR(64)   PRIMARY KEY,       -- RFC 7638 SHA-256 thumbprint of the public key
    authorization_server_id     VARCHAR(20)   NOT NULL REFERENCES authorization_servers (id) ON DELETE CASCADE,
    generation                  INT           NOT NULL,
    public_jwk                  TEXT          NOT NULL,          -- the public JWK as JSON (kty, e, n, kid, use, alg)
    private_key_ciphertext      TEXT          NOT NULL,          -- base64(nonce ‖ AES-256-GCM(PKCS#8 private key)); never the key in clear
    kek_id                      VARCHAR(32)   NOT NULL,          -- which key-encryption key sealed it (a hash prefix, not the key)
    created_at                  TIMESTAMP WITH TIME ZONE NOT NULL,   -- published from this moment
    activated_at                TIMESTAMP WITH TIME ZONE,
    retired_at                  TIMESTAMP WITH TIME ZONE,
    UNIQUE (authorization_server_id, generation)                  -- at most one key per generation, whichever node made it
);
CREATE INDEX signing_keys_retired ON signing_keys (retired_at);
