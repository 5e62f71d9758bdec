-- (c) Client-credentials grants by a confidential service client (client_secret_basic).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local r = require "report"

-- claims.lua runs this script with its own server, client and scope (CC_VARIABLES names them).
local vars = CC_VARIABLES or { token_path = "TOKEN_PATH", authorization = "CC_AUTHORIZATION", scope = "CC_SCOPE" }
local token_path = r.env(vars.token_path)
local authorization = r.env(vars.authorization)
local scope = os.getenv(vars.scope) or ""
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
