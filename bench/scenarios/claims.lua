-- Client-credentials grants at a custom authorization server whose access policy rule and custom claim (an
-- expression) the token path evaluates (Keycloak: a client with a hardcoded-claim mapper and a client scope):
-- the client_credentials scenario, with the claims setup's server, client and scope.
CC_VARIABLES = { token_path = "CLAIMS_TOKEN_PATH", authorization = "CLAIMS_AUTHORIZATION", scope = "CLAIMS_SCOPE" }
dofile(os.getenv("BENCH_LUA") .. "/client_credentials.lua")
