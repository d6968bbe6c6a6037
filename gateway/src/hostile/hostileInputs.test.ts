import { channel } from "@conduit/shared"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { z } from "zod"
import { openStream, type TestStream } from "../testing/openStream.ts"
import { type RunningGateway, startGateway } from "../testing/startGateway.ts"
import { HOSTILE_CASES, KEY, VICTIM } from "./hostileCases.ts"
import { sendRaw } from "./sendRaw.ts"

const orders = channel({ name: "orders:{id}", topics: { status: { schema: z.object({ state: z.string() }) } } })

let gw: RunningGateway
let healthy: TestStream
let probes = 0

async function publishedTotal(): Promise<number> {
  const { text } = await gw.get("/metrics")
  return Number(text.split("\n").find((l) => l.startsWith("conduit_messages_published_total "))?.split(" ")[1])
}

beforeAll(async () => {
  gw = await startGateway({ signingKey: KEY, channels: [orders] })
  const { body } = await gw.post("/v1/tokens", { channel: VICTIM, topics: ["status"] }, { Authorization: `Bearer ${KEY}` })
  healthy = await openStream(`${gw.url}/v1/subscribe?channel=${VICTIM}`, { Authorization: `Bearer ${body.token}` })
  expect(healthy.status).toBe(200)
})
afterAll(async () => {
  healthy?.close()
  await gw?.close()
})

describe(`hostile input (${HOSTILE_CASES.length} cases)`, () => {
  it("has at least 40 cases", () => expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(40))

  it.each(HOSTILE_CASES.map((c) => [c.name, c] as const))("%s", async (_name, hostile) => {
    const before = await publishedTotal()
    const res = await sendRaw(gw.port, await hostile.request())
    expect(res.status).toBe(hostile.status)
    if (hostile.code) {
      expect(res.headers["content-type"]).toMatch(/^application\/json/)
      expect(JSON.parse(res.body).error.code).toBe(hostile.code)
    }
    // Nothing changed: only what the case may publish was published.
    expect(await publishedTotal()).toBe(before + (hostile.publishes ?? 0))

    // The healthy subscriber still gets the next message, and only well-formed frames.
    probes++
    await gw.post("/v1/publish", { channel: VICTIM, topic: "status", data: { state: `probe ${probes}` } }, { Authorization: `Bearer ${KEY}` })
    await healthy.waitFor((events) => events.filter((e) => e.event === "status").length === probes)
    expect(healthy.events.every((e) => e.event === "status")).toBe(true)
    expect(healthy.raw).not.toMatch(/pwned|data: x\n/)
  })
})
