import { ConduitError, ErrorCode, isFinishedRunStatus } from "@conduit/shared"
import { Redis, type RedisOptions } from "ioredis"
import { MAX_INBOX, type RunEvent, type RunPatch, type RunRecord, type RunStore, type StepRecord, type Waiter } from "./RunStore.ts"

export interface RedisRunStoreOptions {
  /** `redis://host:port`, the gateway's `CONDUIT_REDIS_URL`. Either this or `redis`. */
  url?: string
  /** A connection to use (not closed by `close()`). */
  redis?: Redis
  /** Key prefix, the gateway's `CONDUIT_REDIS_PREFIX`. @default "conduit:" */
  prefix?: string
  /** How long a finished run and its steps are kept, seconds; unfinished runs never expire. @default 604800 (7 days) */
  finishedTtlSeconds?: number
  /** Options for a connection made from `url`. */
  redisOptions?: RedisOptions
}

export interface RedisRunStore extends RunStore {
  /** Closes the connection the store opened. */
  close(): Promise<void>
}

// A run is a hash, one JSON-encoded field per record field, so updates merge
// field by field: a cancel flag set on one node survives a patch from another.
// Steps are a second hash, stepId → JSON, and the events delivered to waiting
// steps a third (stepId → JSON lines, appended without decoding them: Lua's
// cjson would round numbers). All share a {hash tag} (one slot).
const CREATE = `
if redis.call("EXISTS", KEYS[1]) == 1 then return 0 end
redis.call("HSET", KEYS[1], unpack(ARGV))
return 1`
const UPDATE = `
if redis.call("EXISTS", KEYS[1]) == 0 then return nil end
if #ARGV > 1 then redis.call("HSET", KEYS[1], unpack(ARGV, 2)) end
if ARGV[1] ~= "" then
  redis.call("EXPIRE", KEYS[1], ARGV[1])
  redis.call("EXPIRE", KEYS[2], ARGV[1])
  redis.call("EXPIRE", KEYS[3], ARGV[1])
end
return redis.call("HGETALL", KEYS[1])`
const ADD_CHANNELS = `
local raw = redis.call("HGET", KEYS[1], "channels")
if not raw then return 0 end
local channels = cjson.decode(raw)
local seen = {}
for _, c in ipairs(channels) do seen[c] = true end
local changed = false
for _, c in ipairs(ARGV) do
  if not seen[c] then seen[c] = true; channels[#channels + 1] = c; changed = true end
end
if changed then redis.call("HSET", KEYS[1], "channels", cjson.encode(channels)) end
return 1`
const CANCEL = `
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
redis.call("HSET", KEYS[1], "cancelRequested", "true")
return 1`
const PUT_STEP = `
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
redis.call("HSET", KEYS[2], ARGV[1], ARGV[2])
if ARGV[3] == "1" then redis.call("HDEL", KEYS[3], ARGV[1]) end
local ttl = redis.call("TTL", KEYS[1])
if ttl > 0 then redis.call("EXPIRE", KEYS[2], ttl) end
return 1`
const DROP_INBOX = `
local current = redis.call("HGET", KEYS[1], ARGV[1])
if not current then return 0 end
local lines = {}
for line in string.gmatch(current, "[^\\n]+") do lines[#lines + 1] = line end
local from = tonumber(ARGV[2]) + 1
if from > #lines then redis.call("HDEL", KEYS[1], ARGV[1]) else redis.call("HSET", KEYS[1], ARGV[1], table.concat(lines, "\\n", from)) end
return 1`
const DELIVER = `
local raw = redis.call("HGET", KEYS[1], ARGV[1])
if not raw then return 0 end
local ok, step = pcall(cjson.decode, raw)
if not ok or step.kind ~= "wait" or step.done then return 0 end
local lines = {}
local current = redis.call("HGET", KEYS[2], ARGV[1])
if current then for line in string.gmatch(current, "[^\\n]+") do lines[#lines + 1] = line end end
lines[#lines + 1] = ARGV[2]
local from = math.max(1, #lines - tonumber(ARGV[3]) + 1)
redis.call("HSET", KEYS[2], ARGV[1], table.concat(lines, "\\n", from))
return 1`

function fieldsOf(values: Record<string, unknown>): string[] {
  const args: string[] = []
  for (const [field, value] of Object.entries(values)) {
    if (value !== undefined) args.push(field, JSON.stringify(value))
  }
  return args
}

function recordOf(flat: string[] | Record<string, string>): RunRecord | undefined {
  const entries = Array.isArray(flat) ? pairs(flat) : Object.entries(flat)
  if (entries.length === 0) return undefined
  const record: Record<string, unknown> = {}
  for (const [field, json] of entries) record[field] = JSON.parse(json)
  return record as unknown as RunRecord
}

function pairs(flat: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!])
  return out
}

const notFound = (runId: string) => new ConduitError(ErrorCode.NOT_FOUND, `no run ${runId}`, { details: { runId } })

/**
 * The store's own connection. Its errors reach callers as rejected commands;
 * without a listener ioredis would also print every failed reconnect as an
 * "Unhandled error event" while Redis is away.
 */
function ownClient(url: string, redisOptions: RedisRunStoreOptions["redisOptions"]): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, ...redisOptions })
  redis.on("error", () => {})
  return redis
}

/**
 * A `RunStore` in Redis, so any node can read, cancel or resume a run its
 * owner started: what the functions runtime uses when the gateway runs on
 * Redis (`CONDUIT_REDIS_URL`). Finished runs expire after `finishedTtlSeconds`.
 */
export function createRedisRunStore(options: RedisRunStoreOptions): RedisRunStore {
  if (!options.redis && !options.url) throw new ConduitError(ErrorCode.CONFIG, "a Redis run store needs `url` or `redis`")
  const redis = options.redis ?? ownClient(options.url!, options.redisOptions)
  const prefix = options.prefix ?? "conduit:"
  const ttl = String(options.finishedTtlSeconds ?? 7 * 24 * 3600)
  const runKey = (runId: string) => `${prefix}run:{${runId}}`
  const stepsKey = (runId: string) => `${prefix}run:{${runId}}:steps`
  const inboxKey = (runId: string) => `${prefix}run:{${runId}}:inbox`
  const waitersKey = (event: string) => `${prefix}waiters:${event}`

  return {
    async createRun(record) {
      const created = await redis.eval(CREATE, 1, runKey(record.runId), ...fieldsOf({ ...record }))
      if (created !== 1) {
        throw new ConduitError(ErrorCode.RUN_EXISTS, `run ${record.runId} already exists`, { details: { runId: record.runId } })
      }
    },
    async getRun(runId) {
      return recordOf(await redis.hgetall(runKey(runId)))
    },
    async updateRun(runId, patch: RunPatch) {
      const expire = patch.state !== undefined && isFinishedRunStatus(patch.state) ? ttl : ""
      const flat = (await redis.eval(UPDATE, 3, runKey(runId), stepsKey(runId), inboxKey(runId), expire, ...fieldsOf(patch))) as string[] | null
      const record = flat && recordOf(flat)
      if (!record) throw notFound(runId)
      return record
    },
    async addChannels(runId, channels) {
      if ((await redis.eval(ADD_CHANNELS, 1, runKey(runId), ...channels)) !== 1) throw notFound(runId)
    },
    async requestCancel(runId) {
      return (await redis.eval(CANCEL, 1, runKey(runId))) === 1
    },
    async getStep(runId, stepId) {
      const [json, lines] = await Promise.all([redis.hget(stepsKey(runId), stepId), redis.hget(inboxKey(runId), stepId)])
      if (json === null) return undefined
      const record = JSON.parse(json) as StepRecord
      if (lines !== null) record.inbox = lines.split("\n").map((line) => JSON.parse(line) as RunEvent)
      return record
    },
    async putStep(runId, stepId, record) {
      const clearsInbox = record.kind === "wait" && record.done ? "1" : "0"
      const args = [runKey(runId), stepsKey(runId), inboxKey(runId), stepId, JSON.stringify({ ...record, inbox: undefined }), clearsInbox]
      if ((await redis.eval(PUT_STEP, 3, ...args)) !== 1) throw notFound(runId)
    },
    async deliverEvent(runId, stepId, event) {
      return (await redis.eval(DELIVER, 2, stepsKey(runId), inboxKey(runId), stepId, JSON.stringify(event), String(MAX_INBOX))) === 1
    },
    async dropInbox(runId, stepId, count) {
      await redis.eval(DROP_INBOX, 1, inboxKey(runId), stepId, String(count))
    },
    async addWaiter(waiter: Waiter) {
      await redis.hset(waitersKey(waiter.event), `${waiter.runId} ${waiter.stepId}`, JSON.stringify(waiter))
    },
    async removeWaiter(event, runId, stepId) {
      await redis.hdel(waitersKey(event), `${runId} ${stepId}`)
    },
    async waitersOf(event) {
      return Object.values(await redis.hgetall(waitersKey(event))).map((json) => JSON.parse(json) as Waiter)
    },
    async close() {
      if (options.redis) return
      if (redis.status === "wait") redis.disconnect() // lazy and never used
      else await redis.quit().catch(() => redis.disconnect())
    },
  }
}
