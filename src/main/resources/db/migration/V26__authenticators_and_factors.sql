-- Multifactor sign-in, first slice (issue 18): the org's authenticators and the users' TOTP factors.
-- The authenticators are a fixed catalog, one row per key (the unique key is Okta's "one authenticator per key"):
-- okta_password, always ACTIVE, and google_otp, INACTIVE on a new org until an admin activates it. Their ids are
-- fixed (one org per Gatehouse), 'aut' and 17 characters as Okta's.
CREATE TABLE authenticators (
    id                VARCHAR(20)  PRIMARY KEY,
    authenticator_key VARCHAR(40)  NOT NULL UNIQUE,   -- Okta's key: okta_password, google_otp
    type              VARCHAR(20)  NOT NULL,          -- Okta's type: password, app
    name              VARCHAR(255) NOT NULL,
    status            VARCHAR(10)  NOT NULL,          -- ACTIVE or INACTIVE
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

INSERT INTO authenticators (id, authenticator_key, type, name, status, created_at, last_updated_at)
VALUES ('aut0Gatehouse0Passwd', 'okta_password', 'password', 'Password', 'ACTIVE', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
INSERT INTO authenticators (id, authenticator_key, type, name, status, created_at, last_updated_at)
VALUES ('aut1Gatehouse0Google', 'google_otp', 'app', 'Google Authenticator', 'INACTIVE', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

-- A user's factors: one per type (the unique key makes "already set up" race-free). The TOTP seed is sealed with the
-- key-encryption key (AES-256-GCM, bound to the factor and user ids), never stored in clear. last_step is the RFC 6238
-- time step of the last accepted code: a code is accepted only for a later step, by one conditional UPDATE.
CREATE TABLE user_factors (
    id              VARCHAR(20)  PRIMARY KEY,                                    -- 'ost…'
    user_id         VARCHAR(20)  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    factor_type     VARCHAR(40)  NOT NULL,                                       -- token:software:totp
    provider        VARCHAR(20)  NOT NULL,                                       -- GOOGLE
    status          VARCHAR(20)  NOT NULL,                                       -- PENDING_ACTIVATION or ACTIVE
    kek_id          VARCHAR(32)  NOT NULL,                                       -- which key-encryption key sealed the seed
    sealed_secret   VARCHAR(200) NOT NULL,                                       -- base64(nonce ‖ ciphertext ‖ tag)
    last_step       BIGINT,                                                      -- last accepted TOTP time step
    qr_token_hash   VARCHAR(64),                                                 -- SHA-256 of the one-time QR link's token
    expires_at      TIMESTAMP WITH TIME ZONE,                                    -- a pending enrollment's end
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT user_factors_one_per_type UNIQUE (user_id, factor_type)
);

-- Wrong factor codes have their own counter: a successful password sign-in resets failed_sign_ins, so sharing it would
-- let someone who knows the password guess codes for ever, a few at a time. Reset by an accepted code or an unlock.
ALTER TABLE users ADD COLUMN failed_factor_attempts INT DEFAULT 0 NOT NULL;
