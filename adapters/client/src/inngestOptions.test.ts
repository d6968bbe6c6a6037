import { channel } from "@conduit/shared"
import { afterEach, describe, expect, it, vi } from "vitest"
import { z } from "zod"
import { settingsOf } from "./settingsOf.ts"
import { optionsKey } from "./optionsKey.ts"
import { subscribe } from "./subscribe.ts"
import { countingFetch, openConnections, publishAll, type RunningGateway, startGateway, waitForSnapshot } from "./testing/clientTestKit.ts"
import { FakeDocument } from "./testing/fakeDocument.ts"
import type { RealtimeSubscription } from "./types.ts"

// Inngest v4's useRealtime options and result fields, in the one client core.

const KEY = "i".repeat(32)
const pipeline = channel({ name: "pipeline:{runId}", topics: { status: { schema: z.object({ message: z.string() }) } } })
let gw: RunningGateway | undefined
const subs: RealtimeSubscription<any>[] = []
afterEach(async () => {
  for (const sub of subs.splice(0)) sub.close()
  delete (globalThis as { document?: unknown }).document
  vi.useRealTimers()
  await gw?.close()
  gw = undefined
})
const track = <S extends RealtimeSubscription<any>>(sub: S): S => (subs.push(sub), sub)

async function mint(channelName: string, topics: string[]): Promise<string> {
  const { status, body } = await gw!.post("/v1/tokens", { channel: channelName, topics }, { Authorization: `Bearer ${KEY}` })
  if (status !== 200) throw new Error(`mint answered ${status}`)
  return body.token
}

describe("token objects", () => {
  it("{ key, apiBaseUrl }: the URL comes from the token, no url option needed", async () => {
    gw = await startGateway({ signingKey: KEY })
    const url = gw.url
    let calls = 0
    const sub = track(subscribe({ channel: pipeline({ runId: "o1" }), topics: ["status"], token: async () => ({ key: await mint("pipeline:o1", ["status"]), apiBaseUrl: url, expiresAt: "", calls: calls++ }) }))
    sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    await gw.post("/v1/publish", { channel: "pipeline:o1", topic: "status", data: { message: "hi" } }, { Authorization: `Bearer ${KEY}` })
    const s = await waitForSnapshot(sub, (x) => x.messages.all.length === 1)
    expect(s.messages.last?.data.message).toBe("hi")
    expect(calls).toBe(1)
  })

  it("{ key, apiBaseUrl, channel, topics }: a subscription with no channel of its own opens the token's", async () => {
    gw = await startGateway({ signingKey: KEY })
    const token = { key: await mint("user:123", ["ai"]), apiBaseUrl: gw.url, expiresAt: "", channel: "user:123", topics: ["ai"] }
    const fetch = countingFetch()
    const sub = track(subscribe({ token: () => token, fetch }))
    sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    expect(new URL(fetch.calls[0]!).searchParams.get("channel")).toBe("user:123")
    expect(new URL(fetch.calls[0]!).searchParams.get("topics")).toBe("ai")
    await publishAll(gw, "user:123", "ai", ["hello"], KEY)
    expect((await waitForSnapshot(sub, (s) => s.messages.all.length === 1)).messages.all[0]!.data).toBe("hello")
  })

  it("no URL in the options nor the token: ERR_CONFIG, status error, nothing fetched", async () => {
    const fetch = countingFetch()
    const sub = track(subscribe({ channel: "c", token: "a.b.c", fetch }))
    sub.subscribe(() => {})
    const s = await waitForSnapshot(sub, (x) => x.connectionStatus === "error")
    expect(s.error?.code).toBe("ERR_CONFIG")
    expect(fetch.calls).toEqual([])
  })

  it("a token of another shape is ERR_CONFIG, not retried", async () => {
    let calls = 0
    const sub = track(subscribe({ url: "http://127.0.0.1:9", channel: "c", token: () => (calls++, { token: "x" }) as never }))
    sub.subscribe(() => {})
    const s = await waitForSnapshot(sub, (x) => x.connectionStatus === "error")
    expect([s.error?.code, calls]).toEqual(["ERR_CONFIG", 1])
  })
})

describe("options", () => {
  it("validate: false takes data as it arrives; the default reports ERR_VALIDATION", async () => {
    gw = await startGateway()
    await publishAll(gw, "pipeline:v", "status", [{ message: 1 }])
    const loose = track(subscribe({ url: gw.url, channel: pipeline({ runId: "v" }), validate: false }))
    const strict = track(subscribe({ url: gw.url, channel: pipeline({ runId: "v" }) }))
    loose.subscribe(() => {})
    strict.subscribe(() => {})
    expect((await waitForSnapshot(loose, (s) => s.messages.all.length === 1)).messages.all[0]!.data).toEqual({ message: 1 })
    expect((await waitForSnapshot(strict, (s) => s.error !== null)).error?.code).toBe("ERR_VALIDATION")
  })

  it("historyLimit: null keeps every message", async () => {
    gw = await startGateway({ historySize: 5000 })
    const values = Array.from({ length: 1200 }, (_, i) => i)
    await publishAll(gw, "big", "n", values.slice(0, 600))
    await publishAll(gw, "big", "n", values.slice(600))
    const sub = track(subscribe({ url: gw.url, channel: "big", historyLimit: null }))
    sub.subscribe(() => {})
    const s = await waitForSnapshot(sub, (x) => x.messages.last?.data === 1199)
    expect(s.messages.all.length).toBe(1200)
  })

  it("reconnect: false: the first end is final (closed), nothing reconnects", async () => {
    gw = await startGateway()
    const fetch = countingFetch()
    const sub = track(subscribe({ url: gw.url, channel: "once", reconnect: false, fetch }))
    sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    await gw.close() // $close shutdown
    gw = undefined
    await waitForSnapshot(sub, (s) => s.connectionStatus === "closed")
    expect(fetch.calls).toHaveLength(1)
  })

  it("autoCloseOnTerminal (default): the run's end closes the stream; false keeps it open", async () => {
    gw = await startGateway()
    const closing = track(subscribe({ url: gw.url, channel: "run:a" }))
    const staying = track(subscribe({ url: gw.url, channel: "run:a", autoCloseOnTerminal: false }))
    closing.subscribe(() => {})
    staying.subscribe(() => {})
    await waitForSnapshot(staying, (s) => s.connectionStatus === "open")
    await gw.post("/v1/publish", { channel: "run:a", topic: "$run", data: { status: "completed", result: 1 } })
    expect(await waitForSnapshot(closing, (s) => s.connectionStatus === "closed")).toMatchObject({ runStatus: "completed", result: 1 })
    await waitForSnapshot(staying, (s) => s.runStatus === "completed")
    await publishAll(gw, "run:a", "n", ["after"])
    expect((await waitForSnapshot(staying, (s) => s.messages.all.length === 1)).connectionStatus).toBe("open")
    expect(await openConnections(gw)).toBe(1)
  })

  it("autoCloseOnTerminal: a late joiner whose replay ends the run is closed, never shown open after", async () => {
    gw = await startGateway()
    await gw.post("/v1/publish", { channel: "run:late", topic: "$run", data: { status: "running" } })
    await gw.post("/v1/publish", { channel: "run:late", topic: "$run", data: { status: "completed" } })
    const sub = track(subscribe({ url: gw.url, channel: "run:late" }))
    const statuses: string[] = []
    sub.subscribe(() => statuses.push(sub.getSnapshot().connectionStatus))
    await waitForSnapshot(sub, (s) => s.connectionStatus === "closed")
    await publishAll(gw, "run:late", "n", ["later"]) // a snapshot would follow if anything still listened
    expect(await openConnections(gw)).toBe(0)
    expect(statuses.at(-1)).toBe("closed")
    expect(sub.getSnapshot().connectionStatus).toBe("closed")
  })

  it("pauseOnHidden: hidden pauses with pauseReason hidden; pauseOnHidden: false (over pauseWhenHidden) keeps streaming", async () => {
    const doc = new FakeDocument()
    ;(globalThis as { document?: unknown }).document = doc
    gw = await startGateway()
    const pausing = track(subscribe({ url: gw.url, channel: "tab" }))
    const staying = track(subscribe({ url: gw.url, channel: "tab", pauseOnHidden: false, pauseWhenHidden: true }))
    pausing.subscribe(() => {})
    staying.subscribe(() => {})
    await waitForSnapshot(staying, (s) => s.connectionStatus === "open")
    await waitForSnapshot(pausing, (s) => s.connectionStatus === "open")
    doc.set("hidden")
    expect(await waitForSnapshot(pausing, (s) => s.isPaused)).toMatchObject({ connectionStatus: "paused", pauseReason: "hidden" })
    await publishAll(gw, "tab", "n", [1])
    expect(await waitForSnapshot(staying, (s) => s.messages.all.length === 1)).toMatchObject({ isPaused: false, pauseReason: null })
    doc.set("visible")
    expect(await waitForSnapshot(pausing, (s) => s.messages.all.length === 1)).toMatchObject({ isPaused: false, pauseReason: null })
  })

  it("reset() empties messages and the run's state; the stream goes on without replaying", async () => {
    gw = await startGateway()
    await publishAll(gw, "r", "n", [1, 2])
    await gw.post("/v1/publish", { channel: "r", topic: "$run", data: { status: "failed", error: { code: "X", message: "no" } } })
    const sub = track(subscribe({ url: gw.url, channel: "r", autoCloseOnTerminal: false }))
    sub.subscribe(() => {})
    const before = await waitForSnapshot(sub, (s) => s.runStatus === "failed")
    expect(before.messages.all).toHaveLength(2)
    before.reset()
    const after = await waitForSnapshot(sub, (s) => s.messages.all.length === 0)
    expect(after).toMatchObject({ runStatus: "unknown", result: undefined, error: null, gap: null, lastEventId: before.lastEventId })
    expect(after.reset).toBe(before.reset)
    await publishAll(gw, "r", "n", [3])
    expect((await waitForSnapshot(sub, (s) => s.messages.all.length === 1)).messages.all.map((m) => m.data)).toEqual([3])
  })

  it("byTopic.<topic> is the topic's list and reads as its newest message", async () => {
    gw = await startGateway()
    await publishAll(gw, "pipeline:b", "status", [{ message: "one" }, { message: "two" }])
    const sub = track(subscribe({ url: gw.url, channel: pipeline({ runId: "b" }) }))
    sub.subscribe(() => {})
    const s = await waitForSnapshot(sub, (x) => x.messages.all.length === 2)
    const status = s.messages.byTopic.status!
    expect(status.data.message).toBe("two")
    expect(status.id).toBe(s.messages.last!.id)
    expect(status.map((m) => m.data.message)).toEqual(["one", "two"])
    expect(JSON.parse(JSON.stringify(status))).toEqual(JSON.parse(JSON.stringify(s.messages.all)))
    expect(Object.keys(status)).toEqual(["0", "1"])
  })
})

describe("settings", () => {
  it("Inngest's names map onto ours, and bad numbers are ERR_CONFIG before anything connects", () => {
    expect(settingsOf({ reconnectMinMs: 250, reconnectMaxMs: 5000 }).backoff).toEqual({ initialMs: 250, maxMs: 5000 })
    expect(settingsOf({ backoff: { initialMs: 10 } }).backoff).toEqual({ initialMs: 10, maxMs: 30_000 })
    expect(settingsOf({ pauseWhenHidden: false }).pauseOnHidden).toBe(false)
    expect(settingsOf({ untilRunEnds: false })).toMatchObject({ autoCloseOnTerminal: false, untilRunEnds: false })
    expect(settingsOf({}).historyLimit).toBe(1000)
    for (const bad of [{ historyLimit: -1 }, { historyLimit: 1.5 }, { reconnectMinMs: Number.NaN }, { reconnectMaxMs: -1 }]) {
      expect(() => subscribe({ url: "", channel: "c", ...bad })).toThrow(expect.objectContaining({ code: "ERR_CONFIG" }))
    }
  })

  it("key is part of a subscription's identity", () => {
    expect(optionsKey({ url: "", channel: "c", key: "a" })).not.toBe(optionsKey({ url: "", channel: "c", key: "b" }))
    expect(optionsKey({ url: "", channel: "c", token: "x" })).toBe(optionsKey({ url: "", channel: "c", token: "y" }))
  })
})
