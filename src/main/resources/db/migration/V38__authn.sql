-- Issue #20: Okta's Authentication API (/api/v1/authn) and its one-time sessionToken.
--
-- An authentication transaction: a person who proved their password (or a recovery link) and has a step left (a factor to
-- verify or enroll, an expired password to change, a new password to set). Only the SHA-256 of its stateToken is kept.
-- It lives 5 minutes from its last step (Okta's transaction lifetime) and ends at SUCCESS, cancel, or expiry; a user holds
-- at most MAX_PER_USER live ones (Authn), and expired rows are deleted whenever a new one is made, so the table is bounded.
-- status is the Okta state the transaction is in; factor_id the factor being challenged, enrolled or activated; amr what
-- was proved so far (RFC 8176 values, space-separated); recovery_sealed the recovery link's token (sealed with the
-- key-encryption key, bound to the row id) while a PASSWORD_RESET waits for its new password.
CREATE TABLE authn_transactions (
    id                 VARCHAR(20)  PRIMARY KEY,
    state_hash         VARCHAR(64)  NOT NULL UNIQUE,
    user_id            VARCHAR(20)  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status             VARCHAR(24)  NOT NULL,
    kind               VARCHAR(12)  NOT NULL,               -- SIGN_IN, RECOVERY or EXPIRED
    amr                VARCHAR(200) NOT NULL,
    password_verified_at TIMESTAMP WITH TIME ZONE,
    factor_verified_at TIMESTAMP WITH TIME ZONE,
    factor_id          VARCHAR(40),
    relay_state        VARCHAR(2048),
    recovery_kek       VARCHAR(40),
    recovery_sealed    VARCHAR(400),
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at         TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX authn_transactions_user ON authn_transactions (user_id);
CREATE INDEX authn_transactions_expiry ON authn_transactions (expires_at);

-- A sessionToken: what a SUCCESS transaction hands out, redeemed once for a session (at /authorize?sessionToken=, at
-- /login/sessionCookieRedirect, or by POST /api/v1/sessions). Only its SHA-256 is kept, with what it proves (amr, when the
-- password and the last factor were verified) and the password it was proved with (password_changed_at: a reset since
-- then voids it, as it ends sessions). Lives 5 minutes; redeeming deletes it (single use).
CREATE TABLE session_tokens (
    token_hash         VARCHAR(64)  PRIMARY KEY,
    user_id            VARCHAR(20)  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    amr                VARCHAR(200) NOT NULL,
    password_verified_at TIMESTAMP WITH TIME ZONE NOT NULL,
    factor_verified_at TIMESTAMP WITH TIME ZONE,
    password_changed_at TIMESTAMP WITH TIME ZONE,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at         TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX session_tokens_user ON session_tokens (user_id);
CREATE INDEX session_tokens_expiry ON session_tokens (expires_at);
