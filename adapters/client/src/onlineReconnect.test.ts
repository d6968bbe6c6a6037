import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { freePort } from "../../../gateway/src/testing/redisServer.ts"
import { subscribe } from "./subscribe.ts"
import { countingFetch, eventually, type RunningGateway, startGateway, waitForSnapshot } from "./testing/clientTestKit.ts"

let gw: RunningGateway | undefined
// A window that is only an event target: the browser's `online` event without a browser's fetch rules.
let window: EventTarget
beforeEach(() => {
  window = new EventTarget()
  ;(globalThis as { window?: unknown }).window = window
})
afterEach(async () => {
  delete (globalThis as { window?: unknown }).window
  await gw?.close()
  gw = undefined
})

describe("back online", () => {
  it("an online event cuts a pending backoff short: the reconnect happens at once, not in ten minutes", async () => {
    const port = await freePort() // nothing listens yet: the first connect is refused
    const fetch = countingFetch()
    const sub = subscribe({ url: `http://127.0.0.1:${port}`, channel: "c", fetch, backoff: { initialMs: 600_000, maxMs: 600_000 } })
    sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.error?.code === "ERR_NETWORK")
    expect(fetch.calls).toHaveLength(1)
    // The network is back (here: a gateway on that port), and the browser says so.
    gw = await startGateway({}, port)
    window.dispatchEvent(new Event("online"))
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    expect(fetch.calls).toHaveLength(2)
    sub.close()
  })

  it("listens to the window while it runs, and leaves it when the subscription closes", async () => {
    const listening = new Set<unknown>()
    window.addEventListener = (type: string, listener: unknown) => type === "online" && listening.add(listener)
    window.removeEventListener = (type: string, listener: unknown) => type === "online" && listening.delete(listener)
    gw = await startGateway()
    const sub = subscribe({ url: gw.url, channel: "c" })
    sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    expect(listening.size).toBe(1)
    sub.close()
    await eventually(() => listening.size === 0)
  })
})
