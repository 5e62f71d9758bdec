-- Client-credentials grants at a custom authorization server whose access policy rule and custom claim (an
-- expression) the token path evaluates (Keycloak: a client with a hardcoded-claim mapper and a client scope).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local r = require "report"

local token_path = r.env("CLAIMS_TOKEN_PATH")
local authorization = r.env("CLAIMS_AUTHORIZATION")
local scope = os.getenv("CLAIMS_SCOPE") or ""
local body = "grant_type=client_credentials" .. (scope ~= "" and ("&scope=" .. r.urlencode(scope)) or "")

setup = r.setup
done = r.done

function request()
  return wrk.format("POST", token_path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = authorization,
  }, body)
end

function response(status, headers, body)
  if status == 200 and string.find(body, '"access_token"', 1, true) then r.ok() else r.bad(status, body) end
end
