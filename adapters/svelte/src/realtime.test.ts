// @vitest-environment happy-dom
import { channel } from "@conduit/shared"
import { flushSync, mount, unmount } from "svelte"
import { afterEach, describe, expect, it } from "vitest"
import { z } from "zod"
import { countingFetch, eventually, publishAll, type RunningGateway, startGateway } from "../../client/src/testing/clientTestKit.ts"
import { realtime } from "./realtime.ts"
import TokensPanel from "./testing/TokensPanel.svelte"

const pipeline = channel({ name: "pipeline:{runId}", topics: { tokens: { schema: z.object({ token: z.string() }) } } })

let gw: RunningGateway
afterEach(() => gw?.close())

describe("realtime store (Svelte)", () => {
  it("renders live messages from a real gateway through $store, and closes when the component goes", async () => {
    gw = await startGateway({ corsOrigins: ["*"] })
    const fetch = countingFetch()
    const store = realtime({ url: gw.url, channel: pipeline({ runId: "s1" }), fetch, closeDelayMs: 0 })
    const target = document.createElement("div")
    document.body.append(target)
    const component = mount(TokensPanel, { target, props: { store } })
    const text = (id: string) => {
      flushSync()
      return target.querySelector(`#${id}`)?.textContent
    }
    await eventually(() => text("status") === "open")
    await publishAll(gw, "pipeline:s1", "tokens", ["Sv", "elte"].map((token) => ({ token })))
    await eventually(() => text("tokens") === "Svelte")
    expect(fetch.calls).toHaveLength(1)
    await unmount(component)
    // happy-dom's fetch does not close the socket on abort (a real browser does, see e2e): check our side.
    await eventually(() => fetch.signals[0]?.aborted === true)
    target.remove()
  })
})
