/** Token buckets per key (a client address): `ratePerSecond` sustained, bursts of as many. */
export interface RateLimiter {
  /** Takes one token for `key`: 0 when allowed, else the seconds to wait (for `Retry-After`). */
  take(key: string, nowMs?: number): number
  /** Buckets held: at most `maxKeys`. */
  readonly size: number
}

interface Bucket {
  tokens: number
  atMs: number
}

// A bucket holds `ratePerSecond` tokens and refills at `ratePerSecond`/s: idle this long, it is full.
const REFILL_MS = 1000
/** Buckets kept at most: memory stays bounded under a flood of addresses. */
export const MAX_RATE_KEYS = 10_000

/**
 * O(1) per request, bounded memory: buckets live in two generations. Every
 * second the current one becomes the previous and the previous is dropped
 * whole; a bucket used meanwhile moves to the current one. So a dropped
 * bucket sat idle for at least a second: it was full, and forgetting it
 * changes nothing. A generation also turns over at `maxKeys / 2` buckets: a
 * flood of more addresses than that within one second starts some of them
 * over with a fresh burst, the price of the bound.
 */
export function createRateLimiter(ratePerSecond: number, maxKeys = MAX_RATE_KEYS): RateLimiter {
  let current = new Map<string, Bucket>()
  let previous = new Map<string, Bucket>()
  let turnedAtMs = -Infinity
  return {
    take(key, nowMs = Date.now()) {
      if (nowMs - turnedAtMs >= REFILL_MS || current.size >= maxKeys / 2) {
        previous = current
        current = new Map()
        turnedAtMs = nowMs
      }
      let bucket = current.get(key)
      if (bucket === undefined) {
        bucket = previous.get(key)
        if (bucket === undefined) bucket = { tokens: ratePerSecond, atMs: nowMs }
        else previous.delete(key)
        current.set(key, bucket)
      }
      bucket.tokens = Math.min(ratePerSecond, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * ratePerSecond)
      bucket.atMs = nowMs
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return 0
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond))
    },
    get size() {
      return current.size + previous.size
    },
  }
}
