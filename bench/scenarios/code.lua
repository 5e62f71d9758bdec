-- (b) Authorization code + PKCE (S256) with an existing session: GET /authorize with the session cookie
-- gives a 302 with a code; the code is exchanged at /token. One operation = these two requests.
-- A fixed verifier/challenge pair is enough: the server's work is the same for any pair.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local r = require "report"

local authorize_path = r.env("AUTHORIZE_PATH")
local token_path = r.env("TOKEN_PATH")
local client_id = r.env("CLIENT_ID")
local redirect_uri = r.env("REDIRECT_URI")
local cookie = r.env("SESSION_COOKIE")
local scope = r.env("CODE_SCOPE", "openid")
local verifier = "bench-verifier-0123456789-abcdefghijklmnopqrstuvwxyz"
local challenge = "2jWB5HORkKgqnTwY916xUGwDhNNXcfic4GfY6Udgc-4" -- base64url(SHA-256(verifier))
local codes = r.queue()
local sep = string.find(authorize_path, "?", 1, true) and "&" or "?"
local authorize_url = authorize_path .. sep .. "client_id=" .. r.urlencode(client_id)
  .. "&redirect_uri=" .. r.urlencode(redirect_uri) .. "&response_type=code&scope=" .. r.urlencode(scope)
  .. "&state=bench-state&nonce=bench-nonce&code_challenge=" .. challenge .. "&code_challenge_method=S256"

setup = r.setup
done = r.done

function request()
  local code = codes:pop()
  if code then
    return wrk.format("POST", token_path, { ["Content-Type"] = "application/x-www-form-urlencoded" },
      "grant_type=authorization_code&client_id=" .. r.urlencode(client_id) .. "&redirect_uri=" .. r.urlencode(redirect_uri)
      .. "&code=" .. r.urlencode(code) .. "&code_verifier=" .. verifier)
  end
  return wrk.format("GET", authorize_url, { ["Cookie"] = cookie })
end

function response(status, headers, body)
  if status == 302 then
    local location = r.header(headers, "Location") or ""
    local code = string.match(location, "[?&]code=([^&#]+)")
    if code then codes:push(code) else r.bad(status, location) end
  elseif status == 200 and string.find(body, '"id_token"', 1, true) then
    r.ok()
  else
    r.bad(status, body)
  end
end
