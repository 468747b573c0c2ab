/**
 * The Lua scripts that keep shared budgets atomic. Redis runs a script whole, with no other command between its
 * steps, so "check every budget, then reserve against all of them" is one indivisible step for the whole team,
 * in one round trip.
 *
 * Per counter (a budget, or one run of a run budget, in one period) four keys, passed four at a time:
 *   c  hash   usd, tok (settled spend), rusd, rtok (what live reservations hold)
 *   r  hash   request id → "usd tok" it holds
 *   l  zset   request id → when its lease runs out (ms, Redis's own clock)
 *   d  set    request ids already counted: settling or replaying a call twice counts it once
 * Amounts travel as decimal strings: Lua numbers returned to a client are cut to integers.
 *
 * Rolling windows (a counter whose window is given, > 0) keep one bucket per hour in the same hash: fields
 * U<hour> and T<hour> (hour = its start, epoch ms), with usd/tok their sum over the window and `first` the oldest
 * hour kept. Admission reads the sum, so it costs the same as for a calendar period whatever the window: when the
 * oldest hour slides out its bucket is subtracted (found through `d`, below, without scanning the others), and only
 * after an idle spell of two days or more is the sum recomputed from every bucket left (at most days × 24: 8,784
 * for the longest window of 366 days), which also clears any float drift. Hourly, not coarser, because the local
 * counters (budgets/counters.ts) slide hour by hour too: both then agree on what is in the window. For these `d`
 * is a sorted set scored by the call's hour, trimmed as hours slide out: a replay of a call whose hour has left
 * the window is not counted at all, so a trimmed id cannot be counted twice. The hash and that set expire two
 * hours after the window, so a budget nobody uses leaves nothing behind.
 * The window's "now" is the instance's clock (ARGV), not Redis's: the hours are stamped by the instances when the
 * calls settle, so the window is measured on the same clock; leases stay on Redis's clock.
 */

const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function num(v) return tonumber(v or '0') or 0 end
local function drop(c, r, l, rid)
  local v = redis.call('HGET', r, rid)
  if v then
    local u, k = string.match(v, '(%S+) (%S+)')
    redis.call('HINCRBYFLOAT', c, 'rusd', -tonumber(u))
    redis.call('HINCRBYFLOAT', c, 'rtok', -tonumber(k))
    redis.call('HDEL', r, rid)
  end
  redis.call('ZREM', l, rid)
  -- Float sums drift: once nothing is held, what is held is exactly zero.
  if redis.call('HLEN', r) == 0 then redis.call('HSET', c, 'rusd', '0', 'rtok', '0') end
end
local function purge(c, r, l)
  local gone = redis.call('ZRANGEBYSCORE', l, '-inf', now)
  for _, rid in ipairs(gone) do drop(c, r, l, rid) end
end
local function spent(c)
  local h = redis.call('HMGET', c, 'usd', 'tok')
  return h[1] or '0', h[2] or '0'
end
local HOUR = 3600000
local function hourOf(ms) return math.floor(ms / HOUR) * HOUR end
-- A rolling counter at instant at: buckets whose hour has wholly left the window go (the rule counters.ts uses).
-- Usually that is the oldest hour or two, subtracted from the sum; after a long idle spell (more than WALK hours
-- to step through) the sum is recomputed from the buckets left instead, which also wipes any float drift.
local WALK = 48
local function recompute(c, cutoff)
  local all = redis.call('HGETALL', c)
  local su, st = 0, 0
  for j = 1, #all, 2 do
    local f, p = all[j], string.sub(all[j], 1, 1)
    if p == 'U' or p == 'T' then
      if tonumber(string.sub(f, 2)) + HOUR <= cutoff then
        redis.call('HDEL', c, f)
      elseif p == 'U' then su = su + tonumber(all[j+1])
      else st = st + tonumber(all[j+1]) end
    end
  end
  redis.call('HSET', c, 'usd', string.format('%.17g', su), 'tok', string.format('%.17g', st))
end
local function slide(c, d, win, at)
  local cutoff = at - win
  local first = tonumber(redis.call('HGET', c, 'first') or '')
  local last = hourOf(cutoff - HOUR)
  if first and first <= last then
    if (last - first) / HOUR >= WALK then
      recompute(c, cutoff)
    else
      local su, st = 0, 0
      for h = first, last, HOUR do
        local hs = string.format('%d', h)
        local v = redis.call('HMGET', c, 'U' .. hs, 'T' .. hs)
        if v[1] or v[2] then
          su = su + num(v[1])
          st = st + num(v[2])
          redis.call('HDEL', c, 'U' .. hs, 'T' .. hs)
        end
      end
      redis.call('HINCRBYFLOAT', c, 'usd', -su)
      redis.call('HINCRBYFLOAT', c, 'tok', -st)
    end
  end
  redis.call('ZREMRANGEBYSCORE', d, '-inf', cutoff - HOUR)
  if first and first <= last then
    -- Every bucket was made with a request id in d scored by its hour: d's lowest score is the oldest bucket left.
    local nxt = redis.call('ZRANGE', d, 0, 0, 'WITHSCORES')
    if nxt[2] then
      redis.call('HSET', c, 'first', string.format('%d', tonumber(nxt[2])))
    else
      redis.call('HSET', c, 'usd', '0', 'tok', '0')
      redis.call('HDEL', c, 'first')
    end
  end
end
local function keep(c, d, win)
  redis.call('PEXPIRE', c, win + 2 * HOUR)
  redis.call('PEXPIRE', d, win + 2 * HOUR)
end
`;

/**
 * ARGV: request id, lease ms, the instance's clock (ms), then per counter: usd, tokens, stop usd, stop tokens
 * (-1: no stop), rolling window ms (0: a calendar period).
 * Returns {1, usd1, tok1, …} (spend of each counter after) or {0, index of the first that has no room, usd, tok}.
 */
export const RESERVE = `${PRELUDE}
local id = ARGV[1]
local lease = tonumber(ARGV[2])
local at = tonumber(ARGV[3])
local n = #KEYS / 4
for i = 1, n do
  purge(KEYS[i*4-3], KEYS[i*4-2], KEYS[i*4-1])
  local win = tonumber(ARGV[3 + i*5])
  if win > 0 then slide(KEYS[i*4-3], KEYS[i*4], win, at) end
end
local out = {1}
if redis.call('HEXISTS', KEYS[2], id) == 0 then
  for i = 1, n do
    local c = KEYS[i*4-3]
    local a = 3 + (i-1)*5
    local h = redis.call('HMGET', c, 'usd', 'tok', 'rusd', 'rtok')
    local su, st, ru, rt = num(h[1]), num(h[2]), num(h[3]), num(h[4])
    local u, k, stopU, stopT = tonumber(ARGV[a+1]), tonumber(ARGV[a+2]), tonumber(ARGV[a+3]), tonumber(ARGV[a+4])
    if (stopU >= 0 and su + ru + u > stopU) or (stopT >= 0 and st + rt + k > stopT) then
      return {0, i, h[1] or '0', h[2] or '0'}
    end
  end
  for i = 1, n do
    local c, r, l = KEYS[i*4-3], KEYS[i*4-2], KEYS[i*4-1]
    local a = 3 + (i-1)*5
    redis.call('HINCRBYFLOAT', c, 'rusd', ARGV[a+1])
    redis.call('HINCRBYFLOAT', c, 'rtok', ARGV[a+2])
    redis.call('HSET', r, id, ARGV[a+1] .. ' ' .. ARGV[a+2])
    redis.call('ZADD', l, now + lease, id)
    local win = tonumber(ARGV[a+5])
    if win > 0 then keep(c, KEYS[i*4], win) end
  end
end
for i = 1, n do
  local u, k = spent(KEYS[i*4-3])
  table.insert(out, u)
  table.insert(out, k)
end
return out
`;

/**
 * Settles (or, with no reservation left, replays) a call. ARGV: request id, the instance's clock (ms), then per
 * counter: usd, tokens, rolling window ms (0: a calendar period), when the call settled on its instance (ms; the
 * hour its spend belongs to in a rolling window, kept through a replay).
 * The reservation is given back if it is still there; the spend is added only if the id is new to the counter.
 * Returns {usd1, tok1, …}.
 */
export const SETTLE = `${PRELUDE}
local id = ARGV[1]
local at = tonumber(ARGV[2])
local n = #KEYS / 4
local out = {}
for i = 1, n do
  local c, r, l, d = KEYS[i*4-3], KEYS[i*4-2], KEYS[i*4-1], KEYS[i*4]
  local a = 2 + (i-1)*4
  local win = tonumber(ARGV[a+3])
  drop(c, r, l, id)
  if win > 0 then
    slide(c, d, win, at)
    local h = hourOf(tonumber(ARGV[a+4]))
    -- Spend from an hour already out of the window no longer counts (nor is it remembered).
    if h + HOUR > at - win and redis.call('ZADD', d, 'NX', h, id) == 1 then
      local hs = string.format('%d', h)
      redis.call('HINCRBYFLOAT', c, 'usd', ARGV[a+1])
      redis.call('HINCRBYFLOAT', c, 'tok', ARGV[a+2])
      redis.call('HINCRBYFLOAT', c, 'U' .. hs, ARGV[a+1])
      redis.call('HINCRBYFLOAT', c, 'T' .. hs, ARGV[a+2])
      local first = tonumber(redis.call('HGET', c, 'first') or '')
      if not first or h < first then redis.call('HSET', c, 'first', hs) end
    end
    keep(c, d, win)
  else
    if redis.call('SADD', d, id) == 1 then
      redis.call('HINCRBYFLOAT', c, 'usd', ARGV[a+1])
      redis.call('HINCRBYFLOAT', c, 'tok', ARGV[a+2])
    end
    redis.call('PEXPIRE', d, 3456000000)
  end
  local u, k = spent(c)
  table.insert(out, u)
  table.insert(out, k)
end
return out
`;

/** Gives a reservation back without spend (the call never reached the provider). ARGV: request id. */
export const RELEASE = `${PRELUDE}
local n = #KEYS / 4
for i = 1, n do drop(KEYS[i*4-3], KEYS[i*4-2], KEYS[i*4-1], ARGV[1]) end
return 1
`;

/** Extends leases still held. KEYS: lease sets; ARGV: lease ms, then the request id for each key in turn. */
export const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, #KEYS do redis.call('ZADD', KEYS[i], 'XX', now + tonumber(ARGV[1]), ARGV[i+1]) end
return 1
`;
