import { describe, expect, it } from "vitest"
import { type AttemptEnd, ReconnectSchedule } from "./reconnectSchedule.ts"

const end = (over: Partial<AttemptEnd> = {}): AttemptEnd => ({
  healthy: false,
  quick: false,
  closeReason: null,
  closeRetryMs: null,
  retryAfterMs: 0,
  ...over,
})

describe("ReconnectSchedule", () => {
  it("takes a quick reconnect once, then backs off until a stream is healthy again", () => {
    const s = new ReconnectSchedule({ maxMs: 30_000, random: () => 1 })
    expect([1, 2, 3, 4].map(() => s.next(end({ quick: true }), 100))).toEqual([0, 100, 200, 400])
    expect(s.next(end({ quick: true, healthy: true }), 100)).toBe(0)
  })

  it("after $close shutdown or broker_unavailable: the gateway's retry:, or its own draw from the window", () => {
    const s = new ReconnectSchedule({ maxMs: 30_000, random: () => 0 })
    expect(s.next(end({ healthy: true, closeReason: "shutdown", closeRetryMs: 3700 }), 1000)).toBe(3700)
    expect(s.next(end({ healthy: true, closeReason: "shutdown" }), 1000)).toBe(1000) // window 1–5 s, drawn at 0
    expect(s.next(end({ healthy: true, closeReason: "broker_unavailable" }), 1000)).toBe(2000) // window 2–15 s
  })

  it("keeps failing after such a close: exponential backoff on top of the window", () => {
    const s = new ReconnectSchedule({ maxMs: 30_000, random: () => 1 })
    const delays = [0, 1, 2, 3, 4, 5].map(() => s.next(end({ closeReason: "broker_unavailable", closeRetryMs: 2000 }), 1000))
    expect(delays).toEqual([2000, 2000, 4000, 8000, 16_000, 30_000])
  })

  it("honours Retry-After", () => {
    const s = new ReconnectSchedule({ maxMs: 30_000, random: () => 0 })
    expect(s.next(end({ retryAfterMs: 5000 }), 100)).toBe(5000)
  })

  it("constant backoff: every failed attempt waits the base delay, a $close still its own window", () => {
    const s = new ReconnectSchedule({ maxMs: 30_000, backoff: "constant", random: () => 1 })
    expect([0, 1, 2, 3].map(() => s.next(end(), 1000))).toEqual([1000, 1000, 1000, 1000])
    expect(s.next(end({ healthy: true, closeReason: "shutdown", closeRetryMs: 3700 }), 1000)).toBe(3700)
    expect(s.next(end({ healthy: true, closeReason: "token_expired" }), 1000)).toBe(1000)
  })
})
