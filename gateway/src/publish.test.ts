import { afterEach, describe, expect, it } from "vitest"
import { z } from "zod"
import { channel } from "@conduit/shared"
import { openStream } from "./testing/openStream.ts"
import { type RunningGateway, startGateway } from "./testing/startGateway.ts"
import { messageJson } from "./broker/storedMessage.ts"

const LIMIT = 512 * 1024
let gw: RunningGateway
afterEach(() => gw?.close())

const pipeline = channel({
  name: "pipeline:{runId}",
  topics: {
    status: { schema: z.object({ message: z.string(), step: z.number().int().optional() }) },
  },
})
// data = a JSON string of exactly n serialized bytes (two quote characters included)
const stringOfBytes = (n: number) => "x".repeat(n - 2)

describe("POST /v1/publish", () => {
  it("accepts data of exactly 512 KiB and refuses 512 KiB + 1 with 413 and the limit", async () => {
    gw = await startGateway()
    const s = await openStream(`${gw.url}/v1/subscribe?channel=big`)
    const ok = await gw.post("/v1/publish", { channel: "big", topic: "t", data: stringOfBytes(LIMIT) })
    expect(ok.status).toBe(202)
    const tooBig = await gw.post("/v1/publish", { channel: "big", topic: "t", data: stringOfBytes(LIMIT + 1) })
    expect(tooBig.status).toBe(413)
    expect(tooBig.body.error).toMatchObject({ code: "ERR_PAYLOAD_TOO_LARGE", limit: LIMIT, size: LIMIT + 1 })
    await s.waitFor((e) => e.length === 1)
    // delivered whole, never truncated
    expect(JSON.parse(s.events[0]!.data).data).toHaveLength(LIMIT - 2)
    expect((await gw.get("/v1/channels/big/history")).body.messages).toHaveLength(1)
    s.close()
  })

  it("validates against registered channel definitions: 400 with issue paths, nothing published", async () => {
    gw = await startGateway({ channels: [pipeline] })
    const bad = await gw.post("/v1/publish", { channel: "pipeline:r1", topic: "status", data: { message: 1, step: 1.5 } })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe("ERR_VALIDATION")
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["message", "step"])
    const unknown = await gw.post("/v1/publish", { channel: "pipeline:r1", topic: "nope", data: {} })
    expect(unknown.body.error).toMatchObject({ code: "ERR_UNKNOWN_TOPIC", topics: ["status"] })
    // channels that match no definition are not checked
    expect((await gw.post("/v1/publish", { channel: "free", topic: "any", data: 1 })).status).toBe(202)
    expect((await gw.post("/v1/publish", { channel: "pipeline:r1", topic: "status", data: { message: "ok" } })).status).toBe(202)
    const history = await gw.get("/v1/channels/pipeline:r1/history")
    expect(history.body.messages.map((m: { data: unknown }) => m.data)).toEqual([{ message: "ok" }])
  })

  it("publishes a batch all or nothing, reporting the failing index", async () => {
    gw = await startGateway({ channels: [pipeline] })
    const res = await gw.post("/v1/publish", {
      messages: [
        { channel: "pipeline:r1", topic: "status", data: { message: "a" } },
        { channel: "pipeline:r1", topic: "status", data: { message: 2 } },
      ],
    })
    expect(res.body.error).toMatchObject({ code: "ERR_VALIDATION", index: 1 })
    expect((await gw.get("/v1/channels/pipeline:r1/history")).body.messages).toEqual([])
    const tooMany = await gw.post("/v1/publish", { messages: Array.from({ length: 1001 }, () => ({ channel: "c", topic: "t", data: 1 })) })
    expect(tooMany.status).toBe(413)
    expect(tooMany.body.error).toMatchObject({ code: "ERR_BATCH_TOO_LARGE", limit: 1000 })
    const thousand = await gw.post("/v1/publish", { messages: Array.from({ length: 1000 }, (_, i) => ({ channel: "c", topic: "t", data: i })) })
    expect(thousand.status).toBe(202)
    expect(thousand.body.ids).toHaveLength(1000)
  })

  it("returns the original id for a repeated idempotencyKey and publishes nothing", async () => {
    gw = await startGateway()
    const s = await openStream(`${gw.url}/v1/subscribe?channel=c`)
    const msg = { channel: "c", topic: "t", data: "once", idempotencyKey: "run1:step1" }
    const first = await gw.post("/v1/publish", msg)
    const again = await gw.post("/v1/publish", { ...msg, data: "twice" })
    expect(again.status).toBe(202)
    expect(again.body.ids).toEqual(first.body.ids)
    // the key is scoped to its channel
    const elsewhere = await gw.post("/v1/publish", { ...msg, channel: "d" })
    expect(elsewhere.body.ids).not.toEqual(first.body.ids)
    await gw.post("/v1/publish", { channel: "c", topic: "t", data: "after" })
    await s.waitFor((e) => e.length === 2)
    expect(s.events.map((e) => JSON.parse(e.data).data)).toEqual(["once", "after"])
    s.close()
  })

  it.each([
    ["bad JSON", '{"channel":', "application/json", 400, "ERR_INVALID_JSON"],
    ["a JSON string", '"hello"', "application/json", 400, "ERR_INVALID_JSON"],
    ["wrong content type", "channel=c", "application/x-www-form-urlencoded", 415, "ERR_UNSUPPORTED_MEDIA_TYPE"],
    ["no data", '{"channel":"c","topic":"t"}', "application/json", 400, "ERR_INVALID_BODY"],
    ["bad channel", '{"channel":"a\\nb","topic":"t","data":1}', "application/json", 400, "ERR_INVALID_CHANNEL"],
    ["reserved topic", '{"channel":"c","topic":"$gap","data":1}', "application/json", 400, "ERR_INVALID_TOPIC"],
    ["bad $run status", '{"channel":"c","topic":"$run","data":{"status":"weird"}}', "application/json", 400, "ERR_VALIDATION"],
    ["empty batch", '{"messages":[]}', "application/json", 400, "ERR_INVALID_BODY"],
    ["array body", "[1,2]", "application/json", 400, "ERR_INVALID_BODY"],
    ["long idempotencyKey", JSON.stringify({ channel: "c", topic: "t", data: 1, idempotencyKey: "k".repeat(257) }), "application/json", 400, "ERR_INVALID_BODY"],
  ])("refuses %s", async (_name, body, type, status, code) => {
    gw = await startGateway()
    const res = await fetch(`${gw.url}/v1/publish`, { method: "POST", headers: { "Content-Type": type }, body })
    expect(res.status).toBe(status)
    expect((await res.json()).error.code).toBe(code)
    expect((await gw.get("/v1/channels/c/history")).body.messages).toEqual([])
  })
})

describe("other routes", () => {
  it("answers health, readiness, metrics, 404 and 405 as documented", async () => {
    gw = await startGateway()
    expect(await gw.get("/healthz")).toMatchObject({ status: 200, body: { status: "ok" } })
    expect(await gw.get("/readyz")).toMatchObject({ status: 200, body: { ready: true } })
    const s = await openStream(`${gw.url}/v1/subscribe?channel=c&lastEventId=0`)
    await gw.post("/v1/publish", { channel: "c", topic: "t", data: 1 })
    await s.waitFor((e) => e.length === 1)
    const metrics = (await gw.get("/metrics")).text
    expect(metrics).toMatch(/^conduit_connections 1$/m)
    expect(metrics).toMatch(/^conduit_messages_published_total 1$/m)
    expect(metrics).toMatch(/^conduit_messages_delivered_total 1$/m)
    expect(metrics).toMatch(/^conduit_publish_duration_seconds_count 1$/m)
    expect(await gw.get("/nope")).toMatchObject({ status: 404, body: { error: { code: "ERR_NOT_FOUND" } } })
    const wrongMethod = await fetch(`${gw.url}/v1/subscribe`, { method: "POST" })
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get("allow")).toBe("GET")
    expect((await wrongMethod.json()).error.code).toBe("ERR_METHOD_NOT_ALLOWED")
    s.close()
  })

  it("serves history with after, limit and topics", async () => {
    gw = await startGateway()
    await gw.post("/v1/publish", { messages: ["a", "b", "a", "b"].map((topic, i) => ({ channel: "c", topic, data: i })) })
    const all = (await gw.get("/v1/channels/c/history")).body.messages
    expect(all.map((m: { data: number }) => m.data)).toEqual([0, 1, 2, 3])
    const after = (await gw.get(`/v1/channels/c/history?after=${all[1].id}&limit=1`)).body.messages
    expect(after.map((m: { data: number }) => m.data)).toEqual([2])
    const onlyB = (await gw.get("/v1/channels/c/history?topics=b")).body.messages
    expect(onlyB.map((m: { data: number }) => m.data)).toEqual([1, 3])
    expect((await gw.get("/v1/channels/c/history?limit=0")).body.error.code).toBe("ERR_INVALID_QUERY")
  })
})

describe("the router embedded after the host app's own body parser", () => {
  it("publishes the body that parser read, as before, instead of failing on a consumed stream", async () => {
    const { createServer } = await import("node:http")
    const express = (await import("express")).default
    const { createGateway } = await import("./createGateway.ts")
    const gateway = createGateway({ logLevel: "silent" })
    const app = express()
    app.use(express.json())
    app.use("/realtime", gateway.router)
    const server = createServer(app)
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as import("node:net").AddressInfo
    try {
      const res = await fetch(`http://127.0.0.1:${port}/realtime/v1/publish`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ channel: "c", topic: "t", data: "parsed upstream" }),
      })
      expect(res.status).toBe(202)
      expect((await gateway.broker.read("c", "0")).messages.map((m) => JSON.parse(messageJson(m).toString()).data)).toEqual(["parsed upstream"])
    } finally {
      server.close()
      await gateway.close()
    }
  })
})
