import { afterEach, describe, expect, it } from "vitest"
import { BOOKKEEPING_TRIES } from "./createFunctionsRuntime.ts"
import { createMemoryRunStore } from "./memoryRunStore.ts"
import { envelopes, labels, pipeline, type Rig, startRig, waitForTerminal } from "../testing/functionsTestRig.ts"
import type { RunStore } from "./RunStore.ts"

let rig: Rig | undefined
afterEach(async () => {
  await rig?.close()
  rig = undefined
})

describe("publish vs step.realtime.publish across a retry", () => {
  it.each(["in-process", "http"] as const)(
    "durable messages reach a subscriber once, plain ones once per attempt (%s)",
    async (transport) => {
      rig = await startRig(transport)
      const durableIds: string[][] = []
      rig.conduit.createFunction({ id: "write", triggers: [{ event: "app/write" }], retries: 2 }, async ({ event, step, publish, attempt }) => {
        const ch = pipeline({ key: event.data.key })
        const ids: string[] = []
        durableIds.push(ids)
        await publish(ch.tokens, { token: `a${attempt}` })
        ids.push((await step.realtime.publish("first", ch.status, { message: "first" })).id)
        await publish(ch.tokens, { token: "b" })
        if (attempt === 1) throw new Error("transient")
        ids.push((await step.realtime.publish("second", ch.status, { message: "second" })).id)
        return { words: 2 }
      })
      const live = await rig.subscribe("pipeline:k1")
      const { ids } = await rig.conduit.send({ name: "app/write", data: { key: "k1" } })
      expect(ids).toHaveLength(1)
      await waitForTerminal(live)

      const expected = [
        "$run running 1",
        "tokens a1",
        "status first",
        "tokens b",
        "$run running 2",
        "tokens a2",
        "tokens b",
        "status second",
        "$run completed",
      ]
      expect(labels(live.events)).toEqual(expected)
      // The memoized step hands back the id of the one message it published.
      expect(durableIds[1]![0]).toBe(durableIds[0]![0])
      const all = envelopes(live.events)
      expect(all.every((m) => m.runId === ids[0])).toBe(true)
      expect(all.at(-1)!.data).toEqual({ status: "completed", functionId: "write", attempt: 2, result: { words: 2 } })
      expect(await rig.conduit.getRun(ids[0]!)).toMatchObject({ state: "completed", attempt: 2, result: { words: 2 } })
    },
  )

  it("a durable publish whose response was lost is delivered once when the attempt is retried (http)", async () => {
    // The gateway accepts the message, then the connection "drops": the SDK sees ERR_NETWORK.
    let dropped = 0
    const lossy: typeof fetch = async (input, init) => {
      const res = await fetch(input, init)
      if (dropped === 0 && String(init?.body).includes('"idempotencyKey":"run_') && String(init?.body).includes(":first")) {
        dropped++
        throw new TypeError("socket hang up")
      }
      return res
    }
    // SDK retries off: the run's own retry is what is tested here (by default the SDK resends it with its key).
    rig = await startRig("http", {}, { fetch: lossy, publishRetry: { retries: 0 } })
    rig.conduit.createFunction({ id: "f", triggers: [{ event: "e" }] }, async ({ step }) => {
      await step.realtime.publish("first", pipeline({ key: "lossy" }).status, { message: "once" })
      return "ok"
    })
    const live = await rig.subscribe("pipeline:lossy")
    const { ids } = await rig.conduit.send({ name: "e" })
    await waitForTerminal(live)
    expect(dropped).toBe(1)
    expect(labels(live.events)).toEqual(["$run running 1", "status once", "$run running 2", "$run completed"])
    expect(await rig.conduit.getRun(ids[0]!)).toMatchObject({ state: "completed", attempt: 2 })
  })

  it("a crash between publishing and memoizing does not deliver twice: the idempotency key covers it", async () => {
    // The store fails every try of the durable step's first memoize: the attempt fails right after
    // publishing, as one whose node died there would, and attempt 2 publishes again.
    const inner = createMemoryRunStore()
    let failures = 0
    const store: RunStore = {
      ...inner,
      async putStep(runId, stepId, record) {
        if (stepId === "announce" && failures < BOOKKEEPING_TRIES) {
          failures++
          throw new Error("node died")
        }
        return inner.putStep(runId, stepId, record)
      },
    }
    rig = await startRig("in-process", { store })
    rig.conduit.createFunction({ id: "f", triggers: [{ event: "e" }] }, async ({ step }) => {
      await step.realtime.publish("announce", pipeline({ key: "crash" }).status, { message: "announced" })
    })
    const live = await rig.subscribe("pipeline:crash")
    await rig.conduit.send({ name: "e" })
    await waitForTerminal(live)
    expect(failures).toBe(BOOKKEEPING_TRIES)
    expect(labels(live.events)).toEqual(["$run running 1", "status announced", "$run running 2", "$run completed"])
  })
})

describe("step.run", () => {
  it("runs a finished step once however many attempts follow, and re-runs a step that failed", async () => {
    rig = await startRig("in-process")
    const calls = { fetch: 0, flaky: 0 }
    const seen: unknown[] = []
    rig.conduit.createFunction({ id: "f", triggers: [{ event: "e" }], retries: 3 }, async ({ step, attempt }) => {
      const fetched = await step.run("fetch", () => {
        calls.fetch++
        return { n: calls.fetch, at: new Date(0) }
      })
      seen.push(fetched)
      await step.run("flaky", () => {
        calls.flaky++
        if (attempt < 3) throw new Error(`flaky ${attempt}`)
      })
      return fetched
    })
    const { ids } = await rig.conduit.send({ name: "e" })
    const run = await rig.conduit.functions.waitForRun(ids[0]!)
    expect(run).toMatchObject({ state: "completed", attempt: 3 })
    expect(calls).toEqual({ fetch: 1, flaky: 3 })
    // Every attempt gets the same JSON value, the first one included (a Date is its ISO string).
    expect(seen).toEqual([0, 1, 2].map(() => ({ n: 1, at: "1970-01-01T00:00:00.000Z" })))
    expect(run.result).toEqual({ n: 1, at: "1970-01-01T00:00:00.000Z" })
  })

  it("numbers a repeated id within an attempt, the same way on every attempt", async () => {
    rig = await startRig("in-process")
    let calls = 0
    const results: unknown[][] = []
    rig.conduit.createFunction({ id: "f", triggers: [{ event: "e" }], retries: 1 }, async ({ step, attempt }) => {
      const got: unknown[] = []
      for (let i = 0; i < 3; i++) got.push(await step.run("item", () => ++calls))
      results.push(got)
      if (attempt === 1) throw new Error("again")
    })
    const { ids } = await rig.conduit.send({ name: "e" })
    await rig.conduit.functions.waitForRun(ids[0]!)
    expect(calls).toBe(3)
    expect(results).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ])
  })

  it("refuses a result JSON cannot carry, without retrying", async () => {
    rig = await startRig("in-process")
    let calls = 0
    rig.conduit.createFunction({ id: "f", triggers: [{ event: "e" }] }, async ({ step }) => {
      await step.run("big", () => {
        calls++
        return 10n
      })
    })
    const { ids } = await rig.conduit.send({ name: "e" })
    expect(await rig.conduit.functions.waitForRun(ids[0]!)).toMatchObject({ state: "failed", attempt: 1, error: { code: "ERR_INVALID_BODY" } })
    expect(calls).toBe(1)
  })
})

describe("step.sleep", () => {
  it("parks the run (waiting, then running again) and does not sleep again on a retry", async () => {
    let t = 1_000
    const sleeps: number[] = []
    rig = await startRig("in-process", {
      now: () => t,
      async sleep(ms) {
        if (ms > 0) sleeps.push(ms)
        t += ms
      },
    })
    let before = 0
    rig.conduit.createFunction({ id: "f", triggers: [{ event: "e" }], retries: 3, channels: () => ["pipeline:nap"] }, async ({ step, attempt }) => {
      before++
      await step.sleep("nap", "5s")
      if (attempt === 1) throw new Error("after the nap")
      return attempt
    })
    const live = await rig.subscribe("pipeline:nap")
    const { ids } = await rig.conduit.send({ name: "e" })
    const run = await rig.conduit.functions.waitForRun(ids[0]!)
    await waitForTerminal(live)
    expect(run).toMatchObject({ state: "completed", attempt: 2, result: 2, waiting: null })
    expect(sleeps).toEqual([5_000])
    // The handler runs from the top after the sleep (memoized steps return), and again on the retry.
    expect(before).toBe(3)
    expect(labels(live.events)).toEqual(["$run running 1", "$run waiting", "$run running 1", "$run running 2", "$run completed"])
    expect(envelopes(live.events)[1]!.data.waiting).toEqual({ kind: "sleep", step: "nap", until: new Date(6_000).toISOString() })
  })
})

describe("a failing run store", () => {
  it("a transient failure after a step.run succeeded is retried: the step does not run again", async () => {
    const inner = createMemoryRunStore()
    let failures = 0
    const store: RunStore = {
      ...inner,
      async putStep(runId, stepId, record) {
        if (failures++ < 2) throw new Error("store blip")
        return inner.putStep(runId, stepId, record)
      },
    }
    rig = await startRig("in-process", { store })
    let charges = 0
    rig.conduit.createFunction({ id: "pay", triggers: [{ event: "e" }] }, async ({ step }) => {
      await step.run("charge-card", () => ++charges)
    })
    const { ids } = await rig.conduit.send({ name: "e" })
    expect(await rig.conduit.functions.waitForRun(ids[0]!)).toMatchObject({ state: "completed", attempt: 1 })
    expect(charges).toBe(1)
  })

  it("a bookkeeping failure is retried: the run ends instead of staying running", async () => {
    const inner = createMemoryRunStore()
    let failed = 0
    const store: RunStore = {
      ...inner,
      async updateRun(runId, patch) {
        if (patch.state === "completed" && failed++ < 2) throw new Error("store blip")
        return inner.updateRun(runId, patch)
      },
    }
    rig = await startRig("in-process", { store })
    rig.conduit.createFunction({ id: "f", triggers: [{ event: "e" }], channels: () => ["pipeline:bookkeeping"] }, () => "done")
    const live = await rig.subscribe("pipeline:bookkeeping")
    const { ids } = await rig.conduit.send({ name: "e" })
    expect(await rig.conduit.functions.waitForRun(ids[0]!)).toMatchObject({ state: "completed", result: "done" })
    await waitForTerminal(live)
    expect(labels(live.events)).toEqual(["$run running 1", "$run completed"])
  })

  it("a store that stays down is reported through onError and the run left as the store last had it, with no unhandled rejection", async () => {
    const inner = createMemoryRunStore()
    const store: RunStore = {
      ...inner,
      updateRun: async () => {
        throw new Error("store unreachable")
      },
    }
    const reported: unknown[] = []
    rig = await startRig("in-process", { store, onError: (error) => reported.push(error) })
    let ran = false
    rig.conduit.createFunction({ id: "f", triggers: [{ event: "e" }] }, () => (ran = true))
    const { ids } = await rig.conduit.send({ name: "e" })
    expect(await rig.conduit.functions.waitForRun(ids[0]!)).toMatchObject({ state: "queued", attempt: 0 })
    expect(ran).toBe(false)
    expect(reported.length).toBeGreaterThan(0)
    expect(reported.every((e) => (e as Error).message === "store unreachable")).toBe(true)
  })
})
