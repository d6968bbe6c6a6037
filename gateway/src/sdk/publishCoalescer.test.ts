import { ConduitError, ErrorCode, type PublishInput } from "@conduit/shared"
import { describe, expect, it } from "vitest"
import { createPublishCoalescer } from "./publishCoalescer.ts"

const m = (channel: string, data: unknown): PublishInput => ({ channel, topic: "t", data })

/** A send that records each request and answers ids `<request>-<i>`, after `answer()` when held. */
function recorder(hold = false) {
  const requests: PublishInput[][] = []
  const waiting: Array<() => void> = []
  let failWith: ((inputs: PublishInput[]) => Error | undefined) | undefined
  const send = async (inputs: PublishInput[]) => {
    const n = requests.push(inputs)
    if (hold) await new Promise<void>((r) => waiting.push(r))
    const error = failWith?.(inputs)
    if (error) throw error
    return inputs.map((_, i) => `${n}-${i}`)
  }
  return { requests, send, release: () => waiting.splice(0).forEach((r) => r()), fail: (f: typeof failWith) => (failWith = f) }
}

describe("createPublishCoalescer", () => {
  it("sends the publishes of one turn as one request; each caller gets its own id", async () => {
    const r = recorder()
    const c = createPublishCoalescer(r.send)
    const ids = await Promise.all([c.publish([m("a", 1)]), c.publish([m("b", 2)]), c.publish([m("a", 3), m("a", 4)])])
    expect(r.requests).toHaveLength(1)
    expect(r.requests[0]!.map((i) => i.data)).toEqual([1, 2, 3, 4])
    expect(ids).toEqual([["1-0"], ["1-1"], ["1-2", "1-3"]])
    await c.publish([m("a", 5)]) // a later turn: a request of its own
    expect(r.requests).toHaveLength(2)
  })

  it("bounds a request by count and bytes, never splitting a group", async () => {
    const r = recorder()
    const c = createPublishCoalescer(r.send, { maxMessages: 3, maxBytes: 10_000 })
    await Promise.all([c.publish([m("a", 1), m("b", 2)]), c.publish([m("c", 3), m("d", 4)]), c.publish([m("e", 5)])])
    expect(r.requests.map((q) => q.map((i) => i.data))).toEqual([[1, 2], [3, 4, 5]])
    const big = createPublishCoalescer(r.send, { maxBytes: 300 })
    await Promise.all([big.publish([m("x", "y".repeat(150))]), big.publish([m("z", "y".repeat(150))])])
    expect(r.requests.slice(2)).toHaveLength(2)
  })

  it("keeps per-channel order: a channel in flight holds back its later messages, other channels go ahead", async () => {
    const r = recorder(true)
    const c = createPublishCoalescer(r.send, { maxMessages: 2, maxInFlight: 4 })
    const all = Promise.all([c.publish([m("a", 1)]), c.publish([m("a", 2)]), c.publish([m("a", 3)]), c.publish([m("b", 4)])])
    // "a" is in flight: 3 waits for it, while 4 (another channel) goes in a request of its own.
    await expect.poll(() => r.requests.length).toBe(2)
    expect(r.requests.map((q) => q.map((i) => i.data))).toEqual([[1, 2], [4]])
    r.release()
    await expect.poll(() => r.requests.length).toBe(3)
    expect(r.requests[2]!.map((i) => i.data)).toEqual([3])
    r.release()
    await all
  })

  it("a message the gateway refuses fails its own publish; the rest of the batch is sent again and published", async () => {
    const r = recorder()
    const c = createPublishCoalescer(r.send)
    r.fail((inputs) => {
      const at = inputs.findIndex((i) => i.data === "bad")
      return at === -1 ? undefined : new ConduitError(ErrorCode.VALIDATION, "no", { details: { index: at, topic: "t" } })
    })
    const results = await Promise.allSettled([c.publish([m("a", 1)]), c.publish([m("a", "bad")]), c.publish([m("b", 3)])])
    expect(results[0]).toMatchObject({ status: "fulfilled", value: ["2-0"] })
    expect(results[2]).toMatchObject({ status: "fulfilled", value: ["2-1"] })
    const refused = (results[1] as PromiseRejectedResult).reason as ConduitError
    expect(refused.code).toBe("ERR_VALIDATION")
    expect(refused.details).toEqual({ topic: "t" })
    expect(r.requests.map((q) => q.length)).toEqual([3, 2])
  })

  it("a refusal of the whole request (no index) fails every publish in it", async () => {
    const r = recorder()
    const c = createPublishCoalescer(r.send)
    r.fail(() => new ConduitError(ErrorCode.INVALID_KEY, "bad key"))
    const results = await Promise.allSettled([c.publish([m("a", 1)]), c.publish([m("b", 2)])])
    expect(results.map((x) => (x as PromiseRejectedResult).reason.code)).toEqual(["ERR_INVALID_KEY", "ERR_INVALID_KEY"])
    expect(r.requests).toHaveLength(1)
  })
})
