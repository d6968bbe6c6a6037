import { ErrorCode } from "@conduit/shared"
import { afterEach, describe, expect, it } from "vitest"
import { subscribe } from "./subscribe.ts"
import { eventually, publishAll, type RunningGateway, startGateway, waitForSnapshot } from "./testing/clientTestKit.ts"
import type { RealtimeSubscription } from "./types.ts"

let gw: RunningGateway
const subs: RealtimeSubscription<any>[] = []
afterEach(async () => {
  for (const s of subs.splice(0)) s.close()
  await gw?.close()
})

/** All a `for await` loop yields, or its error; rejects if the loop has not ended after `timeoutMs`. */
async function drain(sub: RealtimeSubscription<any>, timeoutMs = 10_000): Promise<{ got: unknown[]; error?: unknown }> {
  const got: unknown[] = []
  const loop = (async () => {
    try {
      for await (const m of sub) got.push(m.data)
      return { got }
    } catch (error) {
      return { got, error }
    }
  })()
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the loop did not end; it yielded ${JSON.stringify(got)}`)), timeoutMs)
  })
  try {
    return await Promise.race([loop, late])
  } finally {
    clearTimeout(timer)
  }
}

const metric = async (line: RegExp) => line.test((await gw.get("/metrics")).text)

describe("for await over a subscription", () => {
  it("is bounded: a loop that stops reading stops the socket, the gateway drops it as a slow consumer, and it resumes losing nothing", async () => {
    // History holds all ~30 MB (past the default 16 MiB per channel), so the resume loses nothing.
    gw = await startGateway({ slowConsumerBytes: 256 * 1024, historyBytes: 64 * 1024 * 1024 })
    const sub = subscribe({ url: gw.url, channel: "big", maxBuffered: 10, backoff: { initialMs: 20 } })
    subs.push(sub)
    const iterator = sub[Symbol.asyncIterator]()
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    const payload = "x".repeat(100 * 1024)
    const total = 300 // ~30 MB, far past what socket buffers and the gateway's bound can hold
    for (let i = 0; i < total; i++) await publishAll(gw, "big", "n", [{ i, payload }])
    // Nobody called next(): the client must have stopped reading, or the gateway would never see it fall behind.
    await eventually(() => metric(/^conduit_streams_closed_total\{reason="slow_consumer"\} 1$/m), 20_000)
    const got: number[] = []
    while (got.length < total) {
      const { value, done } = await iterator.next()
      if (done) break
      got.push((value.data as { i: number }).i)
    }
    await iterator.return!()
    expect(got).toEqual(Array.from({ length: total }, (_, i) => i))
  }, 60_000)

  it("ends at the run's terminal $run (untilRunEnds, on by default): what came before it, nothing after", async () => {
    gw = await startGateway()
    await publishAll(gw, "run:1", "n", ["a", "b"])
    await gw.post("/v1/publish", {
      messages: [
        { channel: "run:1", topic: "n", data: "c" },
        { channel: "run:1", topic: "$run", data: { status: "completed", result: 42 } },
        { channel: "run:1", topic: "n", data: "after the run" },
      ],
    })
    const sub = subscribe({ url: gw.url, channel: "run:1" })
    subs.push(sub)
    expect(await drain(sub)).toEqual({ got: ["a", "b", "c"] })
    expect(sub.getSnapshot()).toMatchObject({ runStatus: "completed", result: 42 })
  })

  it("a live run: ends once it completes, and throws ERR_RUN_FAILED for a failed one", async () => {
    gw = await startGateway()
    const ok = subscribe({ url: gw.url, channel: "run:2", from: "none" })
    const bad = subscribe({ url: gw.url, channel: "run:3", from: "none" })
    subs.push(ok, bad)
    const okLoop = drain(ok)
    const badLoop = drain(bad)
    await waitForSnapshot(ok, (s) => s.connectionStatus === "open")
    await waitForSnapshot(bad, (s) => s.connectionStatus === "open")
    for (const [channel, status] of [["run:2", "completed"], ["run:3", "failed"]] as const) {
      await publishAll(gw, channel, "n", ["working"])
      await gw.post("/v1/publish", { channel, topic: "$run", data: { status, ...(status === "failed" ? { error: { message: "boom" } } : {}) } })
    }
    expect(await okLoop).toEqual({ got: ["working"] })
    const failed = await badLoop
    expect(failed.got).toEqual(["working"])
    expect(failed.error).toMatchObject({ code: ErrorCode.RUN_FAILED, message: "boom" })
  })

  it("untilRunEnds: false keeps going past the end of a run", async () => {
    gw = await startGateway()
    await gw.post("/v1/publish", {
      messages: [
        { channel: "run:4", topic: "$run", data: { status: "completed" } },
        { channel: "run:4", topic: "n", data: "next run" },
      ],
    })
    const sub = subscribe({ url: gw.url, channel: "run:4", untilRunEnds: false })
    subs.push(sub)
    for await (const m of sub) {
      expect(m.data).toBe("next run")
      break
    }
  })
})
