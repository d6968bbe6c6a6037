import { afterEach, describe, expect, it, vi } from "vitest"
import { subscribe } from "./subscribe.ts"
import { countingFetch, eventually, openConnections, publishAll, type RunningGateway, startGateway, waitForSnapshot } from "./testing/clientTestKit.ts"

import { FakeDocument } from "./testing/fakeDocument.ts"

let gw: RunningGateway
afterEach(async () => {
  vi.useRealTimers()
  delete (globalThis as { document?: unknown }).document
  await gw?.close()
})

describe("pause while hidden", () => {
  it("closes the stream while hidden and resumes from the last id when visible: nothing lost, nothing twice", async () => {
    const doc = new FakeDocument()
    ;(globalThis as { document?: unknown }).document = doc
    gw = await startGateway()
    const sub = subscribe({ url: gw.url, channel: "tab" })
    sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    const sent: number[] = []
    for (let cycle = 0; cycle < 3; cycle++) {
      const before = [cycle * 10, cycle * 10 + 1]
      await publishAll(gw, "tab", "n", before)
      sent.push(...before)
      await waitForSnapshot(sub, (s) => s.messages.all.length === sent.length)
      doc.set("hidden")
      await waitForSnapshot(sub, (s) => s.connectionStatus === "paused")
      await eventually(async () => (await openConnections(gw)) === 0)
      const during = [cycle * 10 + 2, cycle * 10 + 3, cycle * 10 + 4]
      await publishAll(gw, "tab", "n", during)
      sent.push(...during)
      doc.set("visible")
      await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    }
    const s = await waitForSnapshot(sub, (x) => x.messages.all.length === sent.length)
    expect(s.messages.all.map((m) => m.data)).toEqual(sent)
    sub.close()
  })

  it("while hidden it waits for the visibility event: no timer, no request, no snapshot churn", async () => {
    gw = await startGateway() // its own timers stay real
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] })
    const doc = new FakeDocument()
    doc.visibilityState = "hidden"
    ;(globalThis as { document?: unknown }).document = doc
    const fetch = countingFetch()
    const sub = subscribe({ url: gw.url, channel: "hidden", fetch })
    let snapshots = 0
    sub.subscribe(() => snapshots++)
    await waitForSnapshot(sub, (s) => s.connectionStatus === "paused")
    const before = snapshots
    // A loop that re-armed a timer (setTimeout(…, Infinity) fires at once) would spin here.
    await vi.advanceTimersByTimeAsync(5_000)
    expect(snapshots - before).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
    expect(fetch.calls).toHaveLength(0)
    vi.useRealTimers()
    doc.set("visible")
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    expect(fetch.calls).toHaveLength(1)
    sub.close()
  })

  it("keeps streaming while hidden with pauseWhenHidden: false", async () => {
    const doc = new FakeDocument()
    ;(globalThis as { document?: unknown }).document = doc
    gw = await startGateway()
    const sub = subscribe({ url: gw.url, channel: "bg", pauseWhenHidden: false })
    sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    doc.set("hidden")
    await publishAll(gw, "bg", "n", [1])
    const s = await waitForSnapshot(sub, (x) => x.messages.all.length === 1)
    expect(s.connectionStatus).toBe("open")
    sub.close()
  })
})
