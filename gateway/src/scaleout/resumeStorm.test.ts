import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openCountingSubscriber } from "../testing/countingSubscriber.ts"
import { openStream } from "../testing/openStream.ts"
import { startRedis, type TestRedis } from "../testing/redisServer.ts"
import { type GatewayProcess, startGatewayProcess } from "../testing/startGatewayProcess.ts"

// The gateway runs in its own process: the thousand test clients must not
// starve its event loop (that would test this process, not the gateway).
let redis: TestRedis
let gateway: GatewayProcess

beforeAll(async () => {
  redis = await startRedis()
  gateway = await startGatewayProcess({ CONDUIT_REDIS_URL: redis.url })
})
afterAll(async () => {
  await gateway?.kill()
  await redis?.close()
})

const post = async (body: unknown) => {
  const res = await fetch(`${gateway.url}/v1/publish`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as { ids: string[] } }
}

const HISTORY = 1000
const RESUMES = 1000

describe("a resume storm on Redis", () => {
  it("answers 1,000 concurrent resumes of a 1,000-message history in full while bystanders and their publishes are untouched", async () => {
    const hot = `storm-${process.pid}`
    const calm = `calm-${process.pid}`
    const ids: string[] = []
    const pad = "x".repeat(200)
    for (let i = 0; i < HISTORY; i += 100) {
      const res = await post({ messages: Array.from({ length: 100 }, (_, j) => ({ channel: hot, topic: "t", data: { i: i + j, pad } })) })
      expect(res.status).toBe(202)
      ids.push(...res.body.ids)
    }
    const bystander = await openStream(`${gateway.url}/v1/subscribe?channel=${calm}`)
    expect(bystander.status).toBe(200)

    // Publishes elsewhere keep going, one after another, for the whole storm.
    let storming = true
    const published: number[] = []
    const failed: number[] = []
    const publisher = (async () => {
      for (let n = 0; storming; n++) {
        const res = await post({ channel: calm, topic: "t", data: n })
        ;(res.status === 202 ? published : failed).push(res.status)
      }
    })()

    // Half resume from the start, half from an id of their own: the replays cannot all be one read.
    const resumes = await Promise.allSettled(
      Array.from({ length: RESUMES }, (_, i) => {
        const from = i % 2 === 0 ? "0" : ids[i % HISTORY]!
        const expected = from === "0" ? HISTORY : HISTORY - 1 - (i % HISTORY)
        return openCountingSubscriber(`${gateway.url}/v1/subscribe?channel=${hot}`, { "Last-Event-ID": from }).then(async (s) => {
          await s.waitFor(expected, 120_000)
          s.close()
          return s.ids.length
        })
      }),
    )
    storming = false
    await publisher

    const refused = resumes.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))
    const bystanderControl = bystander.events.filter((e) => e.event?.startsWith("$"))
    expect({ refused: refused.length, firstRefusal: refused[0], failedPublishes: failed.length, bystanderControl }).toEqual({
      refused: 0,
      firstRefusal: undefined,
      failedPublishes: 0,
      bystanderControl: [],
    })
    expect(published.length).toBeGreaterThan(0)
    await bystander.waitFor((e) => e.length === published.length)
    expect(bystander.messages().map((e) => JSON.parse(e.data).data)).toEqual(published.map((_, n) => n))
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200)
    bystander.close()
  }, 240_000)
})
