/** Token buckets per key (a client address): `ratePerSecond` sustained, bursts of as many. */
export interface RateLimiter {
  /** Takes one token for `key`: 0 when allowed, else the seconds to wait (for `Retry-After`). */
  take(key: string, nowMs?: number): number
}

interface Bucket {
  tokens: number
  atMs: number
}

// Past this many keys, full buckets (idle clients) are forgotten: memory stays bounded under a flood of addresses.
const PRUNE_AT = 10_000

export function createRateLimiter(ratePerSecond: number): RateLimiter {
  const buckets = new Map<string, Bucket>()
  const refill = (bucket: Bucket, nowMs: number) => {
    bucket.tokens = Math.min(ratePerSecond, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * ratePerSecond)
    bucket.atMs = nowMs
  }
  return {
    take(key, nowMs = Date.now()) {
      let bucket = buckets.get(key)
      if (!bucket) {
        if (buckets.size >= PRUNE_AT) {
          for (const [k, b] of buckets) {
            refill(b, nowMs)
            if (b.tokens >= ratePerSecond) buckets.delete(k)
          }
        }
        bucket = { tokens: ratePerSecond, atMs: nowMs }
        buckets.set(key, bucket)
      } else {
        refill(bucket, nowMs)
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return 0
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond))
    },
  }
}
