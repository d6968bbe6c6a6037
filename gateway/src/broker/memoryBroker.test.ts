import { describe, expect, it } from "vitest"
import type { PreparedMessage } from "./Broker.ts"
import { createMemoryBroker } from "./memoryBroker.ts"

const msg = (data: number): PreparedMessage => ({ channel: "c", topic: "t", data, dataJson: String(data), kind: "data" })

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
})
