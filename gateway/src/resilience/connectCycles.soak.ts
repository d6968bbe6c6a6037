import { request } from "node:http"
import { describe, expect, it } from "vitest"
import { startGateway } from "../testing/startGateway.ts"

const CYCLES = Number(process.env.SOAK_CYCLES ?? 100_000)
const WARMUP = 5_000
const CONCURRENCY = 200

/** Opens a stream, waits until it is live (headers), then drops it. */
function cycle(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Accept: "text/event-stream" }, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`subscribe answered ${res.statusCode}`))
      req.destroy()
    })
    req.on("error", () => {}) // destroy() above
    req.on("close", () => resolve())
    req.end()
  })
}

async function run(base: string, count: number, offset: number): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = offset + next++
      await cycle(`${base}/v1/subscribe?channel=soak-${i % 1000}${i % 3 === 0 ? "&topics=a,b" : ""}`)
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
}

async function settle(gauge: () => Promise<number>): Promise<{ rss: number; heap: number; handles: number }> {
  while ((await gauge()) !== 0) await new Promise((r) => setTimeout(r, 50))
  await new Promise((r) => setTimeout(r, 200))
  for (let i = 0; i < 3; i++) {
    ;(globalThis as { gc?: () => void }).gc?.()
    await new Promise((r) => setImmediate(r))
  }
  const { rss, heapUsed } = process.memoryUsage()
  return { rss, heap: heapUsed, handles: process.getActiveResourcesInfo().length }
}

describe("soak", () => {
  it(`${CYCLES.toLocaleString("en")} connect/subscribe/disconnect cycles: memory and handles return to within 10 %`, async () => {
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe("function") // run with --expose-gc (vitest.soak.config.ts)
    const gw = await startGateway()
    const connections = async () => {
      const { text } = await gw.get("/metrics")
      return Number(text.split("\n").find((l) => l.startsWith("conduit_connections "))?.split(" ")[1])
    }
    // A steady publisher through the whole soak.
    // (Paused while measuring, so no in-flight publish counts as a handle.)
    let paused = false
    const publishing = setInterval(() => {
      if (!paused) void gw.post("/v1/publish", { channel: "soak-live", topic: "t", data: Date.now() })
    }, 100)
    const measure = async () => {
      paused = true
      const figures = await settle(connections)
      paused = false
      return figures
    }
    try {
      await run(gw.url, WARMUP, 0)
      const before = await measure()
      const started = performance.now()
      await run(gw.url, CYCLES, WARMUP)
      const seconds = (performance.now() - started) / 1000
      const after = await measure()
      const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`
      const pct = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(1)} %`
      console.log(
        `soak: ${CYCLES} cycles in ${seconds.toFixed(1)} s (${Math.round(CYCLES / seconds)}/s), ` +
          `RSS ${mb(before.rss)} → ${mb(after.rss)} (${pct(before.rss, after.rss)}), ` +
          `heap ${mb(before.heap)} → ${mb(after.heap)} (${pct(before.heap, after.heap)}), ` +
          `handles ${before.handles} → ${after.handles}`,
      )
      expect(after.heap).toBeLessThanOrEqual(before.heap * 1.1)
      expect(after.handles).toBeLessThanOrEqual(Math.ceil(before.handles * 1.1))
      expect(after.rss).toBeLessThanOrEqual(before.rss * 1.1)
    } finally {
      clearInterval(publishing)
      await gw.close()
    }
  })
})
