import { afterEach, describe, expect, it } from "vitest"
import { createMemoryBroker } from "../../../gateway/src/broker/memoryBroker.ts"
import { createGateway } from "../../../gateway/src/createGateway.ts"
import { subscribe } from "./subscribe.ts"
import { publishAll, type RunningGateway, startGateway, waitForSnapshot } from "./testing/clientTestKit.ts"

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

describe("reconnect", () => {
  it("survives a gateway restart mid-stream: every message exactly once, in order", async () => {
    // Two nodes on one broker: `pub` keeps publishing while `node` (the one the client uses) is down.
    const broker = createMemoryBroker()
    cleanup.push(() => broker.close())
    const pub = await startGateway({ broker })
    cleanup.push(() => pub.close())
    let node: RunningGateway = await startGateway({ broker })
    const port = node.port
    cleanup.push(() => node.close())

    const sub = subscribe({ url: node.url, channel: "restart", backoff: { initialMs: 50, maxMs: 200 } })
    cleanup.push(sub.close)
    const statuses: string[] = []
    sub.subscribe(() => statuses.push(sub.getSnapshot().connectionStatus))
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")

    const sent: number[] = []
    const send = async (n: number) => {
      const values = Array.from({ length: n }, (_, i) => sent.length + i)
      await publishAll(pub, "restart", "n", values)
      sent.push(...values)
    }
    for (let round = 0; round < 3; round++) {
      await send(20)
      await waitForSnapshot(sub, (s) => s.messages.all.length === sent.length)
      await node.close() // $close shutdown, then the port is free
      await send(15) // published while the client's node is down
      node = await startGateway({ broker }, port)
      await send(5)
    }
    const final = await waitForSnapshot(sub, (s) => s.messages.all.length === sent.length && s.connectionStatus === "open")
    await send(1)
    const s = await waitForSnapshot(sub, (x) => x.messages.all.length === sent.length)
    expect(s.messages.all.map((m) => m.data)).toEqual(sent)
    expect(new Set(s.messages.all.map((m) => m.id)).size).toBe(sent.length)
    expect(final.error).toBeNull() // connection errors clear once a stream is open again
    expect(statuses).toContain("connecting")
  })

  it("resumes after the network drops under it (no $close) without loss", async () => {
    const gateway = createGateway({ logLevel: "silent" })
    const { url, server } = await gateway.listen()
    cleanup.push(() => gateway.close())
    const sub = subscribe({ url, channel: "cut", backoff: { initialMs: 20, maxMs: 100 } })
    cleanup.push(sub.close)
    sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    const sent: number[] = []
    for (let round = 0; round < 5; round++) {
      const values = Array.from({ length: 10 }, (_, i) => round * 10 + i)
      await gateway.publish(values.map((data) => ({ channel: "cut", topic: "n", data })))
      sent.push(...values)
      await waitForSnapshot(sub, (s) => s.messages.all.length === sent.length)
      // Cut every server-side socket: the client sees the body end without a $close.
      server.closeAllConnections()
      await gateway.publish({ channel: "cut", topic: "n", data: 1000 + round })
      sent.push(1000 + round)
    }
    const s = await waitForSnapshot(sub, (x) => x.messages.all.length === sent.length)
    expect(s.messages.all.map((m) => m.data)).toEqual(sent)
  })
})
