import { describe, expect, it } from "vitest"
import type { PreparedMessage } from "./Broker.ts"
import { createMemoryBroker } from "./memoryBroker.ts"

const msg = (data: number): PreparedMessage => ({ channel: "c", topic: "t", data, dataJson: String(data), kind: "data" })
const keyed = (key: string, channel = "c"): PreparedMessage => ({ channel, topic: "t", data: key, dataJson: JSON.stringify(key), kind: "data", idempotencyKey: key })

describe("memory broker", () => {
  it("reports a gap when a resume id is from before a forgotten channel came back", async () => {
    let now = 1_000_000
    const broker = createMemoryBroker({ historyTtlMs: 1000, now: () => now })
    const [m1] = await broker.publish([msg(1), msg(2)])
    now += 60_000 // both expire; the idle sweep forgets the channel (forced here by reading after expiry)
    await broker.read("c", "0")
    await new Promise((r) => setTimeout(r, 1100)) // the sweep runs at least every second
    const [m3] = await broker.publish([msg(3)])
    const result = await broker.read("c", m1!.id)
    expect(result.messages.map((m) => m.id)).toEqual([m3!.id])
    expect(result.gap).toEqual({ lastEventId: m1!.id, oldest: m3!.id })
    await broker.close()
  })

  it("reports a gap for an id newer than the channel's newest, and tells the newest id (limit 0: nothing else)", async () => {
    const broker = createMemoryBroker()
    const [a, b] = await broker.publish([msg(1), msg(2)])
    expect(await broker.read("c", "999999999999999-0")).toEqual({ messages: [], gap: { lastEventId: "999999999999999-0", oldest: a!.id }, newest: b!.id })
    expect(await broker.read("c", b!.id)).toEqual({ messages: [], gap: null, newest: b!.id })
    expect(await broker.read("c", "0", 0)).toEqual({ messages: [], gap: null, newest: b!.id })
    expect(await broker.read("unknown", "0", 0)).toEqual({ messages: [], gap: null, newest: null })
    await broker.close()
  })

  it("sends no gap for a resume within the channel's current life", async () => {
    const broker = createMemoryBroker()
    const [a, b] = await broker.publish([msg(1), msg(2)])
    const result = await broker.read("c", a!.id)
    expect(result).toEqual({ messages: [expect.objectContaining({ id: b!.id })], gap: null, newest: b!.id })
    await broker.close()
  })

  it("keeps at most historyBytes of data per channel, dropping the oldest and saying so", async () => {
    const broker = createMemoryBroker({ historyBytes: 1000 })
    const big = (i: number): PreparedMessage => ({ channel: "c", topic: "t", data: i, dataJson: `"${"x".repeat(398)}"`, kind: "data" })
    const results = await broker.publish([big(1), big(2), big(3), big(4)])
    const all = await broker.read("c", "0")
    expect(all.messages.map((m) => m.id)).toEqual([results[2]!.id, results[3]!.id])
    expect(all.gap).toEqual({ lastEventId: "0", oldest: results[2]!.id })
    expect((await broker.read("c", results[1]!.id)).gap).toBeNull()
    await broker.close()
  })

  it("refuses a new keyed publish once idempotencyKeys keys are remembered, instead of forgetting one", async () => {
    let now = 1_000_000
    const broker = createMemoryBroker({ idempotencyKeys: 3, historyTtlMs: 10_000, now: () => now })
    const [first] = await broker.publish([keyed("k0"), keyed("k1"), keyed("k2")])
    await expect(broker.publish([keyed("k3")])).rejects.toMatchObject({ code: "ERR_RATE_LIMITED", details: { retryAfter: 10 } })
    // A retry of a remembered key is still answered with its id; nothing of the refused batch was published.
    expect(await broker.publish([keyed("k0")])).toEqual([{ id: first!.id, duplicate: true }])
    await expect(broker.publish([msg(5), keyed("k4")])).rejects.toMatchObject({ code: "ERR_RATE_LIMITED" })
    expect((await broker.read("c", "0")).messages).toHaveLength(3)
    // Keys are remembered for the retention window only: then there is room again.
    now += 10_000
    expect((await broker.publish([keyed("k3")]))[0]!.duplicate).toBe(false)
    await broker.close()
  })

  it("does not forget the first of a million keyed publishes (the default size) to make room for one more", async () => {
    const broker = createMemoryBroker()
    let first: string | undefined
    for (let batch = 0; batch < 1000; batch++) {
      const results = await broker.publish(Array.from({ length: 1000 }, (_, i) => keyed(`k${batch * 1000 + i}`, `c${batch % 50}`)))
      first ??= results[0]!.id
    }
    const overflow = await broker.publish([keyed("one-more", "c0")]).then(() => "published", (e: { code: string }) => e.code)
    expect([overflow, await broker.publish([keyed("k0", "c0")])]).toEqual(["ERR_RATE_LIMITED", [{ id: first, duplicate: true }]])
    await broker.close()
  }, 60_000)

  it("holds a message once: no copy of its JSON beside its frame", async () => {
    const broker = createMemoryBroker()
    const big = "y".repeat(2000)
    await broker.publish([{ channel: "c", topic: "t", data: big, dataJson: JSON.stringify(big), kind: "data" }])
    const [m] = (await broker.read("c", "0")).messages
    expect(Object.values(m!).filter((v) => typeof v === "string" && v.length > 1000).map((v) => v.length)).toEqual([])
    await broker.close()
  })

  it("reports a gap for a resume from an id the channel does not hold", async () => {
    let now = 1_000_000
    const broker = createMemoryBroker({ now: () => now })
    const [x] = await broker.publish([msg(1)])
    now += 1000
    const [y] = await broker.publish([msg(2)])
    for (const after of ["999999-0", "1000500-0", "1001000-7", "1002000-0"]) {
      expect((await broker.read("c", after)).gap).toEqual({ lastEventId: after, oldest: x!.id })
    }
    expect((await broker.read("c", x!.id)).gap).toBeNull()
    expect((await broker.read("c", y!.id)).gap).toBeNull()
    await broker.close()
  })

  it("answers a request key seen within requestKeyTtlMs with the first ids, and forgets it after: one key per request, not per message", async () => {
    let now = 1_000_000
    const broker = createMemoryBroker({ requestKeyTtlMs: 1000, idempotencyKeys: 2, now: () => now })
    const first = await broker.publish([msg(1), msg(2)], { requestKey: "r1" })
    expect(await broker.publish([msg(1), msg(2)], { requestKey: "r1" })).toEqual(first.map((r) => ({ id: r.id, duplicate: true })))
    expect((await broker.read("c", "0")).messages).toHaveLength(2)
    // Room for two request keys at once, whatever the messages: past it, refused until one expires.
    await broker.publish([msg(3)], { requestKey: "r2" })
    await expect(broker.publish([msg(4)], { requestKey: "r3" })).rejects.toMatchObject({ code: "ERR_RATE_LIMITED" })
    now += 1000
    const later = await broker.publish([msg(1), msg(2)], { requestKey: "r1" })
    expect(later.every((r) => !r.duplicate)).toBe(true)
    await broker.close()
  })
})
