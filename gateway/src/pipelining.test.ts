import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import express from "express"
import { afterEach, describe, expect, it } from "vitest"
import type { PreparedMessage } from "./broker/Broker.ts"
import { createMemoryBroker } from "./broker/memoryBroker.ts"
import { messageJson } from "./broker/storedMessage.ts"
import { createGateway, type Gateway } from "./createGateway.ts"
import { sendRaw } from "./hostile/sendRaw.ts"

const KEY = "k".repeat(32)
const publishRequest = (data: string, extra = "") => {
  const body = JSON.stringify({ channel: "c", topic: "t", data })
  return `POST /v1/publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`
}
const SMUGGLING = "POST /v1/publish HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"

let gateway: Gateway | undefined
let server: Server | undefined
afterEach(async () => {
  server?.close()
  await gateway?.close()
  gateway = server = undefined
})

const published = async (gw: Gateway) => (await gw.broker.read("c", "0")).messages.map((m) => JSON.parse(messageJson(m).toString()).data)

describe("requests pipelined on one connection", () => {
  it("a malformed request behind a publish in progress: the publish is answered first, the one parked between is never run", async () => {
    // The first publish is held in the broker until the malformed request was parsed: no timing involved.
    const broker = createMemoryBroker()
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let reachedBroker!: () => void
    const inBroker = new Promise<void>((resolve) => (reachedBroker = resolve))
    const publish = broker.publish.bind(broker)
    broker.publish = async (messages: PreparedMessage[]) => {
      if (messages[0]!.data === "slow") {
        reachedBroker()
        await held
      }
      return publish(messages)
    }
    gateway = createGateway({ signingKey: KEY, broker, logLevel: "silent" })
    const listening = await gateway.listen()
    const parsedBadRequest = new Promise<void>((resolve) => listening.server.prependOnceListener("clientError", () => resolve()))
    const exchange = sendRaw(listening.port, { method: "", path: "", raw: publishRequest("slow") + publishRequest("parked") + SMUGGLING })
    await Promise.all([inBroker, parsedBadRequest])
    release()
    const { responses } = await exchange
    expect(responses.map((r) => r.status)).toEqual([202, 400])
    expect(JSON.parse(responses[1]!.body).error.code).toBe("ERR_MALFORMED_REQUEST")
    expect(await published(gateway)).toEqual(["slow"])
  })

  it("embedded in a server with Node's own clientError: a publish is never run unless its 202 reached the wire", async () => {
    gateway = createGateway({ signingKey: KEY, logLevel: "silent" })
    const app = express()
    app.use(gateway.router)
    server = createServer(app)
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    for (let i = 0; i < 20; i++) {
      const { responses } = await sendRaw(port, { method: "", path: "", raw: publishRequest(`p${i}`) + SMUGGLING })
      const answered = responses.filter((r) => r.status === 202).length
      // Node destroys the connection at the malformed request; the publish before it ran only if it was answered.
      expect((await published(gateway)).filter((d) => d === `p${i}`)).toHaveLength(answered)
    }
  })
})
