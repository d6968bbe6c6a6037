import { connect } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { openStream, type TestStream } from "./testing/openStream.ts"
import { type RunningGateway, startGateway } from "./testing/startGateway.ts"

let gw: RunningGateway
const streams: TestStream[] = []
afterEach(async () => {
  for (const s of streams.splice(0)) s.close()
  await gw?.close()
})
const open = async (url: string) => {
  const s = await openStream(url)
  streams.push(s)
  return s
}

describe("limits", () => {
  it("maxStreamsPerIp: the next stream gets 429 ERR_RATE_LIMITED with Retry-After; closing one frees a slot", async () => {
    gw = await startGateway({ maxStreamsPerIp: 3 })
    const ok = await Promise.all([1, 2, 3].map(() => open(`${gw.url}/v1/subscribe?channel=c`)))
    expect(ok.map((s) => s.status)).toEqual([200, 200, 200])
    const refused = await open(`${gw.url}/v1/subscribe?channel=c`)
    expect(refused.status).toBe(429)
    expect(refused.headers["retry-after"]).toBe("1")
    await refused.ended
    expect(JSON.parse(refused.raw).error).toMatchObject({ code: "ERR_RATE_LIMITED", limit: 3 })
    ok[0]!.close()
    await expect.poll(async () => (await open(`${gw.url}/v1/subscribe?channel=c`)).status).toBe(200)
    // The three that stayed open still receive.
    await gw.post("/v1/publish", { channel: "c", topic: "t", data: 1 })
    await ok[1]!.waitFor((e) => e.length === 1)
    await ok[2]!.waitFor((e) => e.length === 1)
  })

  it("publishRatePerSecond: a burst past the rate gets 429 with Retry-After, nothing of it published", async () => {
    gw = await startGateway({ publishRatePerSecond: 2 })
    const answers: Array<{ status: number; retryAfter: string | null; code?: string }> = []
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${gw.url}/v1/publish`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ channel: "r", topic: "t", data: i }),
      })
      const body = (await res.json()) as { error?: { code: string } }
      answers.push({ status: res.status, retryAfter: res.headers.get("retry-after"), ...(body.error ? { code: body.error.code } : {}) })
    }
    const accepted = answers.filter((a) => a.status === 202)
    const limited = answers.filter((a) => a.status === 429)
    expect(accepted.length).toBeGreaterThanOrEqual(2) // the burst
    expect(limited.length).toBeGreaterThan(0) // six within well under the seconds it takes to refill four
    for (const a of limited) {
      expect(a.code).toBe("ERR_RATE_LIMITED")
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1)
    }
    const history = await gw.get("/v1/channels/r/history")
    expect(history.body.messages.length).toBe(accepted.length)
  })

  it("headersTimeoutMs: a slowloris sending headers byte by byte is cut, a healthy subscriber keeps receiving", async () => {
    gw = await startGateway({ headersTimeoutMs: 500 })
    const healthy = await open(`${gw.url}/v1/subscribe?channel=h`)
    const socket = connect(gw.port, "127.0.0.1")
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()))
    socket.on("error", () => {})
    const header = "GET /v1/subscribe?channel=h HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(10_000)
    let i = 0
    const drip = setInterval(() => {
      if (!socket.destroyed) socket.write(header[i++ % header.length]!)
    }, 20)
    try {
      await closed // the gateway ends it; without the timeout this waits forever and the test times out
    } finally {
      clearInterval(drip)
    }
    await gw.post("/v1/publish", { channel: "h", topic: "t", data: "still here" })
    await healthy.waitFor((e) => e.length === 1)
  })

  it("refuses negative limits with ERR_CONFIG", async () => {
    await expect(startGateway({ maxStreamsPerIp: -1 })).rejects.toMatchObject({ code: "ERR_CONFIG" })
    await expect(startGateway({ headersTimeoutMs: 0 })).rejects.toMatchObject({ code: "ERR_CONFIG" })
  })
})
