-- Issue #23: a client-credentials access token is no longer a row of access_tokens (its grant wrote a row nothing read
-- unless the token was revoked). Revoking one such token writes its row then, already revoked; revoking every token of
-- a client (app deactivation) records the instant here: such a token issued in or before that second is revoked.
CREATE TABLE client_token_cutoffs (
    client_id       VARCHAR(100) PRIMARY KEY,
    revoked_before  TIMESTAMP WITH TIME ZONE NOT NULL
);
