-- (c) Client-credentials grants by a confidential service client (client_secret_basic).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local r = require "report"

local token_path = r.env("TOKEN_PATH")
local authorization = r.env("CC_AUTHORIZATION")
local scope = os.getenv("CC_SCOPE") or ""
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
