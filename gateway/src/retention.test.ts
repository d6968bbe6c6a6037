import { afterEach, describe, expect, it } from "vitest"
import { optionsFromEnv } from "./config/optionsFromEnv.ts"
import { type RunningGateway, startGateway } from "./testing/startGateway.ts"

let gw: RunningGateway
afterEach(() => gw?.close())

describe("retention bounds", () => {
  it("historyBytes: a channel keeps at most that much data, newest first, and a resume from before says $gap", async () => {
    gw = await startGateway({ historyBytes: 1024, maxMessageBytes: 512 })
    const ids: string[] = []
    for (let i = 0; i < 4; i++) ids.push((await gw.post("/v1/publish", { channel: "b", topic: "t", data: "x".repeat(398) })).body.ids[0])
    const history = await gw.get("/v1/channels/b/history")
    expect(history.body.messages.map((m: { id: string }) => m.id)).toEqual(ids.slice(2))
    expect(history.body.gap).toEqual({ lastEventId: "0", oldest: ids[2] })
  })

  it("refuses a historyBytes below maxMessageBytes (the newest message must fit) with ERR_CONFIG", async () => {
    await expect(startGateway({ historyBytes: 1000 })).rejects.toMatchObject({ code: "ERR_CONFIG", details: { option: "historyBytes" } })
  })

  it("idempotencyKeys: past it a new key is refused with 429 and Retry-After, a remembered key still gets its id", async () => {
    gw = await startGateway({ idempotencyKeys: 2 })
    const first = await gw.post("/v1/publish", { channel: "k", topic: "t", data: 1, idempotencyKey: "a" })
    await gw.post("/v1/publish", { channel: "k", topic: "t", data: 2, idempotencyKey: "b" })
    const res = await fetch(`${gw.url}/v1/publish`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ channel: "k", topic: "t", data: 3, idempotencyKey: "c" }),
    })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("ERR_RATE_LIMITED")
    const again = await gw.post("/v1/publish", { channel: "k", topic: "t", data: 1, idempotencyKey: "a" })
    expect(again).toEqual({ status: 202, body: first.body, text: JSON.stringify(first.body) })
    expect((await gw.get("/v1/channels/k/history")).body.messages).toHaveLength(2)
  })

  it("reads CONDUIT_HISTORY_BYTES and CONDUIT_IDEMPOTENCY_KEYS", () => {
    expect(optionsFromEnv({ CONDUIT_HISTORY_BYTES: "2048", CONDUIT_IDEMPOTENCY_KEYS: "10" })).toMatchObject({ historyBytes: 2048, idempotencyKeys: 10 })
  })
})
