import { afterEach, describe, expect, it, vi } from "vitest"
import { subscribe } from "./subscribe.ts"
import { openConnections, publishAll, type RunningGateway, startGateway, waitForSnapshot } from "./testing/clientTestKit.ts"
import type { Snapshot } from "./types.ts"

let gw: RunningGateway
afterEach(async () => {
  vi.useRealTimers()
  await gw?.close()
})

describe("bufferInterval", () => {
  it("batches snapshots: 20 messages published one by one arrive in one snapshot; a run's end and the close it brings are not held back", async () => {
    gw = await startGateway() // its own timers stay real
    // The batch timer is fake and never advanced: only what must not wait may emit.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    const sub = subscribe({ url: gw.url, channel: "batched", bufferInterval: 60_000 })
    const snapshots: Snapshot<any>[] = []
    sub.subscribe(() => snapshots.push(sub.getSnapshot()))
    // Polled on setImmediate: the faked setTimeout (what eventually() waits with) never fires.
    while ((await openConnections(gw)) !== 1) await new Promise((resolve) => setImmediate(resolve))
    const ids: string[] = []
    for (let i = 0; i < 20; i++) ids.push(...(await publishAll(gw, "batched", "n", [i])))
    await gw.post("/v1/publish", { channel: "batched", topic: "$run", data: { status: "completed" } })
    await waitForSnapshot(sub, (s) => s.runStatus === "completed")
    await waitForSnapshot(sub, (s) => s.connectionStatus === "closed") // autoCloseOnTerminal
    expect(snapshots).toHaveLength(3)
    expect(snapshots[0]!.messages.delta.map((m) => m.id)).toEqual(ids)
    expect(snapshots[0]).toMatchObject({ connectionStatus: "open", runStatus: "unknown" })
    expect(snapshots[1]!.messages.delta).toEqual([])
    expect(snapshots[2]).toMatchObject({ connectionStatus: "closed", runStatus: "completed" })
  })
})
