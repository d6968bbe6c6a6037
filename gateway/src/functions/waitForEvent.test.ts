import { afterEach, describe, expect, it } from "vitest"
import { Conduit } from "../sdk/Conduit.ts"
import { envelopes, KEY, labels, type Rig, startRig, waitForTerminal } from "../testing/functionsTestRig.ts"
import type { RunEvent } from "./RunStore.ts"

let rig: Rig | undefined
afterEach(async () => {
  await rig?.close()
  rig = undefined
})

/** Resolves once the run is parked in a wait (its record says waiting). */
async function parked(conduit: Conduit, runId: string): Promise<void> {
  while ((await conduit.getRun(runId))?.state !== "waiting") await new Promise((resolve) => setTimeout(resolve, 10))
}

describe("step.waitForEvent (in-process)", () => {
  it("parks the run until a matching event, returns it, and a retry gets the same event", async () => {
    rig = await startRig("in-process")
    const seen: Array<RunEvent | null> = []
    let sideEffects = 0
    rig.conduit.createFunction(
      { id: "review", triggers: [{ event: "app/post.created" }], retries: 1, channels: ({ event }) => [`pipeline:${event.data.postId}`] },
      async ({ step, attempt }) => {
        await step.run("draft", () => ++sideEffects)
        const review = await step.waitForEvent("approval", { event: "app/post.reviewed", match: "data.postId", timeout: "1h" })
        seen.push(review)
        if (attempt === 1) throw new Error("after the review")
        return review?.data.approved
      },
    )
    const live = await rig.subscribe("pipeline:p1")
    const { ids } = await rig.conduit.send({ name: "app/post.created", data: { postId: "p1" } })
    await parked(rig.conduit, ids[0]!)
    // Another post's review, and an event before the wait began, do not count.
    expect(await rig.conduit.send({ name: "app/post.reviewed", data: { postId: "p2", approved: false } })).toEqual({ ids: [] })
    expect(await rig.conduit.getRun(ids[0]!)).toMatchObject({ state: "waiting", waiting: { kind: "event", step: "approval", event: "app/post.reviewed" } })
    expect(await rig.conduit.send({ name: "app/post.reviewed", data: { postId: "p1", approved: true } })).toEqual({ ids: [] })
    const run = await rig.conduit.functions.waitForRun(ids[0]!)
    await waitForTerminal(live)

    expect(run).toMatchObject({ state: "completed", attempt: 2, result: true, waiting: null })
    expect(sideEffects).toBe(1)
    expect(seen).toHaveLength(2)
    expect(seen[0]).toMatchObject({ name: "app/post.reviewed", data: { postId: "p1", approved: true } })
    expect(seen[1]).toEqual(seen[0])
    expect(labels(live.events)).toEqual(["$run running 1", "$run waiting", "$run running 1", "$run running 2", "$run completed"])
    const waiting = envelopes(live.events)[1]!.data
    expect(waiting).toMatchObject({ status: "waiting", attempt: 1, waiting: { kind: "event", step: "approval", event: "app/post.reviewed" } })
    expect(Date.parse(waiting.waiting.until)).toBeGreaterThan(Date.now())
  })

  it("the client's runStatus is waiting while the run waits, then completed", async () => {
    rig = await startRig("in-process")
    rig.conduit.createFunction({ id: "ask", triggers: [{ event: "go" }], channels: () => ["pipeline:asked"] }, async ({ step }) => {
      const answer = await step.waitForEvent("answer", { event: "answered", timeout: "1h" })
      return answer?.data
    })
    const sub = new Conduit({ url: rig.gw.url, signingKey: KEY }).subscribe({ channel: "pipeline:asked" })
    const reaches = (status: string) =>
      new Promise<void>((resolve) => {
        const check = () => sub.getSnapshot().runStatus === status && (stop(), resolve())
        const stop = sub.subscribe(check)
        check()
      })
    const open = new Promise<void>((resolve) => {
      const stop = sub.subscribe(() => sub.getSnapshot().connectionStatus === "open" && (stop(), resolve()))
    })
    const stayOpen = sub.subscribe(() => {})
    await open
    const { ids } = await rig.conduit.send({ name: "go" })
    await reaches("waiting")
    expect(await rig.conduit.getRun(ids[0]!)).toMatchObject({ state: "waiting" })
    await rig.conduit.send({ name: "answered", data: { yes: true } })
    await reaches("completed")
    expect(sub.getSnapshot().result).toEqual({ yes: true })
    stayOpen()
    sub.close()
  })

  it("a predicate match: the run checks each event of the name, and keeps waiting for one it wants", async () => {
    rig = await startRig("in-process")
    rig.conduit.createFunction({ id: "count", triggers: [{ event: "go" }] }, async ({ step }) => {
      const big = await step.waitForEvent("big", { event: "number", match: (e) => e.data.n > 10, timeout: 60_000 })
      return big?.data.n
    })
    const { ids } = await rig.conduit.send({ name: "go" })
    await parked(rig.conduit, ids[0]!)
    await rig.conduit.send({ name: "number", data: { n: 3 } })
    await parked(rig.conduit, ids[0]!)
    await rig.conduit.send({ name: "number", data: { n: 42 } })
    expect(await rig.conduit.functions.waitForRun(ids[0]!)).toMatchObject({ state: "completed", result: 42 })
  })

  it("returns null at the timeout", async () => {
    rig = await startRig("in-process")
    rig.conduit.createFunction({ id: "impatient", triggers: [{ event: "go" }] }, async ({ step }) => {
      const answer = await step.waitForEvent("answer", { event: "never/sent", timeout: "50ms" })
      return { answer }
    })
    const { ids } = await rig.conduit.send({ name: "go" })
    expect(await rig.conduit.functions.waitForRun(ids[0]!)).toMatchObject({ state: "completed", result: { answer: null } })
  })

  it("cancel ends a waiting run at once", async () => {
    rig = await startRig("in-process")
    rig.conduit.createFunction({ id: "patient", triggers: [{ event: "go" }] }, async ({ step }) => {
      await step.waitForEvent("answer", { event: "never/sent", timeout: "1h" })
    })
    const { ids } = await rig.conduit.send({ name: "go" })
    await parked(rig.conduit, ids[0]!)
    await rig.conduit.cancel(ids[0]!)
    expect(await rig.conduit.functions.waitForRun(ids[0]!)).toMatchObject({ state: "cancelled", attempt: 1 })
    // Nothing waits any more: the event is refused, not delivered to a cancelled run.
    await expect(rig.conduit.send({ name: "never/sent" })).rejects.toMatchObject({ code: "ERR_UNKNOWN_FUNCTION" })
  })

  it("refuses a bad wait: a match path the triggering event lacks, a malformed timeout", async () => {
    rig = await startRig("in-process")
    rig.conduit.createFunction({ id: "bad-path", triggers: [{ event: "a" }] }, async ({ step }) => {
      await step.waitForEvent("w", { event: "x", match: "data.nothing", timeout: "1h" })
    })
    rig.conduit.createFunction({ id: "bad-timeout", triggers: [{ event: "b" }] }, async ({ step }) => {
      // @ts-expect-error not a duration
      await step.waitForEvent("w", { event: "x", timeout: "an hour" })
    })
    const [a, b] = [(await rig.conduit.send({ name: "a" })).ids[0]!, (await rig.conduit.send({ name: "b" })).ids[0]!]
    expect(await rig.conduit.functions.waitForRun(a)).toMatchObject({ state: "failed", attempt: 1, error: { code: "ERR_INVALID_BODY" } })
    expect(await rig.conduit.functions.waitForRun(b)).toMatchObject({ state: "failed", attempt: 1, error: { code: "ERR_INVALID_BODY" } })
  })
})

describe("POST /v1/events", () => {
  it("sends an event with the signing key to the gateway's runtime: it starts runs and ends waits", async () => {
    rig = await startRig("in-process")
    // No functions options: this Conduit shares the gateway's runtime, the one /v1/events reaches.
    const conduit = new Conduit({ gateway: rig.gw.gateway })
    conduit.createFunction({ id: "approve", triggers: [{ event: "app/start" }] }, async ({ step, event }) => {
      const decision = await step.waitForEvent("decision", { event: "app/decided", match: "data.ticket", timeout: "1h" })
      return { ticket: event.data.ticket, approved: decision?.data.approved }
    })
    const auth = { Authorization: `Bearer ${KEY}` }
    const started = await rig.gw.post("/v1/events", { name: "app/start", data: { ticket: 7 } }, auth)
    expect(started.status).toBe(202)
    const [runId] = started.body.ids as string[]
    await parked(conduit, runId!)

    expect((await rig.gw.post("/v1/events", { name: "app/decided", data: { ticket: 7, approved: true } })).body.error.code).toBe("ERR_UNAUTHORIZED")
    const typo = await rig.gw.post("/v1/events", { name: "app/decidd", data: {} }, auth)
    expect([typo.status, typo.body.error.code]).toEqual([404, "ERR_UNKNOWN_FUNCTION"])
    const bad = await rig.gw.post("/v1/events", { events: [] }, auth)
    expect([bad.status, bad.body.error.code]).toEqual([400, "ERR_INVALID_BODY"])
    expect(await conduit.getRun(runId!)).toMatchObject({ state: "waiting" })

    const decided = await rig.gw.post("/v1/events", { events: [{ name: "app/decided", data: { ticket: 7, approved: true } }] }, auth)
    expect([decided.status, decided.body]).toEqual([202, { ids: [] }])
    expect(await conduit.functions.waitForRun(runId!)).toMatchObject({ state: "completed", result: { ticket: 7, approved: true } })
  })
})
