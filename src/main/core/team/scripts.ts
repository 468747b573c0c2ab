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
`;

/**
 * ARGV: request id, lease ms, then per counter: usd, tokens, stop usd, stop tokens (-1: no stop).
 * Returns {1, usd1, tok1, …} (spend of each counter after) or {0, index of the first that has no room, usd, tok}.
 */
export const RESERVE = `${PRELUDE}
local id = ARGV[1]
local lease = tonumber(ARGV[2])
local n = #KEYS / 4
for i = 1, n do purge(KEYS[i*4-3], KEYS[i*4-2], KEYS[i*4-1]) end
local out = {1}
if redis.call('HEXISTS', KEYS[2], id) == 0 then
  for i = 1, n do
    local c = KEYS[i*4-3]
    local a = 2 + (i-1)*4
    local h = redis.call('HMGET', c, 'usd', 'tok', 'rusd', 'rtok')
    local su, st, ru, rt = num(h[1]), num(h[2]), num(h[3]), num(h[4])
    local u, k, stopU, stopT = tonumber(ARGV[a+1]), tonumber(ARGV[a+2]), tonumber(ARGV[a+3]), tonumber(ARGV[a+4])
    if (stopU >= 0 and su + ru + u > stopU) or (stopT >= 0 and st + rt + k > stopT) then
      return {0, i, h[1] or '0', h[2] or '0'}
    end
  end
  for i = 1, n do
    local c, r, l = KEYS[i*4-3], KEYS[i*4-2], KEYS[i*4-1]
    local a = 2 + (i-1)*4
    redis.call('HINCRBYFLOAT', c, 'rusd', ARGV[a+1])
    redis.call('HINCRBYFLOAT', c, 'rtok', ARGV[a+2])
    redis.call('HSET', r, id, ARGV[a+1] .. ' ' .. ARGV[a+2])
    redis.call('ZADD', l, now + lease, id)
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
 * Settles (or, with no reservation left, replays) a call. ARGV: request id, then per counter: usd, tokens.
 * The reservation is given back if it is still there; the spend is added only if the id is new to the counter.
 * Returns {usd1, tok1, …}.
 */
export const SETTLE = `${PRELUDE}
local id = ARGV[1]
local n = #KEYS / 4
local out = {}
for i = 1, n do
  local c, r, l, d = KEYS[i*4-3], KEYS[i*4-2], KEYS[i*4-1], KEYS[i*4]
  drop(c, r, l, id)
  if redis.call('SADD', d, id) == 1 then
    redis.call('HINCRBYFLOAT', c, 'usd', ARGV[2*i])
    redis.call('HINCRBYFLOAT', c, 'tok', ARGV[2*i+1])
  end
  redis.call('PEXPIRE', d, 3456000000)
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
