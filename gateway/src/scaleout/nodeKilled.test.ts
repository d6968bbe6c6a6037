import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openStream, type TestEvent } from "../testing/openStream.ts"
import { startRedis, type TestRedis } from "../testing/redisServer.ts"
import { type RunningGateway, startGateway } from "../testing/startGateway.ts"
import { type GatewayProcess, startGatewayProcess } from "../testing/startGatewayProcess.ts"

let redis: TestRedis
let a: RunningGateway
let b: GatewayProcess

beforeAll(async () => {
  redis = await startRedis()
  a = await startGateway({ redisUrl: redis.url })
  b = await startGatewayProcess({ CONDUIT_REDIS_URL: redis.url })
})
afterAll(async () => {
  await b?.kill("SIGKILL")
  await a?.close()
  await redis?.close()
})

const dataMessages = (events: TestEvent[]) => events.filter((e) => !e.event?.startsWith("$"))

describe("a gateway node dies mid-stream", () => {
  it("its subscriber resumes on the other node with Last-Event-ID and gets every message exactly once", async () => {
    const channel = `pipeline:killed-${process.pid}`
    const total = 300
    const published: string[] = []
    // A steady publisher on node A, running across the kill and the reconnect.
    const publishing = (async () => {
      for (let i = 0; i < total; i++) {
        const { status, body } = await a.post("/v1/publish", { channel, topic: "tokens", data: { i } })
        expect(status).toBe(202)
        published.push(body.ids[0])
        await new Promise((r) => setTimeout(r, 2))
      }
    })()

    const onB = await openStream(`${b.url}/v1/subscribe?channel=${channel}&lastEventId=0`)
    expect(onB.status).toBe(200)
    await onB.waitFor((e) => e.length >= 60, 10_000)
    expect(await b.kill("SIGKILL")).toBeNull()
    await onB.ended
    const before = dataMessages(onB.events)
    const lastId = before.at(-1)!.id!

    const onA = await openStream(`${a.url}/v1/subscribe?channel=${channel}`, { "Last-Event-ID": lastId })
    expect(onA.status).toBe(200)
    await publishing
    await onA.waitFor((e) => before.length + dataMessages(e).length >= total, 10_000)
    await new Promise((r) => setTimeout(r, 100)) // anything extra would arrive now
    onA.close()

    const received = [...before, ...dataMessages(onA.events)]
    expect(onA.events.some((e) => e.event === "$gap")).toBe(false)
    expect(received.map((e) => JSON.parse(e.data).data.i)).toEqual(Array.from({ length: total }, (_, i) => i))
    expect(received.map((e) => e.id)).toEqual(published)
  }, 40_000)
})
