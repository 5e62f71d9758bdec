-- (e) Password sign-in through the server's hosted page, as a browser does it: GET the sign-in page,
-- read its form (action, hidden fields, cookies it sets), POST the username and password to it; a
-- redirect (302/303) whose Location matches $SIGNIN_SUCCESS is a sign-in. One operation = two requests.
--   SIGNIN_PAGE     path of the page (Gatehouse: /signin?fromURI=/; Keycloak: the realm's /auth URL)
--   SIGNIN_COOKIE   cookies sent with both requests (Gatehouse: none; the page sets its pre-session cookie)
--   SIGNIN_USERS    comma-separated logins, taken in turn; SIGNIN_PASSWORD is theirs
--   SIGNIN_EXTRA    more form fields (e.g. Keycloak's credentialId=)
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
local r = require "report"

local page_path = r.env("SIGNIN_PAGE")
local fixed_cookie = os.getenv("SIGNIN_COOKIE") or ""
local users = {}
for u in string.gmatch(r.env("SIGNIN_USERS"), "[^,]+") do table.insert(users, u) end
local password = "&password=" .. r.urlencode(r.env("SIGNIN_PASSWORD"))
local next_user = 0
local extra = os.getenv("SIGNIN_EXTRA") or ""
local success = r.env("SIGNIN_SUCCESS")
local forms = r.queue()

setup = r.setup
done = r.done

local function unescape(s)
  return (string.gsub(string.gsub(s, "&amp;", "&"), "&#x2F;", "/"))
end

local function joined(a, b)
  if a == "" then return b end
  if b == "" then return a end
  return a .. "; " .. b
end

function request()
  local form = forms:pop()
  if form then
    next_user = next_user % #users + 1
    return wrk.format("POST", form.action, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = form.cookie,
    }, form.fields .. "username=" .. r.urlencode(users[next_user]) .. password .. (extra ~= "" and ("&" .. extra) or ""))
  end
  return wrk.format("GET", page_path, fixed_cookie ~= "" and { ["Cookie"] = fixed_cookie } or nil)
end

function response(status, headers, body)
  if status == 200 then
    local action = string.match(body, '<form[^>]-action="([^"]+)"')
    if not action then return r.bad(status, body) end
    action = string.gsub(unescape(action), "^https?://[^/]+", "")
    local fields = ""
    for tag in string.gmatch(body, "<input[^>]-type=\"hidden\"[^>]*>") do
      local name, value = string.match(tag, 'name="([^"]*)"'), string.match(tag, 'value="([^"]*)"')
      if name and name ~= "" then
        fields = fields .. r.urlencode(name) .. "=" .. r.urlencode(unescape(value or "")) .. "&"
      end
    end
    -- wrk keeps only the last Set-Cookie header of a response; that is enough for both servers (see README).
    local set = r.header(headers, "Set-Cookie")
    local cookie = joined(fixed_cookie, set and string.match(set, "^[^;]+") or "")
    forms:push({ action = action, fields = fields, cookie = cookie })
  elseif (status == 302 or status == 303) and string.find(r.header(headers, "Location") or "", success) then
    r.ok()
  else
    r.bad(status, body)
  end
end
