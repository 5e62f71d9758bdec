-- Issue #22: a password hash imported from another store (Okta's credentials.password.hash: BCRYPT, SHA-*, MD5, PBKDF2)
-- is kept as given, prefixed $okta$ (directory/ImportedHash), until the person's first sign-in replaces it with Argon2id.
-- Its parameters, salt and value (each at most 256 characters) need more room than an Argon2id PHC string.
ALTER TABLE users ALTER COLUMN password_hash SET DATA TYPE VARCHAR(1024);
