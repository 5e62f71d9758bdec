-- (d) The public metadata every client fetches: the JWKS and the discovery document, alternately.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local r = require "report"

local paths = { r.env("KEYS_PATH"), r.env("DISCOVERY_PATH") }
local n = 0

setup = r.setup
done = r.done

function request()
  n = n + 1
  return wrk.format("GET", paths[n % 2 + 1])
end

function response(status, headers, body)
  if status == 200 and string.find(body, "{", 1, true) then r.ok() else r.bad(status, body) end
end
