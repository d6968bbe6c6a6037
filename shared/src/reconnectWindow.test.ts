import { describe, expect, it } from "vitest"
import { reconnectDelay, reconnectWindow } from "./reconnectWindow.ts"

describe("reconnectWindow", () => {
  it("is 'at once' for a fresh token or a resume from history, and grows for a restart, then a lost broker", () => {
    expect(reconnectWindow("token_expired", 1000)).toEqual({ minMs: 0, maxMs: 0 })
    expect(reconnectWindow("slow_consumer", 1000)).toEqual({ minMs: 0, maxMs: 0 })
    expect(reconnectWindow("shutdown", 1000)).toEqual({ minMs: 1000, maxMs: 5000 })
    expect(reconnectWindow("broker_unavailable", 1000)).toEqual({ minMs: 2000, maxMs: 15_000 })
  })

  it("draws uniformly inside it, scaled by the base delay", () => {
    expect(reconnectDelay("shutdown", 200, () => 0)).toBe(200)
    expect(reconnectDelay("shutdown", 200, () => 1)).toBe(1000)
    expect(reconnectDelay("broker_unavailable", 200, () => 0.5)).toBe(1700)
    expect(reconnectDelay("token_expired", 200, () => 0.7)).toBe(0)
  })
})
