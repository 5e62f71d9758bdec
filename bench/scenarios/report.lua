-- Shared by every scenario: per-thread counters, a FIFO queue, header lookup, and a done() that writes
-- one JSON object (throughput, latency percentiles, errors) to $WRK_REPORT for bench/run to collect.
local M = {}

local threads = {}

-- wrk calls setup(thread) once per thread in the main Lua state: number the threads and keep them,
-- so done() can read their counters (ops = completed operations, bad = unexpected responses).
function M.setup(thread)
  thread:set("thread_id", #threads)
  thread:set("thread_count_hint", tonumber(os.getenv("WRK_THREADS") or "1"))
  table.insert(threads, thread)
end

function M.env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then
    if default == nil then error("bench: environment variable " .. name .. " is not set") end
    return default
  end
  return v
end

-- First value of a response header, whatever case the server wrote its name in.
function M.header(headers, name)
  local want = string.lower(name)
  for k, v in pairs(headers) do
    if string.lower(k) == want then return v end
  end
  return nil
end

function M.urlencode(s)
  return (string.gsub(s, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- A FIFO queue (operations in flight are matched to responses through it: wrk's response() does not
-- say which connection or request it belongs to, but each connection has one request in flight).
function M.queue()
  local q = { first = 1, last = 0, items = {} }
  function q:push(v) self.last = self.last + 1; self.items[self.last] = v end
  function q:pop()
    if self.first > self.last then return nil end
    local v = self.items[self.first]
    self.items[self.first] = nil
    self.first = self.first + 1
    return v
  end
  function q:size() return self.last - self.first + 1 end
  return q
end

-- FR_DRIVER=wrk (bench/run): WRK_RATE ops/s held by pacing, like `hey -q`: wrk asks delay() before each request of a
-- connection, and this thread's requests are given slots every 1/rate s (per thread) on the wall clock; a
-- connection whose slot has passed sends at once (at most 1 s of missed slots is caught up). The latency is wrk's,
-- from the send: closed loop per connection, so a stall is not charged to the requests it delayed (no coordinated-
-- omission correction, unlike SignInLoad.java's fixed rate), but wrk (C) costs the server's 2 cores far less.
local pace_rate = tonumber(os.getenv("WRK_RATE") or "")
if pace_rate and pace_rate > 0 then
  local ffi = require("ffi")
  pcall(ffi.cdef, "typedef struct { long tv_sec; long tv_usec; } gh_timeval; int gettimeofday(gh_timeval *tv, void *tz);")
  local tv = ffi.new("gh_timeval")
  local function now_ms()
    ffi.C.gettimeofday(tv, nil)
    return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
  end
  local interval = 1000 * tonumber(os.getenv("WRK_THREADS") or "1") / pace_rate
  local next_due = nil
  function delay()
    local now = now_ms()
    if next_due == nil or next_due < now - 1000 then next_due = math.max(next_due or now, now - 1000) end
    local wait = next_due - now
    next_due = next_due + interval
    if wait <= 0 then return 0 end
    return math.floor(wait)
  end
end

function M.done(summary, latency, requests)
  local ops, bad = 0, 0
  local samples = {}
  for _, t in ipairs(threads) do
    ops = ops + (t:get("ops") or 0)
    bad = bad + (t:get("bad") or 0)
    local s = t:get("bad_sample")
    if s then table.insert(samples, s) end
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  local function p(q) return latency:percentile(q) / 1000.0 end
  local sample = samples[1] or ""
  sample = string.gsub(sample, "[%c\"\\]", " ")
  local json = string.format(
    '{"duration_s":%.3f,"requests":%d,"ops":%d,"rps":%.2f,"ops_per_s":%.2f,'
    .. '"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"p999_ms":%.2f,"max_ms":%.2f,"mean_ms":%.2f,'
    .. '"bad":%d,"non2xx3xx":%d,"socket_errors":%d,"timeouts":%d,"bad_sample":"%s"}',
    secs, summary.requests, ops, summary.requests / secs, ops / secs,
    p(50), p(95), p(99), p(99.9), latency.max / 1000.0, latency.mean / 1000.0,
    bad, e.status, e.connect + e.read + e.write, e.timeout, string.sub(sample, 1, 200))
  io.write(json .. "\n")
  local path = os.getenv("WRK_REPORT")
  if path and path ~= "" then
    local f = assert(io.open(path, "w"))
    f:write(json .. "\n")
    f:close()
  end
end

-- Count one unexpected response, keeping the first one's status and body start for the report.
function M.bad(status, body)
  bad = (bad or 0) + 1
  if bad_sample == nil then bad_sample = tostring(status) .. " " .. string.sub(body or "", 1, 150) end
end

function M.ok()
  ops = (ops or 0) + 1
end

return M
