import type { Socket } from "node:net"
import { afterAll, afterEach, beforeAll, expect, it } from "vitest"
import { openStream, type TestStream } from "../testing/openStream.ts"
import { startRedis, type TestRedis } from "../testing/redisServer.ts"
import { type RunningGateway, startGateway } from "../testing/startGateway.ts"

let redis: TestRedis
const running: RunningGateway[] = []
const streams: TestStream[] = []

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis.close()
})
afterEach(async () => {
  for (const s of streams.splice(0)) s.close()
  await Promise.all(running.splice(0).map((g) => g.close()))
})

// Redis hands a publish's live message back a turn after it was sent. When the node
// publishes to a channel back to back (a pipelined publish connection runs each request
// once the one before is answered), each turn brings one message, and each cost a write
// per subscriber: the fan-out waits for the node's publishes in flight and writes them together.
it("writes a live message together with the node's next publish to the channel, in one write per subscriber", async () => {
  const gw = await startGateway({ redisUrl: redis.url, heartbeatMs: 60_000 })
  running.push(gw)
  await expect.poll(async () => (await gw.get("/readyz")).status, { timeout: 5000 }).toBe(200)
  // Writes per server-side socket, by the client's port.
  const writes = new Map<number, number>()
  let counting = false
  gw.server.on("connection", (socket: Socket) => {
    const write = socket.write
    socket.write = function (this: Socket, ...args: Parameters<Socket["write"]>) {
      if (counting) writes.set(socket.remotePort!, (writes.get(socket.remotePort!) ?? 0) + 1)
      return write.apply(this, args)
    } as Socket["write"]
  })
  const channel = `batch:${process.pid}`
  const s = await openStream(`${gw.url}/v1/subscribe?channel=${channel}`)
  streams.push(s)
  await s.waitFor(() => s.position !== undefined)
  // The moment the first message arrives from Redis (the turn its fan-out is due), the
  // node publishes the next: as the next pipelined request would be.
  let next: Promise<unknown> | undefined
  const off = await gw.gateway.broker.subscribe(channel, () => {
    next ??= gw.gateway.publish({ channel, topic: "n", data: 1 })
  })
  counting = true
  await gw.gateway.publish({ channel, topic: "n", data: 0 })
  await s.waitFor(() => s.messages().length === 2)
  await next
  counting = false
  off()
  expect(s.messages().map((e) => JSON.parse(e.data).data)).toEqual([0, 1])
  expect(writes.get(s.response.socket.localPort!)).toBe(1)
})
