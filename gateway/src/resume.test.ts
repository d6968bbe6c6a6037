import { afterEach, describe, expect, it } from "vitest"
import { openStream } from "./testing/openStream.ts"
import { type RunningGateway, startGateway } from "./testing/startGateway.ts"

let gw: RunningGateway
afterEach(() => gw?.close())

const publishN = async (from: number, to: number, channel = "c") => {
  for (let i = from; i < to; i++) await gw.post("/v1/publish", { channel, topic: "n", data: i })
}
const values = (events: { data: string; event?: string }[]) =>
  events.filter((e) => !e.event?.startsWith("$")).map((e) => JSON.parse(e.data).data as number)

describe("resume and replay", () => {
  it("resumes after a forced disconnect with every message exactly once, in order", async () => {
    gw = await startGateway()
    const first = await openStream(`${gw.url}/v1/subscribe?channel=c`)
    await publishN(0, 10)
    await first.waitFor((e) => e.length === 10)
    first.close()
    const lastId = first.events.at(-1)!.id!
    await publishN(10, 20) // published while disconnected
    const second = await openStream(`${gw.url}/v1/subscribe?channel=c`, { "Last-Event-ID": lastId })
    await publishN(20, 30) // published after reconnecting
    await second.waitFor((e) => e.length === 20)
    expect([...values(first.events), ...values(second.events)]).toEqual(Array.from({ length: 30 }, (_, i) => i))
    second.close()
  })

  it("loses nothing when publishes race the resume", async () => {
    gw = await startGateway()
    await publishN(0, 5)
    const all: number[] = []
    let lastId = "0"
    for (let round = 0; round < 5; round++) {
      const racing = publishN(5 + round * 20, 25 + round * 20)
      const s = await openStream(`${gw.url}/v1/subscribe?channel=c&lastEventId=${lastId}`)
      await racing
      await s.waitFor((e) => values(e).at(-1) === 24 + round * 20)
      all.push(...values(s.events))
      lastId = s.events.at(-1)!.id!
      s.close()
    }
    expect(all).toEqual(Array.from({ length: 105 }, (_, i) => i))
  })

  it("replays all retained history for lastEventId=0 and replay=all", async () => {
    gw = await startGateway()
    await publishN(0, 5)
    for (const q of ["lastEventId=0", "replay=all"]) {
      const s = await openStream(`${gw.url}/v1/subscribe?channel=c&${q}`)
      await s.waitFor((e) => e.length === 5)
      expect(values(s.events)).toEqual([0, 1, 2, 3, 4])
      s.close()
    }
  })

  it("prefers the Last-Event-ID header over the query (EventSource reconnects keep their URL)", async () => {
    gw = await startGateway()
    await publishN(0, 4)
    const { body } = await gw.get("/v1/channels/c/history")
    const secondId = body.messages[1].id
    const s = await openStream(`${gw.url}/v1/subscribe?channel=c&lastEventId=0`, { "Last-Event-ID": secondId })
    await s.waitFor((e) => e.length === 2)
    expect(values(s.events)).toEqual([2, 3])
    s.close()
  })

  it("sends $gap first when the resume point is older than retained history", async () => {
    gw = await startGateway({ historySize: 3 })
    await publishN(0, 2)
    const { body } = await gw.get("/v1/channels/c/history")
    const early = body.messages[0].id
    await publishN(2, 8) // evicts everything up to 4
    const s = await openStream(`${gw.url}/v1/subscribe?channel=c`, { "Last-Event-ID": early })
    await s.waitFor((e) => e.length === 4)
    expect(s.events[0]!.event).toBe("$gap")
    expect(s.events[0]!.id).toBeUndefined()
    const gap = JSON.parse(s.events[0]!.data)
    expect(gap.lastEventId).toBe(early)
    expect(gap.oldest).toBe(s.events[1]!.id)
    expect(values(s.events)).toEqual([5, 6, 7])
    s.close()
  })

  it("reports a gap for an id this node has no history for (e.g. after a memory restart)", async () => {
    gw = await startGateway()
    const s = await openStream(`${gw.url}/v1/subscribe?channel=fresh&lastEventId=1700000000000-0`)
    await s.waitFor((e) => e.length === 1)
    expect(s.events[0]).toMatchObject({ event: "$gap" })
    expect(JSON.parse(s.events[0]!.data)).toEqual({ lastEventId: "1700000000000-0", oldest: null })
    s.close()
  })

  it("sends no gap when resuming from the newest id", async () => {
    gw = await startGateway({ historySize: 2 })
    await publishN(0, 5)
    const { body } = await gw.get("/v1/channels/c/history")
    const s = await openStream(`${gw.url}/v1/subscribe?channel=c`, { "Last-Event-ID": body.messages[1].id })
    await publishN(5, 6)
    await s.waitFor((e) => e.length === 1)
    expect(s.events.map((e) => e.event)).toEqual(["n"])
    s.close()
  })
})
