import { compareIds, type Envelope } from "@conduit/shared"
import { describe, expect, it } from "vitest"
import { redisBrokerRig } from "../testing/redisBrokerRig.ts"
import type { PreparedMessage, StoredMessage } from "./Broker.ts"
import { createMemoryBroker } from "./memoryBroker.ts"
import type { RedisBroker } from "./redisBroker.ts"
import { messageJson } from "./storedMessage.ts"

const rig = redisBrokerRig("ch")
const { node, fresh } = rig

const msg = (channel: string, data: unknown, extra: Partial<PreparedMessage> = {}): PreparedMessage => ({
  channel,
  topic: "t",
  data,
  dataJson: JSON.stringify(data),
  kind: "data",
  ...extra,
})
const dataOf = (m: StoredMessage) => (JSON.parse(messageJson(m).toString()) as Envelope).data
const ids = async (broker: RedisBroker, channel: string, count: number, start = 0) =>
  (await broker.publish(Array.from({ length: count }, (_, i) => msg(channel, start + i)))).map((r) => r.id)

/** Collects what a listener receives. */
function collector() {
  const got: StoredMessage[] = []
  return {
    got,
    listener: (batch: StoredMessage[]) => got.push(...batch),
    until: (count: number) => expect.poll(() => got.length, { timeout: 5000 }).toBeGreaterThanOrEqual(count),
  }
}

describe("redis broker: ids, envelope, live fan-out", () => {
  it("answers a request key seen before with the first ids and publishes nothing; the key expires after requestKeyTtlMs", async () => {
    const a = await node({ requestKeyTtlMs: 300 })
    const channel = fresh()
    const other = fresh()
    const batch = [msg(channel, 1), msg(other, 2), msg(channel, 3)]
    const first = await a.publish(batch, { requestKey: "rk" })
    expect(await a.publish(batch, { requestKey: "rk" })).toEqual(first.map((r) => ({ id: r.id, duplicate: true })))
    expect((await a.read(channel, "0")).messages.map(dataOf)).toEqual([1, 3])
    await expect.poll(async () => (await a.publish(batch, { requestKey: "rk" }))[0]!.duplicate, { timeout: 5000 }).toBe(false)
  })

  it("assigns Redis stream ids, strictly increasing, and builds the same envelope JSON as the memory broker", async () => {
    const a = await node()
    const channel = fresh()
    const input = [msg(channel, { x: 1 }), msg(channel, "two", { runId: "run\n1", topic: "$run", kind: "run" })]
    const [r1, r2] = await a.publish(input)
    expect(r1!.id).toMatch(/^\d+-\d+$/)
    expect(compareIds(r2!.id, r1!.id)).toBeGreaterThan(0)
    expect(await rig.raw.xlen(`conduit:{${channel}}:stream`)).toBe(2)
    const { messages, gap } = await a.read(channel, "0")
    expect(gap).toBeNull()
    const createdAt = new Date(Number(r2!.id.split("-")[0])).toISOString()
    expect(messageJson(messages[1]!).toString()).toBe(
      `{"id":"${r2!.id}","channel":${JSON.stringify(channel)},"topic":"$run","data":"two","createdAt":"${createdAt}","runId":"run\\n1","kind":"run"}`,
    )
    expect(messages.map((m) => m.id)).toEqual([r1!.id, r2!.id])
    // The memory broker writes the same bytes for the same message at the same id.
    const memory = createMemoryBroker({ now: () => Number(r2!.id.split("-")[0]) })
    const [m2] = await memory.publish([input[1]!])
    expect(messageJson((await memory.read(channel, "0")).messages[0]!).toString()).toBe(messageJson(messages[1]!).toString().replace(r2!.id, m2!.id))
    await memory.close()
  })

  it("delivers a publish on node A to a listener on node B, and subscribe resolves only once live", async () => {
    const [a, b] = [await node(), await node()]
    for (let round = 0; round < 20; round++) {
      const channel = fresh()
      const c = collector()
      await b.subscribe(channel, c.listener)
      const id = (await a.publish([msg(channel, round)]))[0]!.id
      await c.until(1)
      expect(c.got.map((m) => [m.id, dataOf(m)])).toEqual([[id, round]])
    }
  })

  it("keeps one order for concurrent publishers on two nodes: every listener sees ids increasing, none missing", async () => {
    const [a, b] = [await node(), await node()]
    const channel = fresh()
    const onA = collector()
    const onB = collector()
    await a.subscribe(channel, onA.listener)
    await b.subscribe(channel, onB.listener)
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).publish([msg(channel, i)])),
    )
    const published = results.map((r) => r[0]!.id).sort(compareIds)
    await onA.until(200)
    await onB.until(200)
    expect(onA.got.map((m) => m.id)).toEqual(published)
    expect(onB.got.map((m) => m.id)).toEqual(published)
    expect((await a.read(channel, "0")).messages.map((m) => m.id)).toEqual(published)
  })

  it("keeps per-channel order and result order in a batch spanning channels", async () => {
    const a = await node()
    const [x, y] = [fresh(), fresh()]
    const results = await a.publish([msg(x, 0), msg(y, 0), msg(x, 1), msg(y, 1), msg(x, 2)])
    expect((await a.read(x, "0")).messages.map((m) => [m.id, dataOf(m)])).toEqual([
      [results[0]!.id, 0],
      [results[2]!.id, 1],
      [results[4]!.id, 2],
    ])
    expect((await a.read(y, "0")).messages.map((m) => m.id)).toEqual([results[1]!.id, results[3]!.id])
  })

  it("uses sharded Pub/Sub on Redis 7 and plain Pub/Sub when told to; both deliver", async () => {
    for (const pubSub of ["sharded", "plain"] as const) {
      const prefix = `${fresh()}:` // a deployment per mode: each has one
      const [a, b] = [await node({ pubSub, prefix }), await node({ pubSub, prefix })]
      const channel = fresh()
      const c = collector()
      await b.subscribe(channel, c.listener)
      const key = `${prefix}{${channel}}:live`
      const listed = pubSub === "sharded" ? await rig.raw.call("PUBSUB", "SHARDCHANNELS", key) : await rig.raw.call("PUBSUB", "CHANNELS", key)
      expect(listed).toEqual([key])
      await a.publish([msg(channel, "hi")])
      await c.until(1)
    }
  })

})

describe("redis broker: idempotency across nodes", () => {
  it("returns the original id for a key repeated on another node and publishes nothing", async () => {
    const [a, b] = [await node(), await node()]
    const channel = fresh()
    const c = collector()
    await a.subscribe(channel, c.listener)
    const [first] = await a.publish([msg(channel, "once", { idempotencyKey: "run1:step1" })])
    const [again] = await b.publish([msg(channel, "once", { idempotencyKey: "run1:step1" })])
    const [inBatch, other] = await b.publish([
      msg(channel, "once", { idempotencyKey: "run1:step1" }),
      msg(channel, "other", { idempotencyKey: "run1:step2" }),
    ])
    expect(first!.duplicate).toBe(false)
    expect(again).toEqual({ id: first!.id, duplicate: true })
    expect(inBatch).toEqual({ id: first!.id, duplicate: true })
    expect(other!.duplicate).toBe(false)
    await c.until(2)
    await new Promise((r) => setTimeout(r, 100))
    expect(c.got.map(dataOf)).toEqual(["once", "other"])
    expect((await b.read(channel, "0")).messages.map(dataOf)).toEqual(["once", "other"])
    // Keys are per channel, as in the memory broker.
    const [elsewhere] = await a.publish([msg(fresh(), "once", { idempotencyKey: "run1:step1" })])
    expect(elsewhere!.duplicate).toBe(false)
  })

  it("forgets a key after the retention window", async () => {
    const a = await node({ historyTtlMs: 300 })
    const channel = fresh()
    const [first] = await a.publish([msg(channel, 1, { idempotencyKey: "k" })])
    expect(await rig.raw.pttl(`conduit:{${channel}}:idem:k`)).toBeGreaterThan(0)
    await new Promise((r) => setTimeout(r, 400))
    const [later] = await a.publish([msg(channel, 1, { idempotencyKey: "k" })])
    expect(later!.duplicate).toBe(false)
    expect(later!.id).not.toBe(first!.id)
  })
})

describe("redis broker: history bounds and $gap", () => {
  it("holds exactly historySize messages in Redis and reports a gap exactly when messages after the id are gone", async () => {
    const a = await node({ historySize: 3 })
    const channel = fresh()
    const all = await ids(a, channel, 10)
    expect(await rig.raw.xlen(`conduit:{${channel}}:stream`)).toBe(3)
    const kept = all.slice(7)
    expect(await a.read(channel, "0")).toMatchObject({ gap: { lastEventId: "0", oldest: kept[0] } })
    expect((await a.read(channel, "0")).messages.map((m) => m.id)).toEqual(kept)
    // Resuming from the newest evicted id misses nothing: no gap.
    expect(await a.read(channel, all[6]!)).toMatchObject({ gap: null })
    expect((await a.read(channel, all[6]!)).messages.map((m) => m.id)).toEqual(kept)
    // One before it: message 6 is gone, and that is said.
    const behind = await a.read(channel, all[5]!)
    expect(behind.gap).toEqual({ lastEventId: all[5], oldest: kept[0] })
    expect(behind.messages.map((m) => m.id)).toEqual(kept)
    // From a retained id: the rest, no gap; limit honoured.
    expect(await a.read(channel, kept[0]!, 1)).toMatchObject({ gap: null, messages: [{ id: kept[1] }] })
  })

  it("drops messages past the age bound, in Redis too, even on a channel nobody publishes to", async () => {
    const a = await node({ historyTtlMs: 300 })
    const channel = fresh()
    const old = await ids(a, channel, 3)
    await new Promise((r) => setTimeout(r, 400))
    // Read alone trims: nothing retained, loss reported.
    expect(await a.read(channel, old[0]!)).toEqual({ messages: [], gap: { lastEventId: old[0], oldest: null }, newest: old[2] })
    expect(await a.read(channel, old[2]!)).toEqual({ messages: [], gap: null, newest: old[2] })
    const [next] = await ids(a, channel, 1, 3)
    expect(await rig.raw.xlen(`conduit:{${channel}}:stream`)).toBe(1)
    expect(await a.read(channel, old[1]!)).toMatchObject({ gap: { lastEventId: old[1], oldest: next }, messages: [{ id: next }] })
    expect(await a.read(channel, old[2]!)).toMatchObject({ gap: null, messages: [{ id: next }] })
    // Idle keys expire with their messages.
    expect(await rig.raw.pttl(`conduit:{${channel}}:stream`)).toBeLessThanOrEqual(1300)
  })

  it("reports a gap with oldest null for a channel it knows nothing of, except when starting from 0", async () => {
    const a = await node()
    expect(await a.read(fresh(), "0")).toEqual({ messages: [], gap: null, newest: null })
    expect(await a.read(fresh(), "1700000000000-0")).toEqual({ messages: [], gap: { lastEventId: "1700000000000-0", oldest: null }, newest: null })
  })

  it("reports a gap for an id newer than the channel's newest, and tells the newest id (limit 0: nothing else)", async () => {
    const a = await node()
    const channel = fresh()
    const sent = await ids(a, channel, 2)
    expect(await a.read(channel, "999999999999999-0")).toEqual({ messages: [], gap: { lastEventId: "999999999999999-0", oldest: sent[0] }, newest: sent[1] })
    expect(await a.read(channel, sent[1]!)).toEqual({ messages: [], gap: null, newest: sent[1] })
    expect(await a.read(channel, "0", 0)).toEqual({ messages: [], gap: null, newest: sent[1] })
  })

  it("after a recorded loss past the stream's last entry, the newest id is the lost one: a stream positioned there resumes without a gap", async () => {
    const a = await node()
    const channel = fresh()
    const [kept] = await ids(a, channel, 1)
    // What MARK_LOSS_SCRIPT records when a node delivered an id the promoted replica never got.
    const lost = `${Number(kept!.split("-")[0]) + 1}-0`
    await rig.raw.hset(`conduit:{${channel}}:meta`, "ev", lost)
    expect(await a.read(channel, "0", 0)).toMatchObject({ messages: [], newest: lost })
    expect(await a.read(channel, lost)).toEqual({ messages: [], gap: null, newest: lost })
    expect((await a.read(channel, kept!)).gap).toEqual({ lastEventId: kept, oldest: kept })
  })

  it("reports a gap for an id from before the channel's stream began (an earlier life whose keys expired)", async () => {
    const a = await node()
    const channel = fresh()
    const [first] = await ids(a, channel, 1)
    expect(await a.read(channel, "1000-0")).toMatchObject({ gap: { lastEventId: "1000-0", oldest: first }, messages: [{ id: first }] })
    expect(await a.read(channel, "0-0")).toMatchObject({ gap: null, messages: [{ id: first }] })
  })
})

describe("redis broker: retained bytes and replayed messages", () => {
  it("keeps at most historyBytes of data per channel in Redis, dropping the oldest and saying so", async () => {
    const a = await node({ historyBytes: 1000 })
    const channel = fresh()
    const big = `"${"x".repeat(398)}"`
    const results = await a.publish([1, 2, 3, 4].map((i) => ({ ...msg(channel, i), dataJson: big })))
    expect(await rig.raw.xlen(`conduit:{${channel}}:stream`)).toBe(2)
    const all = await a.read(channel, "0")
    expect(all.messages.map((m) => m.id)).toEqual([results[2]!.id, results[3]!.id])
    expect(all.gap).toEqual({ lastEventId: "0", oldest: results[2]!.id })
    expect((await a.read(channel, results[1]!.id)).gap).toBeNull()
  })

  it("hands every reader of a subscribed channel the same stored messages, live or replayed: one frame per message per node", async () => {
    const a = await node()
    const channel = fresh()
    const c = collector()
    await a.subscribe(channel, c.listener)
    await ids(a, channel, 3)
    await c.until(3)
    const first = await a.read(channel, "0")
    const second = await a.read(channel, first.messages[0]!.id)
    expect(first.messages).toHaveLength(3)
    first.messages.forEach((m, i) => expect(m).toBe(c.got[i]))
    second.messages.forEach((m, i) => expect(m).toBe(first.messages[i + 1]))
  })

  it("holds a message once: no copy of its JSON beside its frame", async () => {
    const a = await node()
    const channel = fresh()
    await a.publish([msg(channel, "y".repeat(2000))])
    const [m] = (await a.read(channel, "0")).messages
    expect(Object.values(m!).filter((v) => typeof v === "string" && v.length > 1000).map((v) => v.length)).toEqual([])
  })

  it("reports a gap for a resume from an id the channel does not hold (lost, or never sent)", async () => {
    const a = await node()
    const channel = fresh()
    const [x] = await ids(a, channel, 1)
    const xMs = Number(x!.split("-")[0])
    await expect.poll(() => Date.now(), { interval: 1 }).toBeGreaterThan(xMs + 1) // the next id is a later millisecond
    const [y] = await ids(a, channel, 1, 1)
    for (const after of [`${xMs}-9`, `${Number(y!.split("-")[0]) + 1000}-0`]) {
      expect((await a.read(channel, after)).gap).toEqual({ lastEventId: after, oldest: x })
    }
    expect((await a.read(channel, x!)).gap).toBeNull()
  })
})

describe("redis broker: losing Redis", () => {
  it("turns not ready, refuses work fast, and recovers by itself, re-subscribing its live channels", async () => {
    const a = await node({ redisOptions: { retryStrategy: () => 100 } })
    const channel = fresh()
    const c = collector()
    await a.subscribe(channel, c.listener)
    const changes: boolean[] = []
    a.onReadyChange((ready) => changes.push(ready))
    await rig.redis.stop()
    await expect.poll(() => a.isReady(), { timeout: 3000 }).toBe(false)
    const t0 = Date.now()
    await expect(a.publish([msg(channel, "lost")])).rejects.toMatchObject({ code: "ERR_BROKER_UNAVAILABLE" })
    await expect(a.subscribe(fresh(), () => {})).rejects.toMatchObject({ code: "ERR_BROKER_UNAVAILABLE" })
    await expect(a.read(channel, "0")).rejects.toMatchObject({ code: "ERR_BROKER_UNAVAILABLE" })
    expect(Date.now() - t0).toBeLessThan(500)
    await rig.redis.start()
    expect(await a.whenReady(5000)).toBe(true)
    expect(changes).toEqual([false, true])
    await a.publish([msg(channel, "after")])
    await c.until(1)
    expect(c.got.map(dataOf)).toEqual(["after"])
  })

  it("catches a listener up from the stream when only its subscriber connection dropped", async () => {
    const a = await node({ redisOptions: { retryStrategy: () => 300, connectionName: "nodeA" } })
    const b = await node()
    const channel = fresh()
    const c = collector()
    await a.subscribe(channel, c.listener)
    await ids(b, channel, 1)
    await c.until(1)
    const list = (await rig.raw.client("LIST")) as string
    const subId = /id=(\d+) .*name=nodeA-sub/.exec(list)![1]!
    await rig.raw.client("KILL", "ID", subId)
    await expect.poll(() => a.isReady(), { timeout: 2000 }).toBe(false)
    await ids(b, channel, 5, 1) // published while node A cannot hear Pub/Sub
    expect(await a.whenReady(5000)).toBe(true)
    await ids(b, channel, 2, 6)
    await c.until(8)
    await new Promise((r) => setTimeout(r, 100))
    expect(c.got.map(dataOf)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
  })

  it("notices a hung Redis (connections open, no answers) and recovers when it answers again", async () => {
    const a = await node({ commandTimeoutMs: 300, healthCheckMs: 100 })
    const channel = fresh()
    const c = collector()
    await a.subscribe(channel, c.listener)
    rig.redis.pause()
    try {
      await expect.poll(() => a.isReady(), { timeout: 3000 }).toBe(false)
      await expect(a.publish([msg(channel, "lost")])).rejects.toMatchObject({ code: "ERR_BROKER_UNAVAILABLE" })
    } finally {
      rig.redis.resume()
    }
    expect(await a.whenReady(10_000)).toBe(true)
    await a.publish([msg(channel, "after")])
    await c.until(1)
    expect(c.got.map(dataOf)).toEqual(["after"])
  })

  it("closes its connections", async () => {
    const a = await node({ redisOptions: { connectionName: "closing" } })
    await a.subscribe(fresh(), () => {})
    await a.close()
    await expect.poll(async () => ((await rig.raw.client("LIST")) as string).includes("name=closing"), { timeout: 2000 }).toBe(false)
    expect(a.isReady()).toBe(false)
  })
})
