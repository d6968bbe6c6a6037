import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openStream, type TestEvent } from "../testing/openStream.ts"
import { startRedis, type TestRedis } from "../testing/redisServer.ts"
import { type RunningGateway, startGateway } from "../testing/startGateway.ts"

let redis: TestRedis
let a: RunningGateway
let b: RunningGateway

beforeAll(async () => {
  redis = await startRedis()
  a = await startGateway({ redisUrl: redis.url })
  b = await startGateway({ redisUrl: redis.url })
})
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()])
  await redis?.close()
})

const values = (events: TestEvent[]) => events.filter((e) => !e.event?.startsWith("$")).map((e) => JSON.parse(e.data).data)
const readyStatus = async (gw: RunningGateway) => (await gw.get("/readyz")).status
/** The `retry:` sent with `$close broker_unavailable`: within its window (2–15 × the 1 s base), not the plain 1000. */
const expectSpreadRetry = (raw: string) => {
  const retries = [...raw.matchAll(/^retry: (\d+)$/gm)].map((m) => Number(m[1]))
  expect(retries.at(-1)).toBeGreaterThanOrEqual(2000)
  expect(retries.at(-1)).toBeLessThanOrEqual(15_000)
}

describe("Redis restarts under two gateway nodes", () => {
  it("closes streams with broker_unavailable, keeps subscribers retrying while it is down, then recovers by itself", async () => {
    const channel = `restart-${process.pid}`
    await expect.poll(() => Promise.all([readyStatus(a), readyStatus(b)]), { timeout: 5000 }).toEqual([200, 200])
    const onB = await openStream(`${b.url}/v1/subscribe?channel=${channel}`)
    const onA = await openStream(`${a.url}/v1/subscribe?channel=${channel}`)
    const { body } = await a.post("/v1/publish", { channel, topic: "t", data: "before" })
    await onB.waitFor((e) => e.length === 1)

    await redis.stop()
    await Promise.all([onA.ended, onB.ended])
    for (const s of [onA, onB]) {
      expect(s.events.at(-1)).toEqual({ event: "$close", data: '{"reason":"broker_unavailable"}' })
      expectSpreadRetry(s.raw)
    }
    expect(values(onB.events)).toEqual(["before"])
    const down = await b.get("/readyz")
    expect(down.status).toBe(503)
    expect(down.body).toMatchObject({ ready: false, broker: false })
    expect(await readyStatus(a)).toBe(503)
    const t0 = Date.now()
    const refused = await a.post("/v1/publish", { channel, topic: "t", data: "during" })
    expect(Date.now() - t0).toBeLessThan(1000)
    expect(refused.status).toBe(503)
    expect(refused.body.error.code).toBe("ERR_BROKER_UNAVAILABLE")
    await expect(a.gateway.publish({ channel, topic: "t", data: "during" })).rejects.toMatchObject({ code: "ERR_BROKER_UNAVAILABLE" })
    // A subscribe meanwhile is not refused with a status native EventSource would give up on
    // for good: 200, a spread retry, $close broker_unavailable, and the stream ends.
    const noStream = await openStream(`${b.url}/v1/subscribe?channel=${channel}`)
    expect(noStream.status).toBe(200)
    expect(noStream.headers["content-type"]).toBe("text/event-stream; charset=utf-8")
    await noStream.ended
    expect(noStream.events).toEqual([{ event: "$close", data: '{"reason":"broker_unavailable"}' }])
    expectSpreadRetry(noStream.raw)

    await redis.start()
    await expect.poll(() => Promise.all([readyStatus(a), readyStatus(b)]), { timeout: 10_000 }).toEqual([200, 200])
    // This Redis keeps no data across restarts: the resume is told, not silently short.
    const resumed = await openStream(`${b.url}/v1/subscribe?channel=${channel}`, { "Last-Event-ID": body.ids[0] })
    expect(resumed.status).toBe(200)
    const fresh = await openStream(`${a.url}/v1/subscribe?channel=${channel}`)
    const after = await a.post("/v1/publish", { channel, topic: "t", data: "after" })
    expect(after.status).toBe(202)
    await resumed.waitFor((e) => values(e).length === 1)
    await fresh.waitFor((e) => e.length === 1)
    expect(resumed.events[0]).toEqual({ event: "$gap", data: JSON.stringify({ lastEventId: body.ids[0], oldest: null }) })
    expect(values(resumed.events)).toEqual(["after"])
    expect(values(fresh.events)).toEqual(["after"])
    resumed.close()
    fresh.close()
  }, 30_000)
})
