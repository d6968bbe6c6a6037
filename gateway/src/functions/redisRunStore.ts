import { ConduitError, ErrorCode } from "@conduit/shared"
import { Redis, type RedisOptions } from "ioredis"
import type { RunPatch, RunRecord, RunStore, StepRecord } from "./RunStore.ts"

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

const FINISHED = new Set(["completed", "failed", "cancelled"])

// A run is a hash, one JSON-encoded field per record field, so updates merge
// field by field: a cancel flag set on one node survives a patch from another.
// Steps are a second hash, stepId → JSON. Both share a {hash tag} (one slot).
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
local ttl = redis.call("TTL", KEYS[1])
if ttl > 0 then redis.call("EXPIRE", KEYS[2], ttl) end
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

  return {
    async createRun(record) {
      const created = await redis.eval(CREATE, 1, runKey(record.runId), ...fieldsOf({ ...record }))
      if (created !== 1) {
        throw new ConduitError(ErrorCode.CONFIG, `run ${record.runId} already exists`, { details: { runId: record.runId } })
      }
    },
    async getRun(runId) {
      return recordOf(await redis.hgetall(runKey(runId)))
    },
    async updateRun(runId, patch: RunPatch) {
      const expire = patch.state !== undefined && FINISHED.has(patch.state) ? ttl : ""
      const flat = (await redis.eval(UPDATE, 2, runKey(runId), stepsKey(runId), expire, ...fieldsOf(patch))) as string[] | null
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
      const json = await redis.hget(stepsKey(runId), stepId)
      return json === null ? undefined : (JSON.parse(json) as StepRecord)
    },
    async putStep(runId, stepId, record) {
      if ((await redis.eval(PUT_STEP, 2, runKey(runId), stepsKey(runId), stepId, JSON.stringify(record))) !== 1) {
        throw notFound(runId)
      }
    },
    async close() {
      if (options.redis) return
      if (redis.status === "wait") redis.disconnect() // lazy and never used
      else await redis.quit().catch(() => redis.disconnect())
    },
  }
}
