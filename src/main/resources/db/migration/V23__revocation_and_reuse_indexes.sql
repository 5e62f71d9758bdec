-- Revoking everything a user holds (DELETE /api/v1/users/{id}/sessions?oauthTokens=true, deactivation) and everything
-- an app holds (deactivation, DELETE /api/v1/apps/{id}/tokens) finds the token families by their owner; without
-- these indexes that is a scan of every family ever issued. (Access tokens are found through the family index or the
-- expiry index; refresh tokens through the family index.)
CREATE INDEX token_families_user ON token_families (user_id);
CREATE INDEX token_families_client ON token_families (client_id);
-- /authorize asks, before each code, whether the client already used the request's PKCE challenge or nonce for a code
-- that still lives; with these the answer is an index probe, not a pass over every live code.
CREATE INDEX authorization_codes_client_challenge ON authorization_codes (client_id, code_challenge);
CREATE INDEX authorization_codes_client_nonce ON authorization_codes (client_id, nonce);
-- The number leaves room for the other branches' migrations (as V20 did).
