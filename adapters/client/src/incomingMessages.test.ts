import { channel, ErrorCode } from "@conduit/shared"
import { afterEach, describe, expect, it } from "vitest"
import { z } from "zod"
import { subscribe } from "./subscribe.ts"
import { publishAll, type RunningGateway, startGateway, waitForSnapshot } from "./testing/clientTestKit.ts"
import type { RealtimeSubscription } from "./types.ts"

const progress = channel({ name: "upload:{id}", topics: { pct: { schema: z.number().int().min(0).max(100) } } })

let gw: RunningGateway
let sub: RealtimeSubscription<any> | undefined
afterEach(async () => {
  sub?.close()
  await gw?.close()
})

describe("incoming messages", () => {
  it("reports a message that fails the topic schema in error (with its id), and keeps going", async () => {
    gw = await startGateway() // no channel definitions: the gateway lets anything through
    sub = subscribe({ url: gw.url, channel: progress({ id: "u1" }) })
    sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    const ids = await publishAll(gw, "upload:u1", "pct", [10, "fifty", 90])
    const s = await waitForSnapshot(sub, (x) => x.lastEventId === ids[2])
    expect(s.messages.all.map((m) => m.data)).toEqual([10, 90])
    expect(s.error?.code).toBe(ErrorCode.VALIDATION)
    expect(s.error?.details).toMatchObject({ id: ids[1], topic: "pct", data: "fifty" })
    expect(s.connectionStatus).toBe("open")
  })

  it("reports a topic the channel does not declare", async () => {
    gw = await startGateway()
    sub = subscribe({ url: gw.url, channel: progress({ id: "u2" }) })
    sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    const [id] = await publishAll(gw, "upload:u2", "surprise", [1])
    const s = await waitForSnapshot(sub, (x) => x.lastEventId === id)
    expect(s.error?.code).toBe(ErrorCode.VALIDATION)
    expect(s.messages.all).toHaveLength(0)
  })

  it("applies async schemas in arrival order", async () => {
    const slow = channel({
      name: "slow",
      topics: { n: { schema: z.number().refine(async (n) => (await new Promise((r) => setTimeout(r, n % 3)), true)) } },
    })
    gw = await startGateway()
    sub = subscribe({ url: gw.url, channel: slow() })
    sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    const values = Array.from({ length: 30 }, (_, i) => i)
    await publishAll(gw, "slow", "n", values)
    const s = await waitForSnapshot(sub, (x) => x.messages.all.length === 30)
    expect(s.messages.all.map((m) => m.data)).toEqual(values)
  })

  it("reports $gap when the resume point is older than history, and keeps what is retained", async () => {
    gw = await startGateway({ historySize: 5 })
    const ids = await publishAll(gw, "g", "n", Array.from({ length: 20 }, (_, i) => i))
    sub = subscribe({ url: gw.url, channel: "g", from: ids[2] })
    sub.subscribe(() => {})
    const s = await waitForSnapshot(sub, (x) => x.messages.all.length === 5)
    expect(s.gap).toEqual({ lastEventId: ids[2], oldest: ids[15] })
    expect(s.messages.all.map((m) => m.data)).toEqual([15, 16, 17, 18, 19])
  })

  it("keeps at most historyLimit messages, by topic too, dropping the oldest", async () => {
    gw = await startGateway()
    await publishAll(gw, "h", "n", Array.from({ length: 12 }, (_, i) => i))
    sub = subscribe({ url: gw.url, channel: "h", historyLimit: 4 })
    sub.subscribe(() => {})
    const s = await waitForSnapshot(sub, (x) => x.messages.last?.data === 11)
    expect(s.messages.all.map((m) => m.data)).toEqual([8, 9, 10, 11])
    expect(s.messages.byTopic.n?.map((m) => m.data)).toEqual([8, 9, 10, 11])
  })
})
