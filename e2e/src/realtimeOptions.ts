import type { SubscribeOptions } from "@conduit/client"
import { demoPipeline } from "../../gateway/src/functions/demo/demoPipeline.ts"
import { fetchToken } from "./demoApi.ts"

export type DemoChannel = ReturnType<typeof demoPipeline>
/** What every panel passes to its adapter: one run's channel, typed by the demo's schemas. */
export type PanelOptions = SubscribeOptions<DemoChannel>

/** The options all three panels share for one run: same origin, a token minted per connect. */
export function realtimeOptions(runId: string): { options: PanelOptions; channelName: string } {
  const channel = demoPipeline({ runId })
  return { channelName: channel.name, options: { url: "", channel, token: () => fetchToken(runId) } }
}
