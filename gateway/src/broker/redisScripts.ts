/**
 * Lua run inside Redis, so that what must happen together does: id
 * assignment, idempotency, retention and the live fan-out of a publish are
 * one atomic step, and publish order = id order = Pub/Sub order per channel.
 *
 * Requires Redis ≥ 6.2 (XTRIM MINID, exclusive XRANGE bounds). Stream entry
 * fields: `t` topic, `d` data JSON, `e` envelope tail (runId, kind).
 */

// Shared helpers. Retention is exact (not `MAXLEN ~`): a count bound of 3
// keeps 3, and the newest evicted id is known, which `$gap` needs; Redis
// does not record ids removed by trimming (`max-deleted-entry-id` counts
// only XDEL). Both bounds evict from the head, so one id (`ev`) says what
// is gone: every message older than it and itself.
const HELPERS = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function cmp(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, bm, as, bs = tonumber(am), tonumber(bm), tonumber(as), tonumber(bs)
  if am ~= bm then return am < bm and -1 or 1 end
  if as ~= bs then return as < bs and -1 or 1 end
  return 0
end

-- Drops messages older than ttl, then the oldest beyond maxlen; records the newest dropped id.
local function trim(stream, meta, ttl, maxlen)
  local ev = false
  local cutoff = now_ms() - ttl
  if cutoff > 0 then
    local older = redis.call('XREVRANGE', stream, '(' .. cutoff .. '-0', '-', 'COUNT', 1)
    if older[1] then
      ev = older[1][1]
      redis.call('XTRIM', stream, 'MINID', cutoff)
    end
  end
  local excess = redis.call('XLEN', stream) - maxlen
  if excess > 0 then
    local head = redis.call('XRANGE', stream, '-', '+', 'COUNT', excess + 1)
    ev = head[excess][1]
    redis.call('XTRIM', stream, 'MINID', head[excess + 1][1])
  end
  if ev then redis.call('HSET', meta, 'ev', ev) end
end
`

/**
 * KEYS: stream, meta, then the idempotency keys of the batch.
 * ARGV: live channel, "S" (SPUBLISH) or "P" (PUBLISH), maxlen, ttl ms, then
 * per message: topic, tail, data, index into KEYS of its idempotency key (0: none).
 * Returns [id, duplicate (0|1), …] per message. Live payload: 4 lines per
 * new message (id, topic, tail, data); none of them can hold a raw newline.
 */
export const PUBLISH_SCRIPT = `${HELPERS}
local stream, meta = KEYS[1], KEYS[2]
local maxlen, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
local out, live = {}, {}
for i = 5, #ARGV, 4 do
  local topic, tail, data, k = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  local seen = false
  if k > 0 then seen = redis.call('GET', KEYS[k]) end
  if seen then
    out[#out + 1] = seen
    out[#out + 1] = 1
  else
    local id = redis.call('XADD', stream, '*', 't', topic, 'e', tail, 'd', data)
    if k > 0 then redis.call('SET', KEYS[k], id, 'PX', ttl) end
    out[#out + 1] = id
    out[#out + 1] = 0
    live[#live + 1] = id
    live[#live + 1] = topic
    live[#live + 1] = tail
    live[#live + 1] = data
  end
end
if #live > 0 then
  redis.call('HSETNX', meta, 'born', live[1])
  trim(stream, meta, ttl, maxlen)
  -- An idle channel's messages are all past the age bound: let its keys go too.
  redis.call('PEXPIRE', stream, ttl + 1000)
  redis.call('PEXPIRE', meta, ttl + 1000)
  redis.call(ARGV[2] == 'S' and 'SPUBLISH' or 'PUBLISH', ARGV[1], table.concat(live, '\\n'))
end
return out
`

/**
 * KEYS: stream, meta. ARGV: after ("0" = from the start), limit (0: no entries), maxlen, ttl ms.
 * Returns [0] for a channel Redis knows nothing of, else
 * [1, gap (0|1), oldest retained id or "", entries, newest id or ""].
 * A gap is reported when a message after `after` was evicted, and for a real
 * id older than the stream's first message or newer than its last (it may
 * come from an earlier life of the channel, whose keys expired, or from
 * another clock: the broker cannot vouch for what followed it). The newest
 * id is the newest entry, or the newest evicted one once none is left.
 */
export const READ_SCRIPT = `${HELPERS}
local stream, meta = KEYS[1], KEYS[2]
local after, limit = ARGV[1], tonumber(ARGV[2])
if redis.call('EXISTS', stream) == 0 and redis.call('EXISTS', meta) == 0 then return {0} end
trim(stream, meta, tonumber(ARGV[4]), tonumber(ARGV[3]))
local info = redis.call('HMGET', meta, 'ev', 'born')
local ev, born = info[1], info[2]
local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
local newest = last[1] and last[1][1] or ev
local gap = 0
if after == '0' then
  if ev then gap = 1 end
elseif (ev and cmp(after, ev) < 0) or (born and cmp(after, born) < 0) or (newest and cmp(after, newest) > 0) then
  gap = 1
end
local oldest = ''
if gap == 1 then
  local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
  if first[1] then oldest = first[1][1] end
end
local start = after == '0' and '-' or ('(' .. after)
local entries = {}
if limit > 0 then entries = redis.call('XRANGE', stream, start, '+', 'COUNT', limit) end
return {1, gap, oldest, entries, newest or ''}
`
