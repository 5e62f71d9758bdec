-- Multifactor sign-in (issue 18): what a session has proven, and what a code or refresh token carries into its tokens.
-- amr: RFC 8176 method references, space-separated, in the order they were added ("pwd", then "otp"/"hwk"/"swk"/"user",
-- then "mfa" once two distinct factors were verified). factor_verified_at: the last second-factor verification (Okta's
-- lastFactorVerification), which app sign-in policies' re-authentication frequency is measured against.
ALTER TABLE sessions ADD COLUMN amr VARCHAR(100) DEFAULT 'pwd' NOT NULL;
ALTER TABLE sessions ADD COLUMN factor_verified_at TIMESTAMP WITH TIME ZONE;

-- acr: the acr_values value the sign-in satisfied (null when the client asked for none). Kept with the refresh token so
-- refreshed tokens reflect the original authentication, as Okta documents for step-up.
ALTER TABLE authorization_codes ADD COLUMN amr VARCHAR(100) DEFAULT 'pwd' NOT NULL;
ALTER TABLE authorization_codes ADD COLUMN acr VARCHAR(64);
ALTER TABLE refresh_tokens ADD COLUMN amr VARCHAR(100) DEFAULT 'pwd' NOT NULL;
ALTER TABLE refresh_tokens ADD COLUMN acr VARCHAR(64);
