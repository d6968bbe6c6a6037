import type { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { inspectorClient } from "../testing/inspectorClient.ts"
import { startRedis, type TestRedis } from "../testing/redisServer.ts"
import { createRedisRunStore, type RedisRunStore } from "./redisRunStore.ts"
import { runRecord, runStoreContract } from "../testing/runStoreContract.ts"

let redis: TestRedis
let raw: Redis
const stores: RedisRunStore[] = []
let n = 0

beforeAll(async () => {
  redis = await startRedis()
  raw = inspectorClient(redis.url)
})
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()))
  raw.disconnect()
  await redis.close()
})

const open = (options: { finishedTtlSeconds?: number } = {}) => {
  const store = createRedisRunStore({ url: redis.url, prefix: "t:", ...options })
  stores.push(store)
  return store
}

describe("Redis run store", () => {
  runStoreContract(() => {
    const prefix = `c${++n}-`
    return { store: open(), id: (name) => prefix + name }
  })

  it("is shared: a cancel requested through one node's store is what another node's store reads", async () => {
    const [a, b] = [open(), open()]
    await a.createRun(runRecord("shared"))
    await a.putStep("shared", "s1", { kind: "publish", done: true, result: { id: "1-0" } })
    expect(await b.requestCancel("shared")).toBe(true)
    expect(await a.updateRun("shared", { attempt: 2 })).toMatchObject({ attempt: 2, cancelRequested: true })
    expect(await b.getStep("shared", "s1")).toEqual({ kind: "publish", done: true, result: { id: "1-0" } })
  })

  it("expires a finished run and its steps after finishedTtlSeconds; unfinished runs do not expire", async () => {
    const store = open({ finishedTtlSeconds: 120 })
    await store.createRun(runRecord("ttl"))
    await store.putStep("ttl", "s", { kind: "run", done: true })
    expect(await raw.ttl("t:run:{ttl}")).toBe(-1)
    await store.updateRun("ttl", { state: "completed" })
    const [runTtl, stepsTtl] = [await raw.ttl("t:run:{ttl}"), await raw.ttl("t:run:{ttl}:steps")]
    expect(runTtl).toBeGreaterThan(0)
    expect(runTtl).toBeLessThanOrEqual(120)
    expect(stepsTtl).toBeGreaterThan(0)
  })
})

describe("Redis run store without Redis", () => {
  it("rejects commands with the connection error and prints no unhandled-error noise", async () => {
    const printed: string[] = []
    const original = console.error
    console.error = (...args: unknown[]) => void printed.push(args.map(String).join(" "))
    const store = createRedisRunStore({ url: "redis://127.0.0.1:1", redisOptions: { retryStrategy: () => 50 } })
    try {
      await expect(store.getRun("nope")).rejects.toThrow()
      await new Promise((resolve) => setTimeout(resolve, 300)) // a few failed reconnects
    } finally {
      console.error = original
      await store.close()
    }
    expect(printed.filter((line) => line.includes("Unhandled error event"))).toEqual([])
  })
})
