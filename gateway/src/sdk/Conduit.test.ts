import { channel } from "@conduit/shared"
import { afterEach, describe, expect, it } from "vitest"
import { z } from "zod"
import { openStream } from "../testing/openStream.ts"
import { type RunningGateway, startGateway } from "../testing/startGateway.ts"
import { Conduit } from "./Conduit.ts"

const KEY = "s".repeat(32)
const pipeline = channel({ name: "pipeline:{runId}", topics: { status: { schema: z.object({ message: z.string() }) } } })
let gw: RunningGateway
afterEach(() => gw?.close())

describe("Conduit SDK", () => {
  it("subscribes from server code with for await: typed, resumed, closed when the loop ends", async () => {
    gw = await startGateway({ signingKey: KEY })
    const conduit = new Conduit({ url: gw.url, signingKey: KEY })
    const ch = pipeline({ runId: "iter" })
    await conduit.publish(ch.status, { message: "before" })
    const received: string[] = []
    const done = (async () => {
      for await (const m of conduit.subscribe({ channel: ch, topics: ["status"] })) {
        received.push(m.data.message) // typed by the schema
        if (received.length === 3) break
      }
    })()
    await conduit.publish(ch.status, { message: "one" })
    await conduit.publish(ch.status, { message: "two" })
    await done
    expect(received).toEqual(["before", "one", "two"])
  })

  it("refuses to subscribe without a gateway URL, with ERR_CONFIG", async () => {
    gw = await startGateway({ signingKey: KEY })
    const conduit = new Conduit({ gateway: gw.gateway })
    expect(() => conduit.subscribe({ channel: "c" })).toThrow(expect.objectContaining({ code: "ERR_CONFIG" }))
  })

  it.each(["http", "in-process"] as const)("publishes typed messages and mints tokens (%s)", async (mode) => {
    gw = await startGateway({ signingKey: KEY })
    const conduit = mode === "http" ? new Conduit({ url: gw.url, signingKey: KEY }) : new Conduit({ gateway: gw.gateway })
    const ch = pipeline({ runId: "r1" })
    const { token } = await conduit.getSubscriptionToken({ channel: ch, topics: ["status"] })
    const s = await openStream(`${gw.url}/v1/subscribe?channel=${ch.name}`, { Authorization: `Bearer ${token}` })
    expect(s.status).toBe(200)
    const { id } = await conduit.publish(ch.status, { message: "hello" }, { runId: "r1" })
    await s.waitFor((e) => e.length === 1)
    expect(s.events[0]!.id).toBe(id)
    expect(JSON.parse(s.events[0]!.data)).toMatchObject({ topic: "status", data: { message: "hello" }, runId: "r1" })
    s.close()
  })

  it("validates before sending: nothing reaches the gateway", async () => {
    gw = await startGateway({ signingKey: KEY })
    let requests = 0
    const counting: typeof fetch = (input, init) => {
      requests++
      return fetch(input, init)
    }
    const conduit = new Conduit({ url: gw.url, signingKey: KEY, fetch: counting })
    const ch = pipeline({ runId: "r1" })
    // @ts-expect-error message must be a string
    await expect(conduit.publish(ch.status, { message: 1 })).rejects.toMatchObject({ code: "ERR_VALIDATION", details: { issues: [{ path: "message" }] } })
    expect(requests).toBe(0)
  })

  it("turns gateway error bodies into ConduitErrors with the same code", async () => {
    gw = await startGateway({ signingKey: KEY })
    const conduit = new Conduit({ url: gw.url, signingKey: "wrong".repeat(8) })
    await expect(conduit.publish(pipeline({ runId: "r" }).status, { message: "x" })).rejects.toMatchObject({
      code: "ERR_INVALID_KEY",
      details: { status: 401 },
    })
    const unreachable = new Conduit({ url: "http://127.0.0.1:9", signingKey: KEY })
    await expect(unreachable.publish(pipeline({ runId: "r" }).status, { message: "x" })).rejects.toMatchObject({ code: "ERR_NETWORK" })
  })
})

describe("in-process publish of values JSON cannot carry", () => {
  it("refuses cycles, BigInt and functions with ERR_INVALID_BODY and publishes nothing", async () => {
    gw = await startGateway()
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    for (const data of [cyclic, 10n, () => 1]) {
      await expect(gw.gateway.publish({ channel: "c", topic: "t", data })).rejects.toMatchObject({ code: "ERR_INVALID_BODY" })
    }
    expect((await gw.get("/v1/channels/c/history")).body.messages).toEqual([])
  })
})
