import { request } from "node:http"
import { afterEach, describe, expect, it } from "vitest"
import { openStream } from "./testing/openStream.ts"
import { type RunningGateway, startGateway } from "./testing/startGateway.ts"

let gw: RunningGateway
afterEach(() => gw?.close())

const line = (n: number, channel = "nd") => `${JSON.stringify({ channel, topic: "t", data: { n } })}\n`

/** An NDJSON publish whose body is written by the test, line by line: resolves with status and parsed answer. */
function ndjsonRequest(url: string): { write(text: string): void; end(): void; answer: Promise<{ status: number; body: any }> } {
  let settle!: (v: { status: number; body: any }) => void
  const answer = new Promise<{ status: number; body: any }>((r) => (settle = r))
  const req = request(`${url}/v1/publish`, { method: "POST", headers: { "Content-Type": "application/x-ndjson" } }, (res) => {
    let text = ""
    res.on("data", (c) => (text += c))
    res.on("end", () => settle({ status: res.statusCode!, body: JSON.parse(text) }))
  })
  req.on("error", () => {})
  return { write: (text) => req.write(text), end: () => req.end(), answer }
}

describe.each([
  ["fast path", true],
  ["Express router", false],
] as const)("NDJSON publish on the %s", (_served, fastPath) => {
  it("publishes each line as it arrives, in order, and answers { published, ids } at the end", async () => {
    gw = await startGateway({}, 0, fastPath)
    const s = await openStream(`${gw.url}/v1/subscribe?channel=nd`)
    const upload = ndjsonRequest(gw.url)
    // Each line reaches the subscriber while the request is still open: nothing waits for the end.
    for (let n = 1; n <= 3; n++) {
      upload.write(line(n))
      await s.waitFor((events) => events.length === n)
    }
    upload.write(`${JSON.stringify({ channel: "nd", topic: "t", data: { n: 4 } })}`) // the last line needs no LF
    upload.end()
    const { status, body } = await upload.answer
    expect(status).toBe(202)
    expect(body.published).toBe(4)
    await s.waitFor((events) => events.length === 4)
    expect(s.events.map((e) => JSON.parse(e.data).data.n)).toEqual([1, 2, 3, 4])
    expect(s.events.map((e) => e.id)).toEqual(body.ids)
    s.close()
  })

  it("stops at a bad line: the lines before it are published, the answer names the line and what was published", async () => {
    gw = await startGateway({}, 0, fastPath)
    const s = await openStream(`${gw.url}/v1/subscribe?channel=nd`)
    const upload = ndjsonRequest(gw.url)
    upload.write(line(1) + line(2) + '{"channel":"nd","topic":"t"}\n' + line(4))
    upload.end()
    const { status, body } = await upload.answer
    expect(status).toBe(400)
    expect(body.error).toMatchObject({ code: "ERR_INVALID_BODY", line: 3, published: 2 })
    expect(body.error.ids).toHaveLength(2)
    await s.waitFor((events) => events.length === 2)
    const history = await gw.get("/v1/channels/nd/history")
    expect(history.body.messages.map((m: { data: { n: number } }) => m.data.n)).toEqual([1, 2])
    s.close()
  })
})

describe("Idempotency-Key on a JSON publish", () => {
  it("a repeat of the request publishes nothing and gets the first answer's ids; another key publishes again", async () => {
    gw = await startGateway()
    const batch = { messages: [{ channel: "k", topic: "t", data: 1 }, { channel: "k2", topic: "t", data: 2 }] }
    const first = await gw.post("/v1/publish", batch, { "Idempotency-Key": "req-1" })
    const again = await gw.post("/v1/publish", batch, { "Idempotency-Key": "req-1" })
    expect(first.status).toBe(202)
    expect(again.body.ids).toEqual(first.body.ids)
    const other = await gw.post("/v1/publish", batch, { "Idempotency-Key": "req-2" })
    expect(other.body.ids).not.toEqual(first.body.ids)
    expect((await gw.get("/v1/channels/k/history")).body.messages).toHaveLength(2)
    const bad = await gw.post("/v1/publish", batch, { "Idempotency-Key": "with space" })
    expect(bad.body.error).toMatchObject({ code: "ERR_INVALID_BODY", field: "Idempotency-Key" })
  })
})
