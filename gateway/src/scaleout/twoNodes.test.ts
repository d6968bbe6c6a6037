import type { Redis } from "ioredis"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import type { GatewayOptions } from "../config/GatewayOptions.ts"
import { openStream, type TestEvent, type TestStream } from "../testing/openStream.ts"
import { inspectorClient } from "../testing/inspectorClient.ts"
import { startRedis, type TestRedis } from "../testing/redisServer.ts"
import { type RunningGateway, startGateway } from "../testing/startGateway.ts"

let redis: TestRedis
let raw: Redis
const running: RunningGateway[] = []
const streams: TestStream[] = []
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
  for (const s of streams.splice(0)) s.close()
  await Promise.all(running.splice(0).map((g) => g.close()))
})

/** A gateway node on the shared Redis, ready. */
async function node(options: GatewayOptions = {}, port = 0): Promise<RunningGateway> {
  const gw = await startGateway({ redisUrl: redis.url, ...options }, port)
  running.push(gw)
  await expect.poll(async () => (await gw.get("/readyz")).status, { timeout: 5000 }).toBe(200)
  return gw
}
async function subscribe(gw: RunningGateway, query: string, headers: Record<string, string> = {}): Promise<TestStream> {
  const s = await openStream(`${gw.url}/v1/subscribe?${query}`, headers)
  streams.push(s)
  expect(s.status).toBe(200)
  return s
}
const fresh = () => `run:${process.pid}.${++n}`
const values = (events: TestEvent[]) => events.filter((e) => !e.event?.startsWith("$")).map((e) => JSON.parse(e.data).data)
const publishN = async (gw: RunningGateway, channel: string, from: number, to: number, topic = "n") => {
  const ids: string[] = []
  for (let i = from; i < to; i++) {
    const { status, body } = await gw.post("/v1/publish", { channel, topic, data: i })
    expect(status).toBe(202)
    ids.push(body.ids[0])
  }
  return ids
}

describe("two gateway nodes on one Redis", () => {
  it("delivers publishes on node A to subscribers on node B, in order, with A's ids", async () => {
    const [a, b] = [await node(), await node()]
    const channel = fresh()
    const onB = [await subscribe(b, `channel=${channel}`), await subscribe(b, `channel=${channel}`)]
    const filtered = await subscribe(b, `channel=${channel}&topics=even`)
    const onA = await subscribe(a, `channel=${channel}`)
    const ids: string[] = []
    for (let i = 0; i < 60; i++) {
      const { body } = await a.post("/v1/publish", { channel, topic: i % 2 ? "odd" : "even", data: i })
      ids.push(body.ids[0])
    }
    const batch = await a.post("/v1/publish", { messages: [60, 61, 62].map((i) => ({ channel, topic: "even", data: i })) })
    ids.push(...batch.body.ids)
    const expected = Array.from({ length: 63 }, (_, i) => i)
    for (const s of [...onB, onA]) {
      await s.waitFor((e) => e.length === 63)
      expect(values(s.events)).toEqual(expected)
      expect(s.events.map((e) => e.id)).toEqual(ids)
    }
    await filtered.waitFor((e) => e.length === 33)
    expect(values(filtered.events)).toEqual(expected.filter((i) => i % 2 === 0 || i > 59))
    const history = await b.get(`/v1/channels/${channel}/history`)
    expect(history.body.messages.map((m: { id: string }) => m.id)).toEqual(ids)
  })

  it("holds an idempotencyKey across nodes: same id from A and B, one delivery", async () => {
    const [a, b] = [await node(), await node()]
    const channel = fresh()
    const s = await subscribe(b, `channel=${channel}`)
    const message = { channel, topic: "status", data: { step: "charged" }, idempotencyKey: "run_1:charge" }
    const first = await a.post("/v1/publish", message)
    const retried = await b.post("/v1/publish", message) // the "retry" lands on the other node
    const inProcess = await a.gateway.publish(message)
    expect(first.status).toBe(202)
    expect(retried.body.ids).toEqual(first.body.ids)
    expect(inProcess.ids).toEqual(first.body.ids)
    await b.post("/v1/publish", { channel, topic: "status", data: "sentinel" })
    await s.waitFor((e) => values(e).includes("sentinel"))
    expect(values(s.events)).toEqual([{ step: "charged" }, "sentinel"])
    expect(s.events[0]!.id).toBe(first.body.ids[0])
  })

  it("resumes on the other node from an evicted id with $gap first, and without one from the newest evicted id", async () => {
    const [a, b] = [await node({ historySize: 3 }), await node({ historySize: 3 })]
    const channel = fresh()
    const ids = await publishN(a, channel, 0, 8)
    const behind = await subscribe(b, `channel=${channel}`, { "Last-Event-ID": ids[1]! })
    await behind.waitFor((e) => e.length === 4)
    expect(behind.events[0]).toEqual({ event: "$gap", data: JSON.stringify({ lastEventId: ids[1], oldest: ids[5] }) })
    expect(values(behind.events)).toEqual([5, 6, 7])
    const exact = await subscribe(b, `channel=${channel}&lastEventId=${ids[4]}`)
    await publishN(a, channel, 8, 9)
    await exact.waitFor((e) => e.length === 4)
    expect(exact.events.map((e) => e.event)).toEqual(["n", "n", "n", "n"])
    expect(values(exact.events)).toEqual([5, 6, 7, 8])
  })

  it("keeps the history bounds (count and age) in Redis itself", async () => {
    const [a, b] = [await node({ historySize: 5, historyTtlMs: 600 }), await node({ historySize: 5, historyTtlMs: 600 })]
    const channel = fresh()
    const ids = await publishN(a, channel, 0, 12)
    expect(await raw.xlen(`conduit:{${channel}}:stream`)).toBe(5)
    const history = await b.get(`/v1/channels/${channel}/history`)
    expect(history.body).toMatchObject({ gap: { lastEventId: "0", oldest: ids[7] } })
    expect(history.body.messages.map((m: { data: number }) => m.data)).toEqual([7, 8, 9, 10, 11])
    await new Promise((r) => setTimeout(r, 700))
    expect((await b.get(`/v1/channels/${channel}/history`)).body.messages).toEqual([])
    expect(await raw.xlen(`conduit:{${channel}}:stream`)).toBe(0)
    const late = await subscribe(b, `channel=${channel}`, { "Last-Event-ID": ids[11]! })
    await publishN(a, channel, 12, 13)
    await late.waitFor((e) => e.length === 1)
    expect(values(late.events)).toEqual([12]) // the last id seen was the newest evicted: nothing missed
  })

  it("loses nothing retained when a gateway restarts", async () => {
    const a = await node()
    const channel = fresh()
    const first = await subscribe(a, `channel=${channel}`)
    const ids = await publishN(a, channel, 0, 5)
    await first.waitFor((e) => e.length === 5)
    first.close()
    await publishN(a, channel, 5, 10) // published while the subscriber is away
    await a.close()
    running.splice(running.indexOf(a), 1)
    const restarted = await node({}, a.port)
    const resumed = await subscribe(restarted, `channel=${channel}`, { "Last-Event-ID": first.events.at(-1)!.id! })
    await publishN(restarted, channel, 10, 12)
    await resumed.waitFor((e) => e.length === 7)
    expect(resumed.events.some((e) => e.event === "$gap")).toBe(false)
    expect(values(resumed.events)).toEqual([5, 6, 7, 8, 9, 10, 11])
    const all = await subscribe(restarted, `channel=${channel}&lastEventId=0`)
    await all.waitFor((e) => e.length === 12)
    expect(all.events.slice(0, 5).map((e) => e.id)).toEqual(ids)
  })
})
