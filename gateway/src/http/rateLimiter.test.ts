import { describe, expect, it } from "vitest"
import { createRateLimiter } from "./rateLimiter.ts"
import { createStreamQuota } from "./streamQuota.ts"

describe("createRateLimiter", () => {
  it("allows a burst of `rate`, then asks to wait, and refills over time (clock passed in)", () => {
    const limiter = createRateLimiter(5)
    const t = 1_000_000
    expect(Array.from({ length: 5 }, () => limiter.take("a", t))).toEqual([0, 0, 0, 0, 0])
    expect(limiter.take("a", t)).toBe(1)
    expect(limiter.take("b", t)).toBe(0) // per key
    expect(limiter.take("a", t + 200)).toBe(0) // 0.2 s × 5/s = one token back
    expect(limiter.take("a", t + 200)).toBe(1)
    expect(Array.from({ length: 6 }, () => limiter.take("a", t + 60_000)).filter((w) => w === 0)).toHaveLength(5) // capped at the burst
  })

  it("stays bounded under a flood of distinct keys", () => {
    const limiter = createRateLimiter(1)
    for (let i = 0; i < 50_000; i++) limiter.take(`k${i}`, i * 2000) // each key idle long enough to refill
    expect(limiter.take("k49999", 49_999 * 2000)).toBe(1) // still tracked: the newest key was kept
    expect(limiter.size).toBeLessThanOrEqual(2)
  })

  it("never holds more than maxKeys buckets, even for a flood of addresses within one second", () => {
    const limiter = createRateLimiter(1, 1000)
    let most = 0
    for (let i = 0; i < 20_000; i++) {
      limiter.take(`10.0.${i >> 8}.${i & 255}`, 1_000_000 + Math.floor(i / 20))
      most = Math.max(most, limiter.size)
    }
    expect(most).toBeLessThanOrEqual(1000)
  })

  it("keeps a limited address limited while other addresses come and go, and forgets it only once it is full again", () => {
    const limiter = createRateLimiter(2, 10_000)
    const t = 5_000_000
    expect([limiter.take("a", t), limiter.take("a", t), limiter.take("a", t)]).toEqual([0, 0, 1])
    for (let i = 0; i < 3000; i++) limiter.take(`b${i}`, t + i / 10) // 3,000 others over 300 ms
    expect(limiter.take("a", t + 300)).toBe(1) // still remembered as empty (0.6 token back, not 1)
    for (let ms = 400; ms <= 3000; ms += 100) limiter.take(`c${ms}`, t + ms) // time passes; "a" stays idle
    expect(limiter.size).toBeLessThan(30) // the 3,000 idle ones and "a" (full again) were forgotten
    expect([limiter.take("a", t + 3000), limiter.take("a", t + 3000), limiter.take("a", t + 3000)]).toEqual([0, 0, 1])
  })
})

describe("createStreamQuota", () => {
  it("counts per key, refuses past max, frees on release", () => {
    const quota = createStreamQuota(2)
    expect([quota.acquire("ip"), quota.acquire("ip"), quota.acquire("ip")]).toEqual([true, true, false])
    expect(quota.acquire("other")).toBe(true)
    quota.release("ip")
    expect(quota.acquire("ip")).toBe(true)
    quota.release("ip")
    quota.release("ip")
    quota.release("other")
    expect(quota.size).toBe(0)
  })
})
