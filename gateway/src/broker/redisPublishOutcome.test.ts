import type { Envelope } from "@conduit/shared"
import type { Redis } from "ioredis"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { inspectorClient } from "../testing/inspectorClient.ts"
import { startRedis, type TestRedis } from "../testing/redisServer.ts"
import type { PreparedMessage, StoredMessage } from "./Broker.ts"
import { createRedisBroker, type RedisBroker, type RedisBrokerOptions } from "./redisBroker.ts"
import { messageJson } from "./storedMessage.ts"

let redis: TestRedis
let raw: Redis
const brokers: RedisBroker[] = []
let n = 0

beforeAll(async () => {
  redis = await startRedis()
  raw = inspectorClient(redis.url)
})
afterAll(async () => {
  raw.disconnect()
  await redis.close()
})
afterEach(async () => {
  redis.resume()
  await Promise.all(brokers.splice(0).map((b) => b.close()))
})

async function node(options: Partial<RedisBrokerOptions> = {}): Promise<RedisBroker> {
  const broker = createRedisBroker({ url: redis.url, ...options })
  brokers.push(broker)
  expect(await broker.whenReady(5000)).toBe(true)
  return broker
}

const fresh = () => `out:${process.pid}.${++n}`
const msg = (channel: string, data: unknown): PreparedMessage => ({ channel, topic: "t", data, dataJson: JSON.stringify(data), kind: "data" })
const streamLength = (channel: string) => raw.xlen(`conduit:{${channel}}:stream`)
const dataOf = (m: StoredMessage) => (JSON.parse(messageJson(m).toString()) as Envelope).data

describe("redis broker: what a failed publish means", () => {
  it("says the outcome is unknown when Redis took the publish but did not answer in time (it happens later)", async () => {
    const a = await node({ commandTimeoutMs: 300 })
    const channel = fresh()
    redis.pause()
    const error = await a.publish([msg(channel, "late")]).catch((e: unknown) => e)
    redis.resume()
    await expect.poll(() => streamLength(channel), { timeout: 5000 }).toBe(1)
    expect(error).toMatchObject({ code: "ERR_OUTCOME_UNKNOWN" })
  })

  it("answers ERR_BROKER_UNAVAILABLE only for a publish that can never happen", async () => {
    const a = await node({ commandTimeoutMs: 200, healthCheckMs: 50 })
    const channel = fresh()
    redis.pause()
    await expect.poll(() => a.isReady(), { timeout: 10_000 }).toBe(false)
    await expect(a.publish([msg(channel, "refused")])).rejects.toMatchObject({ code: "ERR_BROKER_UNAVAILABLE" })
    redis.resume()
    expect(await a.whenReady(10_000)).toBe(true)
    await a.publish([msg(channel, "after")])
    expect((await a.read(channel, "0")).messages.map(dataOf)).toEqual(["after"])
  })

  it("publishes a batch across channels all or nothing, and a key of the wrong type is not a retryable 503", async () => {
    const a = await node()
    const [x, y] = [fresh(), fresh()]
    await raw.set(`conduit:{${y}}:stream`, "not a stream")
    const error = await a.publish([msg(x, 1), msg(y, 1), msg(x, 2)]).catch((e: unknown) => e)
    expect(await streamLength(x)).toBe(0)
    expect(error).toMatchObject({ code: "ERR_BROKER_FAILED" })
    // The broker is still fine for every other channel.
    await a.publish([msg(x, 3)])
    expect((await a.read(x, "0")).messages.map(dataOf)).toEqual([3])
  })
})
