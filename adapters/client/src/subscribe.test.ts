import { channel } from "@conduit/shared"
import { afterEach, describe, expect, it } from "vitest"
import { z } from "zod"
import { subscribe } from "./subscribe.ts"
import { countingFetch, eventually, openConnections, publishAll, type RunningGateway, startGateway, waitForSnapshot } from "./testing/clientTestKit.ts"
import type { RealtimeSubscription } from "./types.ts"

const pipeline = channel({
  name: "pipeline:{runId}",
  topics: {
    status: { schema: z.object({ message: z.string() }) },
    tokens: { schema: z.object({ token: z.string() }) },
  },
})

const KEY = "k".repeat(32)
let gw: RunningGateway
const subs: RealtimeSubscription<any>[] = []
afterEach(async () => {
  for (const s of subs.splice(0)) s.close()
  await gw?.close()
})
const track = <S extends RealtimeSubscription<any>>(s: S): S => (subs.push(s), s)

describe("subscribe", () => {
  it("renders live messages typed by the channel, grouped by topic, in order", async () => {
    gw = await startGateway()
    const sub = track(subscribe({ url: gw.url, channel: pipeline({ runId: "r1" }) }))
    const stop = sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    await publishAll(gw, "pipeline:r1", "status", [{ message: "a" }, { message: "b" }])
    await publishAll(gw, "pipeline:r1", "tokens", [{ token: "x" }])
    const s = await waitForSnapshot(sub, (s) => s.messages.all.length === 3)
    expect(s.messages.byTopic.status?.map((m) => m.data.message)).toEqual(["a", "b"])
    expect(s.messages.byTopic.tokens?.map((m) => m.data.token)).toEqual(["x"])
    expect(s.messages.last?.topic).toBe("tokens")
    expect(s.lastEventId).toBe(s.messages.all[2]!.id)
    expect(s.error).toBeNull()
    stop()
  })

  it("replays retained history by default, skips it with from: 'none', resumes after an id", async () => {
    gw = await startGateway()
    const ids = await publishAll(gw, "pipeline:r2", "tokens", ["a", "b", "c"].map((token) => ({ token })))
    const all = track(subscribe({ url: gw.url, channel: pipeline({ runId: "r2" }) }))
    const none = track(subscribe({ url: gw.url, channel: pipeline({ runId: "r2" }), from: "none" }))
    const after = track(subscribe({ url: gw.url, channel: pipeline({ runId: "r2" }), from: ids[0] }))
    for (const s of [all, none, after]) s.subscribe(() => {})
    await waitForSnapshot(none, (s) => s.connectionStatus === "open")
    await publishAll(gw, "pipeline:r2", "tokens", [{ token: "d" }])
    const tokens = async (s: typeof all, n: number) =>
      (await waitForSnapshot(s, (x) => x.messages.all.length === n)).messages.byTopic.tokens?.map((m) => m.data.token)
    expect(await tokens(all, 4)).toEqual(["a", "b", "c", "d"])
    expect(await tokens(none, 1)).toEqual(["d"])
    expect(await tokens(after, 3)).toEqual(["b", "c", "d"])
  })

  it("receives only the topics asked for", async () => {
    gw = await startGateway()
    const sub = track(subscribe({ url: gw.url, channel: pipeline({ runId: "r3" }), topics: ["status"] }))
    sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    await publishAll(gw, "pipeline:r3", "tokens", [{ token: "x" }])
    await publishAll(gw, "pipeline:r3", "status", [{ message: "done" }])
    const s = await waitForSnapshot(sub, (s) => s.messages.all.length === 1)
    expect(s.messages.all.map((m) => m.topic)).toEqual(["status"])
  })

  it("connects on the first listener only and closes shortly after the last: a remount reuses the stream", async () => {
    gw = await startGateway({ signingKey: KEY })
    const fetch = countingFetch()
    let tokens = 0
    const token = async () => {
      tokens++
      return (await gw.post("/v1/tokens", { channel: "plain", topics: ["*"] }, { Authorization: `Bearer ${KEY}` })).body.token as string
    }
    const sub = track(subscribe({ url: gw.url, channel: "plain", fetch, closeDelayMs: 50, token }))
    await new Promise((r) => setTimeout(r, 50))
    expect(fetch.calls).toHaveLength(0)
    expect(tokens).toBe(0)
    // Strict Mode: mount, unmount, mount again in the same tick.
    sub.subscribe(() => {})()
    const stop = sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    await new Promise((r) => setTimeout(r, 150)) // past closeDelayMs: the remount must have kept the stream
    expect(fetch.calls).toHaveLength(1)
    expect(tokens).toBe(1)
    expect(await openConnections(gw)).toBe(1)
    stop()
    await eventually(async () => (await openConnections(gw)) === 0)
    expect(sub.getSnapshot().connectionStatus).toBe("idle")
  })

  it("never connects nor calls the token factory while disabled: paused, pauseReason disabled", async () => {
    gw = await startGateway()
    const fetch = countingFetch()
    let tokens = 0
    const sub = track(subscribe({ url: gw.url, channel: "plain", fetch, enabled: false, token: () => (tokens++, "dev") }))
    sub.subscribe(() => {})
    await new Promise((r) => setTimeout(r, 100))
    const { connectionStatus, isPaused, pauseReason } = sub.getSnapshot()
    expect([fetch.calls.length, tokens, connectionStatus, isPaused, pauseReason]).toEqual([0, 0, "paused", true, "disabled"])
  })

  it("iterates messages with for await, and closes the stream when the loop ends", async () => {
    gw = await startGateway()
    await publishAll(gw, "plain", "n", [1, 2, 3])
    const sub = track(subscribe({ url: gw.url, channel: "plain", closeDelayMs: 0 }))
    const seen: unknown[] = []
    for await (const message of sub) {
      seen.push(message.data)
      if (seen.length === 3) break
    }
    expect(seen).toEqual([1, 2, 3])
    await eventually(async () => (await openConnections(gw)) === 0)
  })

  it("ends iteration on close()", async () => {
    gw = await startGateway()
    const sub = track(subscribe({ url: gw.url, channel: "plain" }))
    const done = (async () => {
      const seen: unknown[] = []
      for await (const m of sub) seen.push(m.data)
      return seen
    })()
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    await publishAll(gw, "plain", "n", [7])
    await waitForSnapshot(sub, (s) => s.messages.all.length === 1)
    sub.close()
    expect(await done).toEqual([7])
    expect(sub.getSnapshot().connectionStatus).toBe("closed")
  })
})
