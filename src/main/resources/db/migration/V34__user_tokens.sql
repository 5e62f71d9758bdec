-- Single-use links sent to a person (issue #19): activation and password recovery. Only the SHA-256 of a token is kept;
-- a user has at most one live token per purpose (a new one replaces the old), so the table holds at most two rows per user.
CREATE TABLE user_tokens (
    token_hash  VARCHAR(64)  NOT NULL PRIMARY KEY,
    user_id     VARCHAR(20)  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     VARCHAR(20)  NOT NULL,
    created_at  TIMESTAMP    NOT NULL,
    expires_at  TIMESTAMP    NOT NULL,
    CONSTRAINT user_tokens_one_per_purpose UNIQUE (user_id, purpose)
);
