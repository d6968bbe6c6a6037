import { describe, expect, it } from "vitest"
import { compareIds, formatId, idTimeMs, isValidId, nextId, parseId } from "./messageId.ts"

describe("message ids", () => {
  it("parses the Redis Streams form and 0", () => {
    expect(parseId("1732250000000-4")).toEqual({ ms: 1732250000000, seq: 4 })
    expect(parseId("0")).toEqual({ ms: 0, seq: 0 })
    for (const bad of ["", "1-", "-1", "a-1", "1-2-3", "1 -2", "1732250000000-4\n", "9".repeat(16) + "-0"]) {
      expect(isValidId(bad), bad).toBe(false)
    }
  })

  it("compares numerically, not as strings", () => {
    expect(compareIds("9-0", "10-0")).toBeLessThan(0)
    expect(compareIds("10-10", "10-9")).toBeGreaterThan(0)
    expect(compareIds("5-1", "5-1")).toBe(0)
    expect(compareIds("0", "1-0")).toBeLessThan(0)
  })

  it("stays strictly increasing when the clock stands still or goes back", () => {
    let last = nextId(null, 1000)
    expect(last).toEqual({ ms: 1000, seq: 0 })
    last = nextId(last, 1000)
    expect(last).toEqual({ ms: 1000, seq: 1 })
    last = nextId(last, 900)
    expect(last).toEqual({ ms: 1000, seq: 2 })
    expect(nextId(last, 1001)).toEqual({ ms: 1001, seq: 0 })
  })

  it("idTimeMs reads the same time as parseId from the ids the gateway makes", () => {
    for (const [ms, seq] of [[1732250000000, 0], [1, 99], [999_999_999_999_999, 999_999_999_999_999]] as const) {
      expect(idTimeMs(formatId(ms, seq))).toBe(parseId(formatId(ms, seq))!.ms)
    }
  })
})
