-- Password recovery (issue #19): when the person proved another factor for this recovery token. The proof belongs to the
-- token (its row), not to a browser or a session, so a factor verified for one reset link never carries to another, and
-- it ends with the token (used, replaced or expired).
ALTER TABLE user_tokens ADD COLUMN factor_verified_at TIMESTAMP NULL;
