-- (a) Refresh-token grants with rotation: every response carries the chain's next refresh token.
-- Tokens come from $REFRESH_TOKENS_FILE (one per line, minted by the setup); each is the head of its own
-- chain and is used by one request at a time: a request takes a chain's current token from the queue,
-- its response puts the successor back. A failed refresh loses its chain (the file has spares).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local r = require "report"

local token_path = r.env("TOKEN_PATH")
local client_id = r.env("CLIENT_ID")
local chains = r.queue()

setup = r.setup
done = r.done

function init(args)
  -- Thread n of N takes every Nth line, so threads never share a chain.
  local n, i = thread_count_hint or 1, 0
  for line in io.lines(r.env("REFRESH_TOKENS_FILE")) do
    if line ~= "" and i % n == (thread_id or 0) then chains:push(line) end
    i = i + 1
  end
end

function request()
  local token = chains:pop() or "no-chain-left"
  return wrk.format("POST", token_path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "grant_type=refresh_token&client_id=" .. r.urlencode(client_id) .. "&refresh_token=" .. r.urlencode(token))
end

function response(status, headers, body)
  local next_token = status == 200 and string.match(body, '"refresh_token"%s*:%s*"([^"]+)"')
  if next_token and string.find(body, '"id_token"', 1, true) then
    chains:push(next_token)
    r.ok()
  else
    r.bad(status, body)
  end
end
