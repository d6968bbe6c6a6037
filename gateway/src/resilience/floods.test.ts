import { afterEach, describe, expect, it } from "vitest"
import { type CountingSubscriber, openCountingSubscriber } from "../testing/countingSubscriber.ts"
import { openStream, type TestStream } from "../testing/openStream.ts"
import { type RunningGateway, startGateway } from "../testing/startGateway.ts"

let gw: RunningGateway
afterEach(() => gw?.close())

async function metric(name: string, label = ""): Promise<number> {
  const { text } = await gw.get("/metrics")
  const line = text.split("\n").find((l) => l.startsWith(`${name}${label} `) || (label === "" && l.startsWith(`${name} `)))
  return Number(line?.split(" ").at(-1) ?? 0)
}

describe("floods and slow clients", () => {
  it("stalled subscribers are dropped with $close slow_consumer; a healthy one gets every message", async () => {
    gw = await startGateway({ slowConsumerBytes: 64 * 1024 })
    const stalled: TestStream[] = []
    for (let i = 0; i < 5; i++) {
      const s = await openStream(`${gw.url}/v1/subscribe?channel=flood`)
      s.pause() // never reads again
      stalled.push(s)
    }
    const healthy = await openCountingSubscriber(`${gw.url}/v1/subscribe?channel=flood`)
    const payload = "x".repeat(10_000)
    const ids: string[] = []
    for (let batch = 0; batch < 20; batch++) {
      const messages = Array.from({ length: 50 }, (_, i) => ({ channel: "flood", topic: "t", data: { i: batch * 50 + i, payload } }))
      ids.push(...(await gw.post("/v1/publish", { messages })).body.ids)
    }
    await healthy.waitFor(ids.length)
    expect(healthy.ids).toEqual(ids)
    await expect.poll(() => metric("conduit_streams_closed_total", '{reason="slow_consumer"}')).toBe(5)
    expect(await metric("conduit_connections")).toBe(1)
    healthy.close()
    for (const s of stalled) s.close()
  })

  it("3,000 connections opened and closed fast leave no stream behind; a healthy subscriber is unaffected", async () => {
    gw = await startGateway()
    const healthy = await openCountingSubscriber(`${gw.url}/v1/subscribe?channel=steady`)
    let done = 0
    const worker = async () => {
      while (done < 3000) {
        done++
        const s = await openCountingSubscriber(`${gw.url}/v1/subscribe?channel=churn-${done % 50}`)
        s.close()
      }
    }
    await Promise.all(Array.from({ length: 100 }, worker))
    await expect.poll(() => metric("conduit_connections"), { timeout: 10_000 }).toBe(1)
    const { body } = await gw.post("/v1/publish", { channel: "steady", topic: "t", data: "after the churn" })
    await healthy.waitFor(1)
    expect(healthy.ids).toEqual(body.ids)
    healthy.close()
  }, 120_000) // a bound, not a target: 3,000 connects took 16 s of the default 20 on a machine loaded 14 ways

  it("a publisher at full speed while 1,000 subscribers listen: each gets every message once, in order", async () => {
    gw = await startGateway({ historySize: 5000 })
    const subscribers: CountingSubscriber[] = []
    for (let i = 0; i < 1000; i += 100) {
      subscribers.push(...(await Promise.all(Array.from({ length: 100 }, () => openCountingSubscriber(`${gw.url}/v1/subscribe?channel=firehose`)))))
    }
    const heapBefore = process.memoryUsage().heapUsed
    const ids: string[] = []
    for (let batch = 0; batch < 10; batch++) {
      const messages = Array.from({ length: 100 }, (_, i) => ({ channel: "firehose", topic: "t", data: batch * 100 + i }))
      ids.push(...(await gw.post("/v1/publish", { messages })).body.ids)
    }
    await Promise.all(subscribers.map((s) => s.waitFor(ids.length)))
    for (const s of subscribers) expect(s.ids).toEqual(ids)
    expect(await metric("conduit_streams_closed_total", '{reason="slow_consumer"}')).toBe(0)
    // 1M deliveries later the heap (gateway and these subscribers' id lists) is bounded: ids alone are ~60 MB.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(400 * 1024 * 1024)
    for (const s of subscribers) s.close()
    await expect.poll(() => metric("conduit_connections"), { timeout: 10_000 }).toBe(0)
  }, 120_000)
})
