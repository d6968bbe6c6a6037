import { afterEach, describe, expect, it } from "vitest"
import { createMemoryBroker } from "../../../gateway/src/broker/memoryBroker.ts"
import { subscribe } from "./subscribe.ts"
import { publishAll, type RunningGateway, startGateway, waitForSnapshot } from "./testing/clientTestKit.ts"

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

describe("the stream's position", () => {
  it("from: 'none', dropped before its first message: the reconnect resumes from the position, nothing lost", async () => {
    // Two nodes on one broker: `pub` publishes while `node`, the client's, is down.
    const broker = createMemoryBroker()
    cleanup.push(() => broker.close())
    const pub = await startGateway({ broker })
    cleanup.push(() => pub.close())
    let node: RunningGateway = await startGateway({ broker, retryMs: 20 })
    const port = node.port
    cleanup.push(() => node.close())
    await publishAll(pub, "late", "n", ["before"])

    const sub = subscribe({ url: node.url, channel: "late", from: "none", backoff: { initialMs: 20, maxMs: 100 } })
    cleanup.push(sub.close)
    sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    await node.close() // before any message arrived
    await publishAll(pub, "late", "n", ["while away"])
    node = await startGateway({ broker, retryMs: 20 }, port)
    await publishAll(pub, "late", "n", ["after"])
    const s = await waitForSnapshot(sub, (x) => x.messages.all.length === 2)
    expect(s.messages.all.map((m) => m.data)).toEqual(["while away", "after"])
    expect(s.gap).toBeNull()
  })

  it("after a $gap for a resume point the channel never reached, delivers what follows though its ids are lower", async () => {
    // The client's node ran an hour fast; the node that replaces it has the right clock.
    const fast = await startGateway({ broker: createMemoryBroker({ now: () => Date.now() + 3_600_000 }), retryMs: 20 })
    const port = fast.port
    cleanup.push(() => fast.close())
    const sub = subscribe({ url: fast.url, channel: "clock", backoff: { initialMs: 20, maxMs: 100 } })
    cleanup.push(sub.close)
    sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    const [early] = await publishAll(fast, "clock", "n", ["from the fast node"])
    await waitForSnapshot(sub, (s) => s.messages.all.length === 1)
    await fast.close()
    const right = await startGateway({ retryMs: 20 }, port)
    cleanup.push(() => right.close())
    await publishAll(right, "clock", "n", ["already here"])
    const s1 = await waitForSnapshot(sub, (s) => s.gap !== null && s.connectionStatus === "open")
    expect(s1.gap).toMatchObject({ lastEventId: early })
    const ids = await publishAll(right, "clock", "n", ["new 1", "new 2"])
    const s = await waitForSnapshot(sub, (x) => x.messages.all.length === 3)
    expect(s.messages.all.map((m) => m.data)).toEqual(["from the fast node", "new 1", "new 2"])
    expect(s.lastEventId).toBe(ids[1])
  })
})
