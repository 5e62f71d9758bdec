-- WebAuthn (passkeys and security keys), issue 18: Okta's webauthn authenticator, its users' credentials, and the
-- challenges handed to browsers.

-- The webauthn authenticator (fixed id as the others, 20 characters), INACTIVE on a new org. Its one method setting kept
-- here is userVerification (Okta's AuthenticatorMethodWebAuthn.settings.userVerification): PREFERRED by default;
-- NULL for the other authenticators.
ALTER TABLE authenticators ADD COLUMN user_verification VARCHAR(12);
INSERT INTO authenticators (id, authenticator_key, type, name, status, created_at, last_updated_at, user_verification)
VALUES ('aut2Gatehouse0WebAtn', 'webauthn', 'security_key', 'Security Key or Biometric', 'INACTIVE', CURRENT_TIMESTAMP,
        CURRENT_TIMESTAMP, 'PREFERRED');

-- A user's WebAuthn factors ('fwf…'), several per user as at Okta: their own table, because user_factors keeps one factor
-- per type (its unique key makes TOTP's "already set up" race-free) and holds a sealed TOTP seed that WebAuthn has not.
-- A factor is PENDING_ACTIVATION (no credential yet, expires_at set) until an attestation activates it. The credential
-- is public material: its id (base64url), its COSE public key (base64url of the CBOR), the signature counter, the
-- AAGUID, and the flags seen at registration (UV, backup eligible, backup state). credential_id is unique across users
-- (a credential id names one credential; NULLs of pending factors do not collide).
CREATE TABLE webauthn_factors (
    id                 VARCHAR(20)   PRIMARY KEY,
    user_id            VARCHAR(20)   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status             VARCHAR(20)   NOT NULL,          -- PENDING_ACTIVATION or ACTIVE
    credential_id      VARCHAR(1400) UNIQUE,            -- base64url, at most 1023 bytes (WebAuthn L3)
    public_key         VARCHAR(4000),                   -- base64url of the COSE_Key
    sign_count         BIGINT,
    aaguid             VARCHAR(36),
    user_verified      BOOLEAN,
    backup_eligible    BOOLEAN,
    backup_state       BOOLEAN,
    transports         VARCHAR(200),                    -- comma-separated: usb,nfc,ble,internal,hybrid
    authenticator_name VARCHAR(255),
    expires_at         TIMESTAMP WITH TIME ZONE,        -- a pending enrollment's end
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX webauthn_factors_user ON webauthn_factors (user_id);

-- Challenges handed out, at most one pending per user and purpose (the primary key: a new one replaces the old, so
-- nothing grows without bound). Only the SHA-256 of the challenge is kept; it is taken by one conditional DELETE, so a
-- replayed or raced response finds no row. factor_id binds a registration challenge to its pending factor, and a
-- Factors API verify challenge to its factor (NULL: any of the user's credentials).
CREATE TABLE webauthn_challenges (
    user_id        VARCHAR(20) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose        VARCHAR(12) NOT NULL,                -- REGISTRATION or ASSERTION
    challenge_hash VARCHAR(64) NOT NULL,
    factor_id      VARCHAR(20),
    user_verification VARCHAR(12) NOT NULL,             -- REQUIRED, PREFERRED or DISCOURAGED, as asked
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (user_id, purpose)
);
