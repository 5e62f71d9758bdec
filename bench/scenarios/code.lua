-- (b) Authorization code + PKCE (S256) with an existing session: GET /authorize with the session cookie
-- gives a 302 with a code; the code is exchanged at /token. One operation = these two requests.
-- Each authorization request has its own verifier/challenge pair (from $PKCE_PAIRS_FILE, made by bench/run), as
-- a real client's: Gatehouse refuses a challenge reused while its earlier code lives. The pair's index travels in
-- `state`, so the 302 tells which verifier its code needs. The nonce is new for every request too (derived from the
-- pair's challenge, fresh per run): Gatehouse also refuses a nonce reused while its earlier code lives.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local r = require "report"

local authorize_path = r.env("AUTHORIZE_PATH")
local token_path = r.env("TOKEN_PATH")
local client_id = r.env("CLIENT_ID")
local redirect_uri = r.env("REDIRECT_URI")
local cookie = r.env("SESSION_COOKIE")
local scope = r.env("CODE_SCOPE", "openid")
local verifiers, challenges = {}, {}
for line in io.lines(r.env("PKCE_PAIRS_FILE")) do
  local v, c = string.match(line, "^(%S+) (%S+)$")
  table.insert(verifiers, v)
  table.insert(challenges, c)
end
local next_pair = 0
local codes = r.queue()
local sep = string.find(authorize_path, "?", 1, true) and "&" or "?"
local authorize_url = authorize_path .. sep .. "client_id=" .. r.urlencode(client_id)
  .. "&redirect_uri=" .. r.urlencode(redirect_uri) .. "&response_type=code&scope=" .. r.urlencode(scope)
  .. "&code_challenge_method=S256"

setup = r.setup
done = r.done

function request()
  local code = codes:pop()
  if code then
    return wrk.format("POST", token_path, { ["Content-Type"] = "application/x-www-form-urlencoded" },
      "grant_type=authorization_code&client_id=" .. r.urlencode(client_id) .. "&redirect_uri=" .. r.urlencode(redirect_uri)
      .. "&code=" .. r.urlencode(code.code) .. "&code_verifier=" .. code.verifier)
  end
  if next_pair == 0 then -- each thread starts in its own slice of the pairs
    next_pair = (thread_id or 0) * math.floor(#verifiers / (thread_count_hint or 1))
  end
  next_pair = next_pair % #verifiers + 1
  return wrk.format("GET", authorize_url .. "&state=" .. next_pair .. "&nonce=n" .. challenges[next_pair]
    .. "&code_challenge=" .. challenges[next_pair], { ["Cookie"] = cookie })
end

function response(status, headers, body)
  if status == 302 then
    local location = r.header(headers, "Location") or ""
    local code = string.match(location, "[?&]code=([^&#]+)")
    local pair = tonumber(string.match(location, "[?&]state=(%d+)") or "")
    if code and pair then codes:push({ code = code, verifier = verifiers[pair] }) else r.bad(status, location) end
  elseif status == 200 and string.find(body, '"id_token"', 1, true) then
    r.ok()
  else
    r.bad(status, body)
  end
end
