import { ConduitError, ErrorCode } from "@conduit/shared"
import { afterEach, describe, expect, it } from "vitest"
import type { Snapshot } from "@conduit/client"
import { Conduit } from "../sdk/Conduit.ts"
import { envelopes, KEY, labels, pipeline, type Rig, startRig, waitForTerminal } from "../testing/functionsTestRig.ts"

let rig: Rig | undefined
afterEach(async () => {
  await rig?.close()
  rig = undefined
})

describe("$run lifecycle", () => {
  it("a subscriber joining after the run ended replays it, $run completed with the result included", async () => {
    rig = await startRig("in-process")
    rig.conduit.createFunction({ id: "summarize", triggers: [{ event: "app/summarize" }] }, async ({ runId, step, publish }) => {
      const ch = pipeline({ key: runId })
      await step.realtime.publish("start", ch.status, { message: "Summarizing" })
      for (const token of ["Short", " and", " sweet"]) await publish(ch.tokens, { token })
      return { summary: "Short and sweet" }
    })
    const { ids } = await rig.conduit.send({ name: "app/summarize" })
    const runId = ids[0]!
    expect(await rig.conduit.functions.waitForRun(runId)).toMatchObject({ state: "completed" })

    const late = await rig.subscribe(`pipeline:${runId}`, "0")
    await waitForTerminal(late)
    expect(labels(late.events)).toEqual([
      "$run running 1",
      "status Summarizing",
      "tokens Short",
      "tokens  and",
      "tokens  sweet",
      "$run completed",
    ])
    const completed = envelopes(late.events).at(-1)!
    expect(completed).toMatchObject({ topic: "$run", kind: "run", runId, data: { status: "completed", result: { summary: "Short and sweet" } } })

    // The client a browser uses, joining late: runStatus turns terminal, result and tokens replayed.
    const sub = new Conduit({ url: rig.gw.url, signingKey: KEY }).subscribe({ channel: pipeline({ key: runId }) })
    const snapshot = await new Promise<Snapshot<any>>((resolve) => {
      const stop = sub.subscribe(() => {
        const s = sub.getSnapshot()
        if (s.runStatus !== "completed") return
        stop()
        resolve(s)
      })
    })
    sub.close()
    expect(snapshot.result).toEqual({ summary: "Short and sweet" })
    expect(snapshot.messages.byTopic.tokens?.map((m) => m.data.token).join("")).toBe("Short and sweet")
    expect(snapshot.error).toBeNull()
  })

  it("a run that exhausts its retries ends failed with the error's code and message", async () => {
    rig = await startRig("http")
    const watcher = rig.conduit.subscribe({ channel: pipeline({ key: "doomed" }) })
    const failed = new Promise<Snapshot<any>>((resolve) => {
      const stop = watcher.subscribe(() => {
        if (watcher.getSnapshot().runStatus === "failed") (stop(), resolve(watcher.getSnapshot()))
      })
    })
    let attempts = 0
    rig.conduit.createFunction(
      // Declared channel: `running` goes out although the run never publishes.
      { id: "doomed", triggers: [{ event: "e" }], retries: 2, channels: ({ event }) => [pipeline({ key: event.data.key })] },
      async () => {
        attempts++
        throw new Error("upstream is down")
      },
    )
    const live = await rig.subscribe("pipeline:doomed")
    const { ids } = await rig.conduit.send({ name: "e", data: { key: "doomed" } })
    await waitForTerminal(live)
    expect(attempts).toBe(3)
    expect(labels(live.events)).toEqual(["$run running 1", "$run running 2", "$run running 3", "$run failed"])
    const error = { code: "ERR_RUN_FAILED", message: "upstream is down" }
    expect(envelopes(live.events).at(-1)!.data).toEqual({ status: "failed", functionId: "doomed", attempt: 3, error })
    expect(await rig.conduit.getRun(ids[0]!)).toMatchObject({ state: "failed", attempt: 3, error })
    const seen = await failed // the client's view: runStatus failed, the error as ERR_RUN_FAILED
    watcher.close()
    expect(seen.error).toMatchObject({ code: "ERR_RUN_FAILED", message: "upstream is down" })
  })

  it("ERR_RUN_FAILED thrown by a handler ends the run at once; a ConduitError's own code is kept", async () => {
    rig = await startRig("in-process")
    let attempts = 0
    rig.conduit.createFunction({ id: "give-up", triggers: [{ event: "e" }], retries: 5 }, async () => {
      attempts++
      throw new ConduitError(ErrorCode.RUN_FAILED, "input is not a post")
    })
    const { ids } = await rig.conduit.send({ name: "e" })
    expect(await rig.conduit.functions.waitForRun(ids[0]!)).toMatchObject({
      state: "failed",
      attempt: 1,
      error: { code: "ERR_RUN_FAILED", message: "input is not a post" },
    })
    expect(attempts).toBe(1)
  })

  it("schema-invalid data fails with ERR_VALIDATION, publishes nothing, and is not retried", async () => {
    rig = await startRig("in-process")
    let attempts = 0
    let plainError: unknown
    rig.conduit.createFunction({ id: "sloppy", triggers: [{ event: "e" }], retries: 3 }, async ({ step, publish }) => {
      attempts++
      const ch = pipeline({ key: "sloppy" })
      // @ts-expect-error token must be a string
      plainError = await publish(ch.tokens, { token: 1 }).catch((error: unknown) => error)
      await step.realtime.publish("ok", ch.status, { message: "valid" })
      // @ts-expect-error message must be a string
      await step.realtime.publish("bad", ch.status, { message: 42 })
    })
    const live = await rig.subscribe("pipeline:sloppy")
    const { ids } = await rig.conduit.send({ name: "e" })
    const run = await rig.conduit.functions.waitForRun(ids[0]!)
    await waitForTerminal(live)

    expect(plainError).toMatchObject({ code: "ERR_VALIDATION", details: { topic: "tokens", issues: [{ path: "token" }] } })
    expect(attempts).toBe(1)
    expect(run).toMatchObject({ state: "failed", attempt: 1, error: { code: "ERR_VALIDATION" } })
    expect(run.error!.message).toContain('step "bad"')
    expect(run.error!.message).toContain('topic "status"')
    expect(labels(live.events)).toEqual(["$run running 1", "status valid", "$run failed"])
    expect(envelopes(live.events).at(-1)!.data.error).toEqual(run.error)
  })

  it("sends $run on every channel the run touched, declared or published to, and records them", async () => {
    rig = await startRig("in-process")
    rig.conduit.createFunction(
      { id: "fan", triggers: [{ event: "e" }], retries: 1, channels: () => ["pipeline:declared"] },
      async ({ publish, attempt }) => {
        await publish(pipeline({ key: "touched" }).status, { message: `attempt ${attempt}` })
        if (attempt === 1) throw new Error("once")
        return "done"
      },
    )
    const declared = await rig.subscribe("pipeline:declared")
    const touched = await rig.subscribe("pipeline:touched")
    const { ids } = await rig.conduit.send({ name: "e" })
    await Promise.all([waitForTerminal(declared), waitForTerminal(touched)])
    expect(labels(declared.events)).toEqual(["$run running 1", "$run running 2", "$run completed"])
    // `running` for attempt 1 reaches the touched channel before its first message; attempt 2 starts on it.
    expect(labels(touched.events)).toEqual(["$run running 1", "status attempt 1", "$run running 2", "status attempt 2", "$run completed"])
    expect((await rig.conduit.getRun(ids[0]!))!.channels).toEqual(["pipeline:declared", "pipeline:touched"])
  })

  it("a terminal status whose response was lost is sent again under its idempotency key: subscribers see it once", async () => {
    let dropped = 0
    const lossy: typeof fetch = async (input, init) => {
      const res = await fetch(input, init)
      if (dropped === 0 && String(init?.body).includes(":$run:completed")) {
        dropped++
        throw new TypeError("socket hang up")
      }
      return res
    }
    rig = await startRig("http", {}, { fetch: lossy })
    rig.conduit.createFunction({ id: "f", triggers: [{ event: "e" }], channels: () => ["pipeline:terminal"] }, () => 42)
    const live = await rig.subscribe("pipeline:terminal")
    const { ids } = await rig.conduit.send({ name: "e" })
    await waitForTerminal(live)
    expect(await rig.conduit.functions.waitForRun(ids[0]!)).toMatchObject({ state: "completed", result: 42 })
    expect(dropped).toBe(1)
    const history = (await rig.gw.get("/v1/channels/pipeline:terminal/history", { Authorization: `Bearer ${"k".repeat(32)}` })).body
    expect(history.messages.map((m: { data: { status: string } }) => m.data.status)).toEqual(["running", "completed"])
  })

  it("a result too big for $run completed fails the run with ERR_PAYLOAD_TOO_LARGE instead of completing silently", async () => {
    rig = await startRig("in-process")
    rig.conduit.createFunction({ id: "huge", triggers: [{ event: "e" }], channels: () => ["pipeline:huge"] }, () => "x".repeat(600 * 1024))
    const live = await rig.subscribe("pipeline:huge")
    const { ids } = await rig.conduit.send({ name: "e" })
    await waitForTerminal(live)
    expect(labels(live.events)).toEqual(["$run running 1", "$run failed"])
    expect(await rig.conduit.getRun(ids[0]!)).toMatchObject({ state: "failed", error: { code: "ERR_PAYLOAD_TOO_LARGE" } })
  })
})

describe("send", () => {
  it("starts one run per triggered function and refuses an event nothing listens to", async () => {
    rig = await startRig("in-process")
    rig.conduit.createFunction({ id: "a", triggers: [{ event: "x" }] }, () => "a")
    rig.conduit.createFunction({ id: "b", triggers: [{ event: "y" }, { event: "x" }] }, ({ event }) => event.data.n)
    const { ids } = await rig.conduit.send({ name: "x", data: { n: 7 } })
    expect(ids).toHaveLength(2)
    expect(new Set(ids).size).toBe(2)
    const runs = await Promise.all(ids.map((id) => rig!.conduit.functions.waitForRun(id)))
    expect(runs.map((r) => [r.functionId, r.result])).toEqual([
      ["a", "a"],
      ["b", 7],
    ])
    await expect(rig.conduit.send({ name: "nobody/listens" })).rejects.toMatchObject({ code: "ERR_UNKNOWN_FUNCTION" })
    expect(() => rig!.conduit.createFunction({ id: "a", triggers: [{ event: "z" }] }, () => 1)).toThrow(
      expect.objectContaining({ code: "ERR_CONFIG" }),
    )
  })
})
