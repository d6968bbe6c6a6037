import { describe, expect, it } from "vitest"
import { HistoryBuffer } from "./historyBuffer.ts"

const msg = (ms: number, seq = 0) => ({ id: `${ms}-${seq}`, topic: "t", frame: Buffer.from("") })

describe("HistoryBuffer", () => {
  it("keeps at most maxCount messages and remembers the newest evicted id", () => {
    const h = new HistoryBuffer(3, 60_000)
    for (let i = 1; i <= 5; i++) h.push(msg(1000 + i), 1000 + i)
    expect(h.size).toBe(3)
    expect(h.oldestId()).toBe("1003-0")
    expect(h.evictedThrough).toBe("1002-0")
  })

  it("drops messages older than maxAgeMs", () => {
    const h = new HistoryBuffer(100, 1000)
    h.push(msg(1000), 1000)
    h.push(msg(1500), 1500)
    h.expire(2200)
    expect(h.size).toBe(1)
    expect(h.oldestId()).toBe("1500-0")
    h.expire(2600)
    expect(h.size).toBe(0)
    expect(h.evictedThrough).toBe("1500-0")
  })

  it("returns messages strictly after an id, with a limit", () => {
    const h = new HistoryBuffer(100, 60_000)
    for (let i = 0; i < 10; i++) h.push(msg(1000, i), 1000)
    expect(h.after("1000-4").map((m) => m.id)).toEqual(["1000-5", "1000-6", "1000-7", "1000-8", "1000-9"])
    expect(h.after("0", 2).map((m) => m.id)).toEqual(["1000-0", "1000-1"])
    expect(h.after("1000-9")).toEqual([])
  })

  it("stays bounded in memory under a long stream", () => {
    const h = new HistoryBuffer(10, 60_000)
    for (let i = 0; i < 100_000; i++) h.push(msg(1000, i), 1000)
    expect(h.size).toBe(10)
    expect((h as unknown as { items: unknown[] }).items.length).toBeLessThan(3000)
  })

  it("keeps at most maxBytes, always the newest message, and counts what it drops", () => {
    const h = new HistoryBuffer(100, 60_000, 1000)
    for (let i = 0; i < 5; i++) h.push(msg(1000 + i), 1000 + i, 400)
    expect(h.size).toBe(2)
    expect(h.oldestId()).toBe("1003-0")
    expect(h.evictedThrough).toBe("1002-0")
    h.push(msg(2000), 2000, 1000)
    expect(h.size).toBe(1)
    expect(h.oldestId()).toBe("2000-0")
  })
})
