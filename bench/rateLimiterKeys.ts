// How the publish rate limiter scales with distinct client addresses: the
// time to admit N requests from N new addresses (a flood from many IPs,
// IPv6 makes that cheap), and how many buckets it keeps. Run:
//   npx tsx bench/rateLimiterKeys.ts [path/to/rateLimiter.ts]
// (the argument measures another copy, e.g. an older commit's, the same way).
import { performance } from "node:perf_hooks"
import { pathToFileURL } from "node:url"

const source = process.argv[2] ?? new URL("../gateway/src/http/rateLimiter.ts", import.meta.url).pathname
const { createRateLimiter } = (await import(pathToFileURL(source).href)) as typeof import("../gateway/src/http/rateLimiter.ts")

for (const keys of [10_000, 20_000, 40_000, 100_000]) {
  const limiter = createRateLimiter(1) // a bucket takes a second to refill
  const t0 = Date.now()
  const start = performance.now()
  // All within one second: nothing has refilled, as in a real flood.
  for (let i = 0; i < keys; i++) limiter.take(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, t0 + Math.floor(i / keys * 1000))
  const ms = performance.now() - start
  const size = (limiter as { size?: number }).size
  console.log(`${keys} new addresses: ${ms.toFixed(1)} ms (${((ms * 1000) / keys).toFixed(2)} µs each)${size === undefined ? "" : `, ${size} buckets kept`}`)
}
