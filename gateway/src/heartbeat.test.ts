import { afterEach, describe, expect, it } from "vitest"
import { openStream, type TestStream } from "./testing/openStream.ts"
import { type RunningGateway, startGateway } from "./testing/startGateway.ts"

let gw: RunningGateway
const streams: TestStream[] = []
afterEach(async () => {
  for (const s of streams.splice(0)) s.close()
  await gw?.close()
})

const PING = "\n: ping\n\n"

describe("heartbeats", () => {
  it("reach a live stream", async () => {
    gw = await startGateway({ heartbeatMs: 50 })
    const s = await openStream(`${gw.url}/v1/subscribe?channel=c`)
    streams.push(s)
    await s.waitFor(() => s.raw.includes(PING), 10_000)
    expect(s.raw.startsWith("retry: 1000\n\n")).toBe(true)
  })

  // A resumed stream on a quiet channel used to wait for a message newer than its
  // resume point before it got any ping: every viewer of a finished run timed out.
  it.each([
    ["Last-Event-ID header", (id: string) => ["?channel=c", { "Last-Event-ID": id }] as const],
    ["?lastEventId=<id>", (id: string) => [`?channel=c&lastEventId=${id}`, {}] as const],
    ["?lastEventId=0", () => ["?channel=c&lastEventId=0", {}] as const],
    ["?replay=all", () => ["?channel=c&replay=all", {}] as const],
  ])("reach a stream resumed with %s on a quiet channel", async (_name, request) => {
    gw = await startGateway({ heartbeatMs: 50 })
    const { body } = await gw.post("/v1/publish", { messages: [1, 2, 3].map((data) => ({ channel: "c", topic: "n", data })) })
    const [query, headers] = request(body.ids[1])
    const s = await openStream(`${gw.url}/v1/subscribe${query}`, headers)
    streams.push(s)
    expect(s.status).toBe(200)
    await s.waitFor(() => s.raw.includes(PING), 10_000)
  })
})
