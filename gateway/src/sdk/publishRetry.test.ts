import { channel, ConduitError, ErrorCode, type PublishInput } from "@conduit/shared"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { z } from "zod"
import { createRedisBroker, type RedisBroker } from "../broker/redisBroker.ts"
import { startRedis, type TestRedis } from "../testing/redisServer.ts"
import { type RunningGateway, startGateway } from "../testing/startGateway.ts"
import { Conduit } from "./Conduit.ts"
import { publishWithRetry } from "./publishRetry.ts"

const ch = channel({ name: "retry:{id}", topics: { t: { schema: z.object({ n: z.number() }) } } })
let redis: TestRedis
let broker: RedisBroker
let gw: RunningGateway
let n = 0

beforeAll(async () => {
  redis = await startRedis()
  broker = createRedisBroker({ url: redis.url, commandTimeoutMs: 300 })
  expect(await broker.whenReady(5000)).toBe(true)
  gw = await startGateway({ broker })
})
afterAll(async () => {
  await gw?.close()
  await broker?.close()
  await redis?.close()
})
afterEach(() => redis.resume())

/** A fetch that records each publish body and status, and lets the test act on each answer. */
function watchedFetch(onAnswer: (status: number) => void = () => {}) {
  const bodies: any[] = []
  const keys: Array<string | undefined> = []
  const statuses: number[] = []
  const wrapped: typeof fetch = async (input, init) => {
    bodies.push(JSON.parse(String(init?.body)))
    keys.push((init?.headers as Record<string, string> | undefined)?.["Idempotency-Key"])
    const res = await fetch(input, init)
    statuses.push(res.status)
    onAnswer(res.status)
    return res
  }
  return { fetch: wrapped, bodies, keys, statuses }
}

const historyOf = async (name: string) => (await gw.get(`/v1/channels/${name}/history`)).body.messages.map((m: any) => m.data)

describe("SDK publishes on an uncertain broker", () => {
  it("sends one request key (Idempotency-Key) with every request by default, not one per message; the caller's own keys as given", async () => {
    const watched = watchedFetch()
    const conduit = new Conduit({ url: gw.url, fetch: watched.fetch })
    const c = ch({ id: String(++n) })
    await conduit.publish(c.t, { n: 1 })
    await conduit.publishMany([{ topic: c.t, data: { n: 2 } }, { topic: c.t, data: { n: 3 }, idempotencyKey: "mine" }])
    expect(watched.keys.every((k) => typeof k === "string" && k.length > 0)).toBe(true)
    expect(new Set(watched.keys).size).toBe(2)
    expect(watched.bodies[0].idempotencyKey).toBeUndefined()
    expect(watched.bodies[1].messages.map((m: any) => m.idempotencyKey)).toEqual([undefined, "mine"])
  })

  it("coalesced: 50 concurrent publishes are one request and one request key, far below a gateway capacity that a key per message would pass (429)", async () => {
    // A gateway that remembers two keys of each kind: with a key per message, the third publish would be refused (429).
    const small = await startGateway({ idempotencyKeys: 2 })
    try {
      const conduit = new Conduit({ url: small.url })
      const c = ch({ id: String(++n) })
      const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => conduit.publish(c.t, { n: i })))
      expect(new Set(ids.map((r) => r.id)).size).toBe(50)
    } finally {
      await small.close()
    }
  })

  it("retries a publish whose outcome was unknown with the same key: the caller sees one message", async () => {
    const watched = watchedFetch(() => redis.resume())
    const conduit = new Conduit({ url: gw.url, fetch: watched.fetch })
    const c = ch({ id: String(++n) })
    redis.pause()
    const { id } = await conduit.publish(c.t, { n: 1 })
    expect(watched.statuses[0]).toBe(504)
    expect(watched.statuses.at(-1)).toBe(202)
    expect(new Set(watched.keys).size).toBe(1)
    expect(await historyOf(c.name)).toEqual([{ n: 1 }])
    expect((await gw.get(`/v1/channels/${c.name}/history`)).body.messages[0].id).toBe(id)
  })
})

describe("publishWithRetry", () => {
  const input: PublishInput = { channel: "c", topic: "t", data: 1 }
  /** A send that fails with these codes in turn, then answers an id; records each attempt's request key. */
  const failing = (...codes: ErrorCode[]) => {
    const keys: Array<string | undefined> = []
    const send = async (_inputs: PublishInput[], requestKey: string | undefined) => {
      keys.push(requestKey)
      const code = codes.shift()
      if (code) throw new ConduitError(code, code)
      return ["1-0"]
    }
    return { sent: keys, send }
  }
  const noWait = { sleep: () => Promise.resolve() }

  it("retries 503 and unknown outcomes, every attempt with the same request key", async () => {
    const f = failing(ErrorCode.OUTCOME_UNKNOWN, ErrorCode.BROKER_UNAVAILABLE, ErrorCode.NETWORK)
    expect(await publishWithRetry(f.send, [input], noWait)).toEqual(["1-0"])
    expect(f.sent).toHaveLength(4)
    expect(new Set(f.sent).size).toBe(1)
    expect(f.sent[0]).toMatch(/^[0-9a-f-]{36}$/)
  })

  it("never retries an unknown outcome without a key, nor what a retry cannot fix", async () => {
    const unkeyed = failing(ErrorCode.OUTCOME_UNKNOWN)
    await expect(publishWithRetry(unkeyed.send, [input], { ...noWait, idempotencyKeys: false })).rejects.toMatchObject({ code: "ERR_OUTCOME_UNKNOWN" })
    expect(unkeyed.sent).toEqual([undefined])
    // The caller's own key on every message still makes it safe.
    const own = failing(ErrorCode.OUTCOME_UNKNOWN)
    expect(await publishWithRetry(own.send, [{ ...input, idempotencyKey: "mine" }], { ...noWait, idempotencyKeys: false })).toEqual(["1-0"])
    const refused = failing(ErrorCode.BROKER_FAILED)
    await expect(publishWithRetry(refused.send, [input], noWait)).rejects.toMatchObject({ code: "ERR_BROKER_FAILED" })
    expect(refused.sent).toHaveLength(1)
    // Not published at all: safe to retry even without keys.
    const down = failing(ErrorCode.SHUTTING_DOWN)
    expect(await publishWithRetry(down.send, [input], { ...noWait, idempotencyKeys: false })).toEqual(["1-0"])
  })

  it("sends no retry of an uncertain outcome past windowMs (the request key may be forgotten by then)", async () => {
    const f = failing(ErrorCode.OUTCOME_UNKNOWN, ErrorCode.OUTCOME_UNKNOWN)
    const late = { windowMs: 5, sleep: () => new Promise((r) => setTimeout(r, 20)) }
    await expect(publishWithRetry(f.send, [input], late)).rejects.toMatchObject({ code: "ERR_OUTCOME_UNKNOWN" })
    expect(f.sent).toHaveLength(2)
  })

  it("gives up after `retries`, with backoff between attempts", async () => {
    const waits: number[] = []
    const f = failing(...Array(5).fill(ErrorCode.BROKER_UNAVAILABLE))
    const options = { retries: 3, initialDelayMs: 100, maxDelayMs: 300, sleep: async (ms: number) => waits.push(ms) }
    await expect(publishWithRetry(f.send, [input], options)).rejects.toMatchObject({ code: "ERR_BROKER_UNAVAILABLE" })
    expect(f.sent).toHaveLength(4)
    expect(waits).toHaveLength(3)
    expect(waits.every((ms, i) => ms >= Math.min(300, 100 * 2 ** i) / 2 && ms <= Math.min(300, 100 * 2 ** i))).toBe(true)
  })
})
