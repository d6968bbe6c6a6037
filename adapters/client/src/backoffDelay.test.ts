import { afterEach, describe, expect, it, vi } from "vitest"
import { backoffDelay } from "./backoffDelay.ts"
import { freePort } from "../../../gateway/src/testing/redisServer.ts"
import { subscribe } from "./subscribe.ts"
import { startGateway } from "./testing/clientTestKit.ts"

describe("backoffDelay", () => {
  it("doubles from the base up to the cap, jittered within the upper half", () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const ceiling = Math.min(30_000, 1000 * 2 ** attempt)
      expect(backoffDelay(attempt, 1000, 30_000, () => 0)).toBe(ceiling / 2)
      expect(backoffDelay(attempt, 1000, 30_000, () => 1)).toBe(ceiling)
    }
    expect(backoffDelay(1000, 1000, 30_000, () => 1)).toBe(30_000) // no overflow
  })
})

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
    const gw = await startGateway({ retryMs: 3000 })
    const at: number[] = []
    let settled = 0
    const fetchAt: typeof fetch = (input, init) => {
      at.push(Date.now())
      return fetch(input, init).finally(() => settled++)
    }
    const sub = subscribe({ url: gw.url, channel: "c", fetch: fetchAt, backoff: { initialMs: 100 } })
    sub.subscribe(() => {})
    const realTick = () => new Promise((r) => setImmediate(r))
    while (sub.getSnapshot().connectionStatus !== "open") await realTick()
    await gw.close() // $close shutdown; the port now refuses
    const closedAt = Date.now()
    for (let step = 0; at.length === 1 && step < 1000; step++) {
      await vi.advanceTimersByTimeAsync(10)
      await realTick()
    }
    sub.close()
    expect(at.length).toBe(2)
    expect(at[1]! - closedAt).toBeGreaterThanOrEqual(1500) // 100 ms × jitter would be ≤ 100
    expect(at[1]! - closedAt).toBeLessThanOrEqual(3010)
  })
})
