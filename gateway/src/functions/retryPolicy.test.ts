import { ConduitError, ErrorCode } from "@conduit/shared"
import { describe, expect, it } from "vitest"
import { exponentialBackoff, isRetriable, toRunError } from "./retryPolicy.ts"

describe("exponentialBackoff", () => {
  it("doubles from the base up to the cap", () => {
    const delay = exponentialBackoff({ baseMs: 100, maxMs: 1_000, jitter: 0 })
    expect([1, 2, 3, 4, 5, 6].map(delay)).toEqual([100, 200, 400, 800, 1_000, 1_000])
  })

  it("jitters down by at most the jitter fraction", () => {
    expect(exponentialBackoff({ baseMs: 1_000, jitter: 0.2, random: () => 1 })(1)).toBe(800)
    expect(exponentialBackoff({ baseMs: 1_000, jitter: 0.2, random: () => 0 })(1)).toBe(1_000)
  })
})

describe("isRetriable", () => {
  it.each([
    [new Error("boom"), true],
    ["a string", true],
    [new ConduitError(ErrorCode.NETWORK, "down"), true],
    [new ConduitError(ErrorCode.BROKER_UNAVAILABLE, "down"), true],
    [new ConduitError(ErrorCode.HTTP, "502"), true],
    [new ConduitError(ErrorCode.RATE_LIMITED, "slow down"), true],
    [new ConduitError(ErrorCode.VALIDATION, "bad"), false],
    [new ConduitError(ErrorCode.UNKNOWN_TOPIC, "bad"), false],
    [new ConduitError(ErrorCode.PAYLOAD_TOO_LARGE, "big"), false],
    [new ConduitError(ErrorCode.INVALID_KEY, "key"), false],
    [new ConduitError(ErrorCode.CONFIG, "config"), false],
    [new ConduitError(ErrorCode.RUN_FAILED, "give up"), false],
    [new ConduitError(ErrorCode.RUN_CANCELLED, "cancelled"), false],
  ])("%s → %s", (error, expected) => {
    expect(isRetriable(error)).toBe(expected)
  })
})

describe("toRunError", () => {
  it("keeps a ConduitError's code and wraps anything else as ERR_RUN_FAILED", () => {
    expect(toRunError(new ConduitError(ErrorCode.VALIDATION, "bad data"))).toEqual({ code: "ERR_VALIDATION", message: "bad data" })
    expect(toRunError(new TypeError("x is undefined"))).toEqual({ code: "ERR_RUN_FAILED", message: "x is undefined" })
    expect(toRunError(42)).toEqual({ code: "ERR_RUN_FAILED", message: "non-error thrown: 42" })
  })
})
