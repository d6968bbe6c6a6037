import { afterEach, describe, expect, it } from "vitest"
import { openStream, readBody } from "./testing/openStream.ts"
import { type RunningGateway, startGateway } from "./testing/startGateway.ts"

let gw: RunningGateway
afterEach(() => gw?.close())

describe("GET /v1/subscribe", () => {
  it("sends SSE headers, retry, the position, then each message as one exact frame", async () => {
    gw = await startGateway()
    const s = await openStream(`${gw.url}/v1/subscribe?channel=pipeline:r1`)
    expect(s.status).toBe(200)
    expect(s.headers["content-type"]).toBe("text/event-stream; charset=utf-8")
    expect(s.headers["cache-control"]).toBe("no-cache, no-transform")
    expect(s.headers["x-accel-buffering"]).toBe("no")
    const { body } = await gw.post("/v1/publish", { channel: "pipeline:r1", topic: "status", data: { message: "Researching" } })
    const id: string = body.ids[0]
    expect(id).toMatch(/^\d{13}-0$/)
    await s.waitFor((e) => e.length === 1)
    const createdAt = JSON.parse(s.events[0]!.data).createdAt as string
    expect(s.raw).toBe(
      "retry: 1000\n\n" +
        'id: 0\nevent: $position\ndata: {"lastEventId":"0"}\n\n' +
        `id: ${id}\nevent: status\ndata: {"id":"${id}","channel":"pipeline:r1","topic":"status","data":{"message":"Researching"},"createdAt":"${createdAt}","kind":"data"}\n\n`,
    )
    expect(new Date(createdAt).getTime()).toBe(Number(id.split("-")[0]))
    s.close()
  })

  it("delivers every message of a channel in publish order, with increasing ids", async () => {
    gw = await startGateway()
    const s = await openStream(`${gw.url}/v1/subscribe?channel=c`)
    const sent: number[] = []
    for (let i = 0; i < 50; i++) {
      sent.push(i)
      await gw.post("/v1/publish", { channel: "c", topic: "n", data: i })
    }
    await gw.post("/v1/publish", { messages: Array.from({ length: 50 }, (_, i) => ({ channel: "c", topic: "n", data: 50 + i })) })
    await s.waitFor((e) => e.length === 100)
    expect(s.events.map((e) => JSON.parse(e.data).data)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    const ids = s.events.map((e) => e.id!)
    for (let i = 1; i < ids.length; i++) {
      const [am, as] = ids[i - 1]!.split("-").map(Number)
      const [bm, bs] = ids[i]!.split("-").map(Number)
      expect(bm! > am! || (bm === am && bs! > as!)).toBe(true)
    }
    s.close()
  })

  it("sends only the topics asked for, and $run to everyone", async () => {
    gw = await startGateway()
    const onlyStatus = await openStream(`${gw.url}/v1/subscribe?channel=c&topics=status`)
    const everything = await openStream(`${gw.url}/v1/subscribe?channel=c`)
    const other = await openStream(`${gw.url}/v1/subscribe?channel=other`)
    await gw.post("/v1/publish", {
      messages: [
        { channel: "c", topic: "tokens", data: { token: "a" } },
        { channel: "c", topic: "status", data: { message: "s" } },
        { channel: "c", topic: "$run", data: { status: "completed", result: 1 } },
      ],
    })
    await everything.waitFor((e) => e.length === 3)
    await onlyStatus.waitFor((e) => e.length === 2)
    expect(onlyStatus.events.map((e) => e.event)).toEqual(["status", "$run"])
    expect(everything.events.map((e) => e.event)).toEqual(["tokens", "status", "$run"])
    expect(JSON.parse(everything.events[2]!.data)).toMatchObject({ kind: "run", data: { status: "completed" } })
    expect(other.events).toEqual([])
    for (const s of [onlyStatus, everything, other]) s.close()
  })

  it.each([
    ["missing channel", "/v1/subscribe", "ERR_INVALID_CHANNEL"],
    ["channel with a space", "/v1/subscribe?channel=a%20b", "ERR_INVALID_CHANNEL"],
    ["channel with CRLF", "/v1/subscribe?channel=a%0D%0Aevent:x", "ERR_INVALID_CHANNEL"],
    ["repeated channel", "/v1/subscribe?channel=a&channel=b", "ERR_INVALID_QUERY"],
    ["reserved topic", "/v1/subscribe?channel=a&topics=$run", "ERR_INVALID_TOPIC"],
    ["Last-Event-ID with LF", "/v1/subscribe?channel=a&lastEventId=1-0%0Aid:9", "ERR_INVALID_LAST_EVENT_ID"],
  ])("refuses %s with 400 and a code", async (_name, path, code) => {
    gw = await startGateway()
    const s = await openStream(`${gw.url}${path}`)
    expect(s.status).toBe(400)
    expect(JSON.parse(await readBody(s)).error.code).toBe(code)
  })
})
