import { compareIds } from "@conduit/shared"
import { afterEach, describe, expect, it } from "vitest"
import { openStream, type TestEvent, type TestStream } from "./testing/openStream.ts"
import { type RunningGateway, startGateway } from "./testing/startGateway.ts"

let gw: RunningGateway
const streams: TestStream[] = []
afterEach(async () => {
  for (const s of streams.splice(0)) s.close()
  await gw?.close()
})

const open = async (path: string, headers: Record<string, string> = {}) => {
  const s = await openStream(`${gw.url}${path}`, headers)
  streams.push(s)
  return s
}
const publish = async (channel: string, values: unknown[], topic = "n"): Promise<string[]> =>
  (await gw.post("/v1/publish", { messages: values.map((data) => ({ channel, topic, data })) })).body.ids
const values = (events: TestEvent[]) => events.filter((e) => !e.event?.startsWith("$")).map((e) => JSON.parse(e.data).data)

describe("every new stream tells the subscriber the channel's position", () => {
  it("a live-only stream on an empty channel: $position 0, the id that replays everything", async () => {
    gw = await startGateway()
    const s = await open("/v1/subscribe?channel=empty")
    await s.waitFor(() => s.position !== undefined)
    expect(s.raw).toBe('retry: 1000\n\nid: 0\nevent: $position\ndata: {"lastEventId":"0"}\n\n')
  })

  it("a live-only stream on a busy channel: the newest id, and live messages after it", async () => {
    gw = await startGateway()
    const ids = await publish("busy", [1, 2])
    const s = await open("/v1/subscribe?channel=busy")
    await s.waitFor(() => s.position !== undefined)
    expect(s.position).toBe(ids[1])
    expect(s.raw).toContain(`id: ${ids[1]}\nevent: $position\ndata: {"lastEventId":"${ids[1]}"}\n\n`)
    await publish("busy", [3])
    await s.waitFor((e) => values(e).length === 1)
    expect(values(s.events)).toEqual([3])
  })

  it("a subscriber that drops before its first message resumes from the position without loss", async () => {
    gw = await startGateway()
    await publish("drop", ["before"])
    const first = await open("/v1/subscribe?channel=drop")
    await first.waitFor(() => first.position !== undefined)
    first.close()
    await publish("drop", ["while away 1", "while away 2"])
    const again = await open("/v1/subscribe?channel=drop", { "Last-Event-ID": first.position! })
    await publish("drop", ["after"])
    await again.waitFor((e) => values(e).length === 3)
    expect(values(again.events)).toEqual(["while away 1", "while away 2", "after"])
    expect(again.events.some((e) => e.event === "$gap")).toBe(false)
  })

  it("the same from an empty channel: position 0 replays what came meanwhile", async () => {
    gw = await startGateway()
    const first = await open("/v1/subscribe?channel=fresh")
    await first.waitFor(() => first.position !== undefined)
    first.close()
    await publish("fresh", ["meanwhile"])
    const again = await open("/v1/subscribe?channel=fresh", { "Last-Event-ID": first.position! })
    await again.waitFor((e) => values(e).length === 1)
    expect(values(again.events)).toEqual(["meanwhile"])
    expect(again.events.some((e) => e.event === "$gap")).toBe(false)
  })

  it("a resumed stream: after the replay, at the newest id read, messages of other topics included", async () => {
    gw = await startGateway()
    const [a] = await publish("mixed", ["a"], "wanted")
    const [b] = await publish("mixed", ["b"], "wanted")
    const [c] = await publish("mixed", ["c"], "other")
    const s = await open(`/v1/subscribe?channel=mixed&topics=wanted&lastEventId=${a}`)
    await s.waitFor(() => s.position !== undefined)
    expect(s.events.map((e) => [e.event, e.id])).toEqual([["wanted", b]])
    expect(s.position).toBe(c)
    expect(s.raw.indexOf("$position")).toBeGreaterThan(s.raw.indexOf(`id: ${b}`))
  })
})

describe("a resume point newer than anything the channel holds", () => {
  it("gets $gap, then every live message (none dropped by a replay floor in the future)", async () => {
    gw = await startGateway()
    const ids = await publish("ahead", [1, 2, 3])
    const [ms] = ids[2]!.split("-")
    const ahead = `${Number(ms) + 60_000}-0` // e.g. a client of a node whose clock ran a minute fast
    const s = await open("/v1/subscribe?channel=ahead", { "Last-Event-ID": ahead })
    await publish("ahead", [4, 5])
    await s.waitFor((e) => values(e).length === 2)
    expect(values(s.events)).toEqual([4, 5])
    expect(s.events[0]).toEqual({ event: "$gap", data: JSON.stringify({ lastEventId: ahead, oldest: ids[0] }) })
    expect(s.position).toBe(ids[2])
  })

  it("a wildly future id gets $gap too, and moves nobody's ids", async () => {
    gw = await startGateway()
    await publish("wild", [1])
    const wild = "999999999999999-999999999999999"
    const s = await open("/v1/subscribe?channel=wild", { "Last-Event-ID": wild })
    const other = await open("/v1/subscribe?channel=wild")
    const [next] = await publish("wild", [2])
    expect(compareIds(next!, `${Date.now() + 60_000}-0`)).toBeLessThan(0) // still the clock, not the client's id
    await s.waitFor((e) => values(e).length === 1)
    await other.waitFor((e) => values(e).length === 1)
    expect(s.events[0]!.event).toBe("$gap")
    expect(s.events.at(-1)!.id).toBe(next)
    expect(other.events.at(-1)!.id).toBe(next)
  })

  it("the history API reports the same gap", async () => {
    gw = await startGateway()
    const ids = await publish("hist", [1])
    const { body } = await gw.get("/v1/channels/hist/history?after=999999999999999-0")
    expect(body).toEqual({ messages: [], gap: { lastEventId: "999999999999999-0", oldest: ids[0] } })
  })
})
