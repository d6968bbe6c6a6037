import { connect } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { openStream } from "./testing/openStream.ts"
import { type RunningGateway, startGateway } from "./testing/startGateway.ts"

const KEY = "early-disconnect-test-signing-key-0123456789"
let gw: RunningGateway
afterEach(() => gw?.close())

/** A gauge of the gateway's `/metrics`, by name. */
async function gauge(name: string): Promise<number> {
  const { text } = await gw.get("/metrics")
  return Number(text.split("\n").find((l) => l.startsWith(`${name} `))?.split(" ")[1])
}

/** Sends a subscribe over a raw socket and drops the connection `afterMs` later, before any answer. */
function abortedSubscribe(path: string, token: string, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(gw.port, "127.0.0.1", () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${token}\r\n\r\n`)
      setTimeout(() => socket.destroy(), afterMs)
    })
    socket.on("error", () => {})
    socket.on("close", () => resolve())
  })
}

describe("a client that leaves before its stream starts", () => {
  it("leaves nothing behind: 1,000 subscribes dropped mid-handshake, the fan-out and the gauges return to 0", async () => {
    gw = await startGateway({ signingKey: KEY, maxStreamsPerIp: 5 })
    const { body } = await gw.post("/v1/tokens", { channel: "c", topics: ["*"], expiresIn: 60 }, { Authorization: `Bearer ${KEY}` })
    // Spread the drops over the handshake: some land while the token is verified, some during the join.
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => abortedSubscribe("/v1/subscribe?channel=c&lastEventId=0", body.token, i % 4)))
    }
    await expect.poll(() => gauge("conduit_connections"), { timeout: 10_000 }).toBe(0)
    expect(await gauge("conduit_channels")).toBe(0)
    // The per-address quota was not charged for them either: a full quota of new streams opens.
    const streams = await Promise.all(
      Array.from({ length: 5 }, () => openStream(`${gw.url}/v1/subscribe?channel=c`, { Authorization: `Bearer ${body.token}` })),
    )
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200, 200, 200])
    expect(await gauge("conduit_connections")).toBe(5)
    for (const s of streams) s.close()
    await expect.poll(() => gauge("conduit_connections"), { timeout: 10_000 }).toBe(0)
  }, 60_000)
})
