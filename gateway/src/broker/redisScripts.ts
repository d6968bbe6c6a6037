import { ID_PART_DIGITS, START_IDS } from "@conduit/shared"

/**
 * Lua run inside Redis, so that what must happen together does: id
 * assignment, idempotency, retention and the live fan-out of a publish are
 * one atomic step, and publish order = id order = Pub/Sub order per channel.
 *
 * Requires Redis ≥ 6.2 (XTRIM MINID, exclusive XRANGE bounds). Per channel
 * (one `{hash tag}`, so one cluster slot): a stream (fields `t` topic, `d`
 * data JSON, `e` envelope tail), a list indexing it (`"<id> <data bytes>"`
 * per entry, oldest first: what trimming reads, so it never copies data), and
 * a meta hash (`ev`: newest id gone, `b`: data bytes retained).
 */

/**
 * The id rule of `@conduit/shared` (`parseId`, `isStartId`), in Lua and built
 * from its constants: `parse` answers what `parseId` does (nil where it is
 * null), `is_start` what `isStartId` does. `redisScripts.test.ts` runs both on
 * the same ids.
 */
export const ID_RULE = `
local function is_start(id)
  return ${START_IDS.map((start) => `id == '${start}'`).join(" or ")}
end

local function parse(id)
  if is_start(id) then return 0, 0 end
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  if not ms or #ms > ${ID_PART_DIGITS} or #seq > ${ID_PART_DIGITS} then return nil end
  return tonumber(ms), tonumber(seq)
end
`

// Shared helpers. Retention is exact (not `MAXLEN ~`): a count bound of 3
// keeps 3, and the newest evicted id is known, which `$gap` needs; Redis
// does not record ids removed by trimming. Every bound evicts from the head,
// so one id (`ev`) says what is gone: it and everything older. `ev` only ever
// moves forward: a node that saw an id the stream no longer holds (a failover
// lost it) raises it there too (MARK_LOSS_SCRIPT).
const HELPERS = `${ID_RULE}
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function cmp(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  if am ~= bm then return am < bm and -1 or 1 end
  if as ~= bs then return as < bs and -1 or 1 end
  return 0
end

local function raise_ev(meta, id)
  local ev = redis.call('HGET', meta, 'ev')
  if not ev or cmp(id, ev) > 0 then redis.call('HSET', meta, 'ev', id) end
end

local function index_id(entry)
  return string.sub(entry, 1, string.find(entry, ' ', 1, true) - 1)
end

-- Drops from the head while more than maxlen messages, more than maxbytes of data,
-- or messages older than ttl are retained (the newest stays unless it alone breaks a bound).
local function trim(stream, meta, index, ttl, maxlen, maxbytes)
  local n = redis.call('LLEN', index)
  if n == 0 then return end
  local bytes = tonumber(redis.call('HGET', meta, 'b') or '0')
  local cutoff = now_ms() - ttl
  local dropped = false
  while n > 0 do
    local head = redis.call('LINDEX', index, 0)
    local id = index_id(head)
    if n <= maxlen and bytes <= maxbytes and parse(id) >= cutoff then break end
    redis.call('LPOP', index)
    n = n - 1
    bytes = bytes - tonumber(string.sub(head, #id + 2))
    dropped = id
  end
  if not dropped then return end
  if n > 0 then
    redis.call('XTRIM', stream, 'MINID', index_id(redis.call('LINDEX', index, 0)))
  else
    redis.call('XTRIM', stream, 'MAXLEN', 0)
  end
  redis.call('HSET', meta, 'b', bytes)
  raise_ev(meta, dropped)
end

-- Keys someone else wrote with the wrong type would fail a write halfway: refuse before any.
local function check_type(key, allowed)
  local t = redis.call('TYPE', key)['ok']
  if t ~= 'none' and t ~= allowed then
    return redis.error_reply('WRONGTYPE conduit key ' .. key .. ' holds a ' .. t .. ', expected a ' .. allowed)
  end
end
`

/**
 * One publish request, all or nothing: every channel of the batch (in a
 * cluster, every channel of the batch in this slot).
 * KEYS: per channel stream, meta, index; then the batch's idempotency keys;
 * then, with a request key, that key last.
 * ARGV: "S" (SPUBLISH) or "P" (PUBLISH), maxlen, ttl ms, max bytes, channel
 * count, request key ttl ms (0: no request key), then per channel: live
 * channel name, message count, then per message: topic, tail, data, index
 * into KEYS of its idempotency key (0: none).
 * Returns [id, duplicate (0|1), …] per message, in channel then input order;
 * a request key seen before answers its first ids, all duplicates.
 * Live payload: 4 lines per new message (id, topic, tail, data); none of them
 * can hold a raw newline.
 */
export const PUBLISH_SCRIPT = `${HELPERS}
local maxlen, ttl, maxbytes, channels = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
for c = 1, channels do
  local err = check_type(KEYS[3 * c - 2], 'stream') or check_type(KEYS[3 * c - 1], 'hash') or check_type(KEYS[3 * c], 'list')
  if err then return err end
end
for k = 3 * channels + 1, #KEYS do
  local err = check_type(KEYS[k], 'string')
  if err then return err end
end
local rkttl = tonumber(ARGV[6])
if rkttl > 0 then
  local seen = redis.call('GET', KEYS[#KEYS])
  if seen then
    local again = {}
    for id in string.gmatch(seen, '[^,]+') do
      again[#again + 1] = id
      again[#again + 1] = 1
    end
    return again
  end
end
local out = {}
local at = 7
for c = 1, channels do
  local stream, meta, index = KEYS[3 * c - 2], KEYS[3 * c - 1], KEYS[3 * c]
  local live_name, count = ARGV[at], tonumber(ARGV[at + 1])
  at = at + 2
  -- After a failover lost ids (ev newer than the stream's last entry) on a primary whose clock is behind,
  -- the next id still comes after them: a subscriber that saw them must not take new ids for old ones.
  local first_id = '*'
  local ev = redis.call('HGET', meta, 'ev')
  if ev then
    local last = redis.call('LINDEX', index, -1)
    local ev_ms, ev_seq = parse(ev)
    if (not last or cmp(ev, index_id(last)) > 0) and ev_ms >= now_ms() then first_id = ev_ms .. '-' .. (ev_seq + 1) end
  end
  local live = {}
  for i = 1, count do
    local topic, tail, data, k = ARGV[at], ARGV[at + 1], ARGV[at + 2], tonumber(ARGV[at + 3])
    at = at + 4
    local seen = false
    if k > 0 then seen = redis.call('GET', KEYS[k]) end
    if seen then
      out[#out + 1] = seen
      out[#out + 1] = 1
    else
      local id = redis.call('XADD', stream, first_id, 't', topic, 'e', tail, 'd', data)
      first_id = '*'
      redis.call('RPUSH', index, id .. ' ' .. #data)
      redis.call('HINCRBY', meta, 'b', #data)
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
    trim(stream, meta, index, ttl, maxlen, maxbytes)
    -- An idle channel's messages are all past the age bound: let its keys go too.
    redis.call('PEXPIRE', stream, ttl + 1000)
    redis.call('PEXPIRE', meta, ttl + 1000)
    redis.call('PEXPIRE', index, ttl + 1000)
    redis.call(ARGV[1] == 'S' and 'SPUBLISH' or 'PUBLISH', live_name, table.concat(live, '\\n'))
  end
end
if rkttl > 0 then
  local ids = {}
  for i = 1, #out, 2 do ids[#ids + 1] = out[i] end
  redis.call('SET', KEYS[#KEYS], table.concat(ids, ','), 'PX', rkttl)
end
return out
`

/**
 * KEYS: stream, meta, index. ARGV: after (a start id: from the start), limit
 * (0: no entries), maxlen, ttl ms, max bytes. Trims first (age passes
 * without publishes). Returns [newest id gone or "", whether the stream
 * holds `after` (0|1), oldest retained id or "", entries after `after`,
 * newest id or ""]; `resumeGap` decides the gap. The newest id is the later
 * of the newest entry and the newest id gone (evicted, or lost in a
 * failover): a subscriber positioned there resumes without a gap.
 */
export const READ_SCRIPT = `${HELPERS}
local stream, meta, index = KEYS[1], KEYS[2], KEYS[3]
local after, limit = ARGV[1], tonumber(ARGV[2])
trim(stream, meta, index, tonumber(ARGV[4]), tonumber(ARGV[3]), tonumber(ARGV[5]))
local holds = 0
if not is_start(after) and #redis.call('XRANGE', stream, after, after) > 0 then holds = 1 end
local first = redis.call('LINDEX', index, 0)
local ev = redis.call('HGET', meta, 'ev')
local newest = ev
local last = redis.call('LINDEX', index, -1)
if last and (not newest or cmp(index_id(last), newest) > 0) then newest = index_id(last) end
local start = is_start(after) and '-' or ('(' .. after)
local entries = {}
if limit > 0 then entries = redis.call('XRANGE', stream, start, '+', 'COUNT', limit) end
return {ev or '', holds, first and index_id(first) or '', entries, newest or ''}
`

/**
 * A node delivered `id` live, and the channel's stream no longer holds it:
 * the backend lost acknowledged messages (a primary died before its replica
 * got them). Records it as gone, so every resume from before it gets `$gap`.
 * A channel Redis knows nothing of is left alone: it reports a gap for every
 * resume anyway. KEYS: stream, meta, index. ARGV: id. Returns 1 when recorded.
 */
export const MARK_LOSS_SCRIPT = `${HELPERS}
local stream, meta, index = KEYS[1], KEYS[2], KEYS[3]
local id = ARGV[1]
if redis.call('EXISTS', stream) == 0 then return 0 end
if #redis.call('XRANGE', stream, id, id) > 0 then return 0 end
local ev = redis.call('HGET', meta, 'ev')
if ev and cmp(id, ev) <= 0 then return 0 end
redis.call('HSET', meta, 'ev', id)
local pttl = redis.call('PTTL', stream)
if pttl > 0 then redis.call('PEXPIRE', meta, pttl) end
return 1
`
