-- The email authenticator (issue 19): Okta's okta_email, its users' email factors, and the codes and links they are sent.

-- okta_email (fixed id, 20 characters, as the others), INACTIVE on a new org as google_otp and webauthn are. Its one
-- setting kept here is Okta's settings.tokenLifetimeInMinutes (AuthenticatorKeyEmail: "Default value is 5 minutes");
-- NULL for the other authenticators.
ALTER TABLE authenticators ADD COLUMN token_lifetime_minutes INT;
INSERT INTO authenticators (id, authenticator_key, type, name, status, created_at, last_updated_at, token_lifetime_minutes)
VALUES ('aut3Gatehouse0Email0', 'okta_email', 'email', 'Email', 'INACTIVE', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 5);

-- An email factor ('emf…', Okta's prefix) lives in user_factors (one per user and type, as TOTP: the unique key makes
-- "already set up" race-free) with its address (Okta's profile.email) and no seed: the code is made per challenge.
ALTER TABLE user_factors ALTER COLUMN kek_id DROP NOT NULL;
ALTER TABLE user_factors ALTER COLUMN sealed_secret DROP NOT NULL;
ALTER TABLE user_factors ADD COLUMN email VARCHAR(100);

-- The one live challenge of an email factor (a new one replaces the old, so the table holds at most one row per
-- factor): SHA-256 of the 6-digit code (salted with the challenge id) and of the magic link's token, never either in
-- clear; the session that asked (the link completes the step only in that session); where the person was going;
-- the wrong tries (at most 5 per code); used_at once taken (single use); created_at for the resend wait.
CREATE TABLE email_factor_challenges (
    id          VARCHAR(20)  PRIMARY KEY,
    factor_id   VARCHAR(20)  NOT NULL UNIQUE REFERENCES user_factors (id) ON DELETE CASCADE,
    user_id     VARCHAR(20)  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     VARCHAR(12)  NOT NULL,                 -- ACTIVATION (enrollment) or VERIFY (sign-in, API verify)
    code_hash   VARCHAR(64)  NOT NULL,
    link_hash   VARCHAR(64)  NOT NULL UNIQUE,
    session_id  VARCHAR(40),
    from_uri    VARCHAR(8192),
    tries       INT          DEFAULT 0 NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at     TIMESTAMP WITH TIME ZONE
);
