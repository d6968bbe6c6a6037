import type { Snapshot } from "@conduit/client"
import { afterEach, describe, expect, it } from "vitest"
import { Conduit } from "../sdk/Conduit.ts"
import { KEY, pipeline, type Rig, startRig, type Transport } from "../testing/functionsTestRig.ts"

let rig: Rig | undefined
afterEach(async () => {
  await rig?.close()
  rig = undefined
})

async function* tokens(words: string[], failAfter?: number) {
  for (let i = 0; i < words.length; i++) {
    if (i === failAfter) throw new Error("the model dropped the connection")
    yield { token: words[i]! }
  }
}
const textOf = (s: { chunks: readonly unknown[] } | undefined) => s?.chunks.map((c) => (c as { token: string }).token).join("")

/** The browser's client on a run's channel, replaying from the start; resolves once the run is terminal. */
async function finalSnapshot(rig: Rig, runId: string): Promise<Snapshot<any>> {
  const sub = new Conduit({ url: rig.gw.url, signingKey: KEY }).subscribe({ channel: pipeline({ key: runId }) })
  for await (const _ of sub) {
    // the iterator ends at the run's terminal $run
  }
  const snapshot = sub.getSnapshot()
  sub.close()
  return snapshot
}

describe.each(["in-process", "http"] as Transport[])("streams in functions (%s)", (transport) => {
  it("publish(topicRef, stream) re-fires on retry, and the new attempt's take replaces the failed one's: no doubled text", async () => {
    rig = await startRig(transport)
    rig.conduit.createFunction({ id: "write", triggers: [{ event: "app/write" }], retries: 1 }, async ({ runId, attempt, publish }) => {
      const ch = pipeline({ key: runId })
      const words = attempt === 1 ? ["Draft", " one"] : ["Final", " text"]
      // Attempt 1's source fails mid-stream; attempt 2 streams to the end.
      await publish(ch.tokens, tokens(words, attempt === 1 ? 1 : undefined))
      return "ok"
    })
    const runId = (await rig.conduit.send({ name: "app/write" })).ids[0]!
    expect(await rig.conduit.functions.waitForRun(runId)).toMatchObject({ state: "completed", attempt: 2 })
    const snapshot = await finalSnapshot(rig, runId)
    const stream = snapshot.messages.streams[`${runId}:publish:1`]
    expect(stream).toMatchObject({ done: true, error: null, incomplete: false })
    expect(textOf(stream)).toBe("Final text")
    // Both takes are in history (resume and replay see everything); the failed one ended with its error marker.
    const errors = snapshot.messages.all.filter((m) => m.topic === "tokens").map((m) => (m.data as { token: string }).token)
    expect(errors).toEqual(["Draft", "Final", " text"])
  })

  it("step.realtime.stream is memoized once it finished: a later failure's retry does not stream it again", async () => {
    rig = await startRig(transport)
    let streamed = 0
    rig.conduit.createFunction({ id: "memo", triggers: [{ event: "app/memo" }], retries: 1 }, async ({ runId, attempt, step }) => {
      const ch = pipeline({ key: runId })
      const result = await step.realtime.stream("answer", ch.tokens, (async function* () {
        streamed++
        yield* tokens(["Once", " only"])
      })())
      if (attempt === 1) throw new Error("a later step failed")
      return result
    })
    const runId = (await rig.conduit.send({ name: "app/memo" })).ids[0]!
    const run = await rig.conduit.functions.waitForRun(runId)
    expect(run).toMatchObject({ state: "completed", result: { streamId: `${runId}:answer`, count: 2 } })
    expect(streamed).toBe(1)
    const snapshot = await finalSnapshot(rig, runId)
    expect(textOf(snapshot.messages.streams[`${runId}:answer`])).toBe("Once only")
  })

  it("a stream the handler did not await is aborted when the attempt fails: ERR_STREAM_ABORTED, then replaced by the retry", async () => {
    rig = await startRig(transport)
    rig.conduit.createFunction({ id: "leak", triggers: [{ event: "app/leak" }], retries: 1 }, async ({ runId, attempt, publish }) => {
      const ch = pipeline({ key: runId })
      if (attempt === 1) {
        void publish(ch.tokens, (async function* () {
          yield { token: "never" }
          await new Promise(() => {}) // a source that never ends
        })()).catch(() => {})
        throw new Error("failed while streaming")
      }
      await publish(ch.tokens, tokens(["retried"]))
    })
    const runId = (await rig.conduit.send({ name: "app/leak" })).ids[0]!
    expect(await rig.conduit.functions.waitForRun(runId)).toMatchObject({ state: "completed" })
    const snapshot = await finalSnapshot(rig, runId)
    expect(textOf(snapshot.messages.streams[`${runId}:publish:1`])).toBe("retried")
    const history = (await rig.gw.get(`/v1/channels/pipeline:${runId}/history`, { Authorization: `Bearer ${KEY}` })).body.messages
    const aborted = history.find((m: any) => m.stream?.error)
    expect(aborted.stream.error.code).toBe("ERR_STREAM_ABORTED")
  })
})
