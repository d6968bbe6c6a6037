import { afterEach, describe, expect, it } from "vitest"
import { openStream } from "./testing/openStream.ts"
import { type RunningGateway, startGateway } from "./testing/startGateway.ts"

let gw: RunningGateway
afterEach(() => gw?.close())

describe("slow consumers", () => {
  it("drops a stalled subscriber with $close slow_consumer while a healthy one keeps receiving", async () => {
    gw = await startGateway({ slowConsumerBytes: 256 * 1024 })
    const healthy = await openStream(`${gw.url}/v1/subscribe?channel=c`)
    const stalled = await openStream(`${gw.url}/v1/subscribe?channel=c`)
    stalled.pause() // never reads: kernel buffers fill, then the gateway's queue grows
    const metrics = async () => (await gw.get("/metrics")).text
    // The stalled client reads again as soon as it was dropped: a closed stream's last bytes
    // wait only a few seconds for their reader, and a busy machine takes longer than that to
    // publish the rest.
    const dropped = (async () => {
      await expect.poll(metrics, { timeout: 30_000 }).toMatch(/^conduit_streams_closed_total\{reason="slow_consumer"\} 1$/m)
      stalled.response.resume()
    })()
    const payload = "x".repeat(100 * 1024)
    const total = 300 // ~30 MB: more than loopback socket buffers can hide
    for (let i = 0; i < total; i++) {
      const res = await gw.post("/v1/publish", { channel: "c", topic: "t", data: { i, payload } })
      expect(res.status).toBe(202) // publishers never wait for subscribers
    }
    await dropped
    await healthy.waitFor((e) => e.length === total, 30_000)
    expect(healthy.events.map((e) => JSON.parse(e.data).data.i)).toEqual(Array.from({ length: total }, (_, i) => i))
    expect(await metrics()).toMatch(/^conduit_connections 1$/m)
    // The stalled client, once it reads again, finds the reason at the end of what it was sent.
    await stalled.ended
    expect(stalled.events.at(-1)).toEqual({ event: "$close", data: '{"reason":"slow_consumer"}' })
    const got = stalled.messages().map((e) => JSON.parse(e.data).data.i as number)
    expect(got.length).toBeLessThan(total)
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i)) // a prefix: it resumes from its last id
    healthy.close()
  }, 60_000)
})
