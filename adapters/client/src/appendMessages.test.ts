import type { Envelope } from "@conduit/shared"
import { describe, expect, it } from "vitest"
import { appendMessages, NO_MESSAGES } from "./appendMessages.ts"
import type { Messages } from "./types.ts"

let n = 0
const message = (topic: string): Envelope => ({ id: `1-${n++}`, channel: "c", topic, data: n, createdAt: "", kind: "data" })
const topics = (m: Messages<Envelope>) => Object.fromEntries(Object.entries(m.byTopic).map(([t, list]) => [t, (list as readonly Envelope[]).map((e) => e.data)]))

/** Messages whose `topic` counts its reads: what a snapshot costs, without a clock. */
function counted(count: number, topic: (i: number) => string): { messages: Envelope[]; reads: () => number } {
  let reads = 0
  const messages = Array.from({ length: count }, (_, i) => {
    const m = message(topic(i))
    const name = m.topic
    return Object.defineProperty(m, "topic", { get: () => (reads++, name), enumerable: true })
  })
  return { messages, reads: () => reads }
}

describe("appendMessages", () => {
  it("keeps the newest `limit`, in order, grouped by topic, with the delta and the last one", () => {
    const a = [message("x"), message("y"), message("x")]
    let m = appendMessages(NO_MESSAGES, a, 4)
    const b = [message("y"), message("x")]
    m = appendMessages(m, b, 4)
    const kept = [...a, ...b].slice(1)
    expect(m.all).toEqual(kept)
    expect(topics(m)).toEqual({ x: [a[2]!.data, b[1]!.data], y: [a[1]!.data, b[0]!.data] })
    expect(m.last).toBe(b[1])
    expect(m.delta).toEqual(b)
    expect(appendMessages(m, [], 4).delta).toEqual([])
  })

  it("never changes a snapshot it returned: later appends (and a second branch) leave it as it was", () => {
    const first = appendMessages(NO_MESSAGES, [message("x"), message("y")], 3)
    const before = { all: [...first.all], byTopic: topics(first) }
    const second = appendMessages(first, [message("x"), message("x")], 3)
    const branch = appendMessages(first, [message("z")], 3)
    expect({ all: [...first.all], byTopic: topics(first) }).toEqual(before)
    expect(second.all.map((e) => e.topic)).toEqual(["y", "x", "x"])
    expect(branch.all.map((e) => e.topic)).toEqual(["x", "y", "z"])
    expect(Object.isFrozen(second.all) && Object.isFrozen(second.byTopic) && Object.isFrozen(second.byTopic.x)).toBe(true)
  })

  it("costs O(new messages), not O(limit): one more message at a full 10,000 reads a handful of topics", () => {
    const history = counted(10_000, (i) => (i % 2 ? "tokens" : "status"))
    let m = appendMessages(NO_MESSAGES, history.messages, 10_000)
    void m.all.length // materialized once, as a renderer would
    const start = history.reads()
    for (let i = 0; i < 100; i++) m = appendMessages(m, [message("tokens")], 10_000)
    expect(history.reads() - start).toBeLessThanOrEqual(100) // the dropped ones' topics; 10,000 × 100 before
    expect(m.all).toHaveLength(10_000)
    expect(m.byTopic.tokens).toHaveLength(5_050)
  })

  it("shares structure: a topic that got nothing new keeps its very array", () => {
    const m1 = appendMessages(NO_MESSAGES, [message("status"), message("tokens")], 1000)
    const status = m1.byTopic.status
    const m2 = appendMessages(m1, [message("tokens"), message("tokens")], 1000)
    expect(m2.byTopic.status).toBe(status)
    expect(m2.byTopic.tokens).toHaveLength(3)
  })
})
