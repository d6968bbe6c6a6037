import { afterEach, describe, expect, it, vi } from "vitest"
import { freePort } from "../../../gateway/src/testing/redisServer.ts"
import { subscribe } from "./subscribe.ts"
import { createGateway } from "../../../gateway/src/createGateway.ts"
import { startGateway } from "./testing/clientTestKit.ts"

describe("reconnect timing (fake timers)", () => {
  afterEach(() => vi.useRealTimers())

  it("waits 0.5–1×, 1–2×, 2–4× the base … capped, between failed connects", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] })
    const port = await freePort() // nothing listens: every connect is refused at once
    const at: number[] = []
    let settled = 0
    const fetchAt: typeof fetch = (input, init) => {
      at.push(Date.now())
      return fetch(input, init).finally(() => settled++)
    }
    const sub = subscribe({ url: `http://127.0.0.1:${port}`, channel: "c", fetch: fetchAt, backoff: { initialMs: 1000, maxMs: 4000 } })
    sub.subscribe(() => {})
    const realTick = () => new Promise((r) => setImmediate(r))
    for (let n = 1; n <= 6; n++) {
      // The refused connect happens in real time; then fake time moves in 10 ms steps until the next connect.
      while (settled < n) await realTick()
      for (let step = 0; at.length === n && step < 1000; step++) {
        await vi.advanceTimersByTimeAsync(10)
        await realTick()
      }
    }
    sub.close()
    const gaps = at.slice(1, 6).map((t, i) => t - at[i]!)
    const ceilings = [1000, 2000, 4000, 4000, 4000]
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(ceilings[i]! / 2)
      expect(gap).toBeLessThanOrEqual(ceilings[i]! + 10) // fake time moves in 10 ms steps
    })
    expect(sub.getSnapshot().error?.code).toBe("ERR_NETWORK")
  })

  it("takes the server's retry: as the base delay", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] })
    const gateway = createGateway({ logLevel: "silent", retryMs: 3000 })
    const { url, server } = await gateway.listen({ port: 0 })
    const at: number[] = []
    let settled = 0
    const fetchAt: typeof fetch = (input, init) => {
      at.push(Date.now())
      return fetch(input, init).finally(() => settled++)
    }
    const sub = subscribe({ url, channel: "c", fetch: fetchAt, backoff: { initialMs: 100 } })
    sub.subscribe(() => {})
    const realTick = () => new Promise((r) => setImmediate(r))
    while (sub.getSnapshot().connectionStatus !== "open") await realTick()
    server.closeAllConnections() // the network drops the stream: no $close, plain backoff
    const droppedAt = Date.now()
    for (let step = 0; at.length === 1 && step < 1000; step++) {
      await vi.advanceTimersByTimeAsync(10)
      await realTick()
    }
    sub.close()
    await gateway.close()
    expect(at.length).toBe(2)
    expect(at[1]! - droppedAt).toBeGreaterThanOrEqual(1500) // 100 ms × jitter would be ≤ 100
    expect(at[1]! - droppedAt).toBeLessThanOrEqual(3010)
  })

  it("after $close shutdown, 20 clients come back spread over 1–5× the retry:, not within one base delay", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] })
    let gw = await startGateway({ retryMs: 1000 })
    const port = gw.port
    const reconnects: number[] = []
    let closedAt = 0
    const fetchAt: typeof fetch = (input, init) => {
      if (closedAt > 0) reconnects.push(Date.now() - closedAt)
      return fetch(input, init)
    }
    const subs = Array.from({ length: 20 }, () => subscribe({ url: gw.url, channel: "c", fetch: fetchAt }))
    for (const sub of subs) sub.subscribe(() => {})
    const realTick = () => new Promise((r) => setImmediate(r))
    while (subs.some((s) => s.getSnapshot().connectionStatus !== "open")) await realTick()
    closedAt = Date.now()
    await gw.close() // $close shutdown to all 20 at once
    gw = await startGateway({ retryMs: 1000 }, port)
    for (let step = 0; reconnects.length < 20 && step < 1000; step++) {
      await vi.advanceTimersByTimeAsync(10)
      await realTick()
    }
    for (const sub of subs) sub.close()
    await gw.close()
    expect(reconnects).toHaveLength(20)
    for (const delay of reconnects) {
      expect(delay).toBeGreaterThanOrEqual(1000)
      expect(delay).toBeLessThanOrEqual(5010) // fake time moves in 10 ms steps
    }
    expect(Math.max(...reconnects) - Math.min(...reconnects)).toBeGreaterThan(1000)
  })
})
