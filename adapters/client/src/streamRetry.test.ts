import { describe, expect, it } from "vitest"
import { StreamRetry } from "./streamRetry.ts"

describe("StreamRetry", () => {
  it("a retry: before an ordinary event (or the end) is the base delay; one before $close is that reconnect's delay", () => {
    const r = new StreamRetry()
    r.retry(1000)
    expect(r.event("$position", "{}")).toBeNull()
    expect(r.baseMs).toBe(1000)
    r.retry(3700)
    expect(r.event("$close", '{"reason":"shutdown"}')).toBe("shutdown")
    expect(r).toMatchObject({ baseMs: 1000, closeReason: "shutdown", closeRetryMs: 3700 })
    r.begin()
    expect(r).toMatchObject({ baseMs: 1000, closeReason: null, closeRetryMs: null })
    r.retry(2000)
    r.end()
    expect(r.baseMs).toBe(2000)
  })

  it("reads a $close without a reason it knows as shutdown", () => {
    const r = new StreamRetry()
    expect(r.event("$close", "not json")).toBe("shutdown")
  })
})
