import { channel } from "@conduit/shared"
import { afterEach, describe, expect, it } from "vitest"
import { z } from "zod"
import { type RunningGateway, startGateway } from "../testing/startGateway.ts"
import { Conduit } from "./Conduit.ts"

const KEY = "k".repeat(32)
let runs = 0
// A schema that counts its runs: the publish path is checked, not how zod caches.
const counted = z.object({ state: z.string() }).refine(() => ++runs > 0)
const orders = channel({ name: "orders:{id}", topics: { status: { schema: counted } } })

let gw: RunningGateway | undefined
afterEach(async () => {
  await gw?.close()
  gw = undefined
})

describe("a publish's schema check", () => {
  it("runs once for an in-process publish to a gateway that has the channel registered too", async () => {
    gw = await startGateway({ signingKey: KEY, channels: [orders] })
    const conduit = new Conduit({ gateway: gw.gateway })
    runs = 0
    await conduit.publish(orders({ id: "1" }).status, { state: "paid" })
    expect(runs).toBe(1)
    await expect(conduit.publish(orders({ id: "1" }).status, { state: 3 } as never)).rejects.toMatchObject({ code: "ERR_VALIDATION" })
    await conduit.close()
  })

  it("still runs in the gateway for a publish it did not check (gateway.publish, or over HTTP)", async () => {
    gw = await startGateway({ signingKey: KEY, channels: [orders] })
    runs = 0
    await expect(gw.gateway.publish({ channel: "orders:1", topic: "status", data: { state: 3 } })).rejects.toMatchObject({ code: "ERR_VALIDATION" })
    await gw.gateway.publish({ channel: "orders:1", topic: "status", data: { state: "paid" } })
    expect(runs).toBe(1) // the refine runs only after the object matched
    const conduit = new Conduit({ url: gw.url, signingKey: KEY })
    runs = 0
    await conduit.publish(orders({ id: "1" }).status, { state: "paid" })
    expect(runs).toBe(2) // the SDK before sending, the gateway on arrival
  })
})
