import { describe, expect, it } from "vitest"
import { backoffDelay } from "./backoffDelay.ts"

describe("backoffDelay", () => {
  it("doubles from the base up to the cap, jittered within the upper half", () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const ceiling = Math.min(30_000, 1000 * 2 ** attempt)
      expect(backoffDelay(attempt, 1000, 30_000, () => 0)).toBe(ceiling / 2)
      expect(backoffDelay(attempt, 1000, 30_000, () => 1)).toBe(ceiling)
    }
    expect(backoffDelay(1000, 1000, 30_000, () => 1)).toBe(30_000) // no overflow
  })

  it("jitters down by at most `jitter` of the ceiling", () => {
    expect(backoffDelay(1, 1000, 60_000, () => 0, 0.2)).toBe(1600)
    expect(backoffDelay(1, 1000, 60_000, () => 1, 0.2)).toBe(2000)
    expect(backoffDelay(1, 1000, 60_000, () => 0.5, 0)).toBe(2000)
  })
})
