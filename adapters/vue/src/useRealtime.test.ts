// @vitest-environment happy-dom
import { channel } from "@conduit/shared"
import { afterEach, describe, expect, it } from "vitest"
import { createApp, defineComponent, h, nextTick, ref } from "vue"
import { z } from "zod"
import { countingFetch, eventually, publishAll, type RunningGateway, startGateway } from "../../client/src/testing/clientTestKit.ts"
import { useRealtime } from "./useRealtime.ts"

const pipeline = channel({ name: "pipeline:{runId}", topics: { tokens: { schema: z.object({ token: z.string() }) } } })

let gw: RunningGateway
const unmounts: Array<() => void> = []
afterEach(async () => {
  for (const u of unmounts.splice(0)) u()
  await gw?.close()
})

function mountPanel(url: string, runId: ReturnType<typeof ref<string>>, fetch: typeof globalThis.fetch) {
  const Panel = defineComponent(() => {
    const snapshot = useRealtime(() => ({ url, channel: pipeline({ runId: runId.value! }), closeDelayMs: 0, fetch }))
    return () =>
      h("div", [
        h("p", { id: "status" }, snapshot.value.connectionStatus),
        h("p", { id: "tokens" }, (snapshot.value.messages.byTopic.tokens ?? []).map((m) => m.data.token).join("")),
      ])
  })
  const el = document.createElement("div")
  document.body.append(el)
  const app = createApp(Panel)
  app.mount(el)
  const unmount = () => {
    app.unmount()
    el.remove()
  }
  unmounts.push(unmount)
  return { el, unmount }
}

const text = (el: Element, id: string) => el.querySelector(`#${id}`)?.textContent

describe("useRealtime (Vue)", () => {
  it("renders live messages from a real gateway, follows a getter's channel, stops with the component", async () => {
    gw = await startGateway({ corsOrigins: ["*"] })
    const runId = ref("v1")
    const fetch = countingFetch()
    const { el, unmount } = mountPanel(gw.url, runId, fetch)
    await eventually(() => text(el, "status") === "open")
    await publishAll(gw, "pipeline:v1", "tokens", ["Vu", "e!"].map((token) => ({ token })))
    await eventually(() => text(el, "tokens") === "Vue!")

    await publishAll(gw, "pipeline:v2", "tokens", [{ token: "two" }])
    runId.value = "v2" // a new channel: fresh state, replayed history of v2
    await nextTick()
    await eventually(() => text(el, "tokens") === "two")
    await eventually(() => fetch.signals[0]?.aborted === true) // the v1 stream closed

    unmount()
    // happy-dom's fetch does not close the socket on abort (a real browser does, see e2e): check our side.
    await eventually(() => fetch.signals.length === 2 && fetch.signals.every((s) => s.aborted))
  })
})
