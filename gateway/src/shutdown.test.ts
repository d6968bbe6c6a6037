import { connect, createServer } from "node:net"
import { describe, expect, it } from "vitest"
import { createMemoryBroker } from "./broker/memoryBroker.ts"
import { spawnCli } from "./testing/cliProcess.ts"
import { openStream } from "./testing/openStream.ts"
import { startGateway } from "./testing/startGateway.ts"

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })

describe("graceful shutdown", () => {
  it("sends $close shutdown to every stream, refuses new work, and resolves", async () => {
    const gw = await startGateway()
    const a = await openStream(`${gw.url}/v1/subscribe?channel=a`)
    const b = await openStream(`${gw.url}/v1/subscribe?channel=b&topics=x`)
    await gw.post("/v1/publish", { channel: "a", topic: "t", data: 1 })
    await a.waitFor((e) => e.length === 1)
    const closing = gw.gateway.close()
    await Promise.all([a.ended, b.ended])
    await closing
    for (const s of [a, b]) expect(s.events.at(-1)).toEqual({ event: "$close", data: '{"reason":"shutdown"}' })
    await expect(gw.gateway.publish({ channel: "a", topic: "t", data: 2 })).rejects.toMatchObject({ code: "ERR_SHUTTING_DOWN" })
    await expect(fetch(`${gw.url}/healthz`)).rejects.toThrow() // no longer listening
  })

  it("does not wait on sockets that never sent a request (preconnects)", async () => {
    const gw = await startGateway({ drainTimeoutMs: 600_000 })
    const socket = connect(gw.port, "127.0.0.1")
    await new Promise((resolve) => socket.once("connect", resolve))
    const socketClosed = new Promise((resolve) => socket.once("close", resolve))
    await gw.close() // without the fix this waits out the 10-minute drain timeout and the test times out
    await socketClosed
    expect(socket.destroyed).toBe(true)
  })

  it("the CLI drains streams and exits 0 on SIGTERM", async () => {
    const port = await freePort()
    const child = spawnCli(["dev"], { CONDUIT_PORT: String(port) })
    let out = ""
    child.stdout.on("data", (d) => (out += d))
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    await expect.poll(() => out, { timeout: 15_000 }).toContain("Conduit gateway ready")
    expect(out).toContain(`curl -N "http://127.0.0.1:${port}/v1/subscribe?channel=demo&lastEventId=0"`)
    const s = await openStream(`http://127.0.0.1:${port}/v1/subscribe?channel=demo`)
    expect(s.status).toBe(200)
    child.kill("SIGTERM")
    await s.ended
    expect(s.events.at(-1)).toEqual({ event: "$close", data: '{"reason":"shutdown"}' })
    expect(await exited).toBe(0)
  }, 30_000)
})

describe("shutdown while a stream is still being opened", () => {
  // Not a 503: a native EventSource gives up for good on any status but 200, and
  // another node (or this one, restarted) will take the reconnect.
  it("answers 200 with a retry: from the shutdown window and $close shutdown, as open streams get", async () => {
    const broker = createMemoryBroker()
    let releaseRead!: () => void
    let readStarted!: () => void
    const readGate = new Promise<void>((resolve) => (releaseRead = resolve))
    const reading = new Promise<void>((resolve) => (readStarted = resolve))
    const read = broker.read.bind(broker)
    // The replay read (after the stream joined the fan-out) stalls until the gateway has begun closing.
    broker.read = async (...args) => {
      readStarted()
      await readGate
      return read(...args)
    }
    const gw = await startGateway({ broker, retryMs: 1000 })
    const response = fetch(`${gw.url}/v1/subscribe?channel=a&lastEventId=0`)
    await reading
    const closing = gw.gateway.close()
    releaseRead()
    const res = await response
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toContain("text/event-stream")
    const body = await res.text()
    const match = /^retry: (\d+)\nevent: \$close\ndata: \{"reason":"shutdown"\}\n\n$/.exec(body)
    expect(match, body).not.toBeNull()
    // The shutdown window, 1-5 × the base delay: clients come back spread out.
    expect(Number(match![1])).toBeGreaterThanOrEqual(1000)
    expect(Number(match![1])).toBeLessThanOrEqual(5000)
    await closing
    await broker.close()
  })
})
