-- Sign-in sessions. The cookie carries a random secret; only its SHA-256 is stored.
CREATE TABLE sessions (
    id               VARCHAR(20)  PRIMARY KEY,            -- public id ('102…'), shown in /api/v1/sessions/me
    token_hash       VARCHAR(64)  NOT NULL UNIQUE,
    user_id          VARCHAR(20)  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE,            -- absolute end (NULL = no maximum lifetime)
    password_verified_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
