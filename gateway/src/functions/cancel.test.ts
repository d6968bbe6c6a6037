import { afterEach, describe, expect, it } from "vitest"
import { Conduit } from "../sdk/Conduit.ts"
import { createMemoryRunStore } from "./memoryRunStore.ts"
import { gate, labels, pipeline, type Rig, startRig, waitForTerminal } from "../testing/functionsTestRig.ts"

let rig: Rig | undefined
afterEach(async () => {
  await rig?.close()
  rig = undefined
})

describe("conduit.cancel", () => {
  it.each(["in-process", "http"] as const)(
    "stops the run at its next step boundary and ends it cancelled, even if the handler swallows the error (%s)",
    async (transport) => {
      rig = await startRig(transport)
      const reachedMiddle = gate()
      const release = gate()
      const calls = { one: 0, two: 0 }
      let swallowed: unknown
      rig.conduit.createFunction({ id: "slow", triggers: [{ event: "e" }] }, async ({ step, publish }) => {
        const ch = pipeline({ key: `cancel-${transport}` })
        await step.run("one", () => calls.one++)
        await publish(ch.status, { message: "between steps" })
        reachedMiddle.open()
        await release.promise
        try {
          await step.run("two", () => calls.two++)
        } catch (error) {
          swallowed = error
        }
        return "finished anyway"
      })
      const live = await rig.subscribe(`pipeline:cancel-${transport}`)
      const { ids } = await rig.conduit.send({ name: "e" })
      await reachedMiddle.promise
      await rig.conduit.cancel(ids[0]!)
      release.open()
      const run = await rig.conduit.functions.waitForRun(ids[0]!)
      await waitForTerminal(live)

      expect(run).toMatchObject({ state: "cancelled", attempt: 1, cancelRequested: true })
      expect(run.result).toBeUndefined()
      expect(calls).toEqual({ one: 1, two: 0 })
      expect(swallowed).toMatchObject({ code: "ERR_RUN_CANCELLED" })
      expect(labels(live.events)).toEqual(["$run running 1", "status between steps", "$run cancelled"])
    },
  )

  it("reaches a run executing elsewhere through the shared run store", async () => {
    const store = createMemoryRunStore()
    rig = await startRig("in-process", { store })
    // Another process sharing the store (what a Redis RunStore gives): it knows no functions, only runs.
    const other = new Conduit({ gateway: rig.gw.gateway, functions: { store } })
    const reachedMiddle = gate()
    const release = gate()
    let secondRan = false
    rig.conduit.createFunction({ id: "far", triggers: [{ event: "e" }] }, async ({ step }) => {
      await step.run("one", () => reachedMiddle.open())
      await release.promise
      await step.run("two", () => (secondRan = true))
    })
    const { ids } = await rig.conduit.send({ name: "e" })
    await reachedMiddle.promise
    await other.cancel(ids[0]!)
    release.open()
    expect(await rig.conduit.functions.waitForRun(ids[0]!)).toMatchObject({ state: "cancelled" })
    expect(secondRan).toBe(false)
  })

  it("interrupts a step.sleep at once", async () => {
    rig = await startRig("in-process")
    const asleep = gate()
    rig.conduit.createFunction({ id: "sleepy", triggers: [{ event: "e" }], channels: () => ["pipeline:sleepy"] }, async ({ step }) => {
      asleep.open()
      await step.sleep("a-minute", 60_000)
      return "woke up"
    })
    const live = await rig.subscribe("pipeline:sleepy")
    const { ids } = await rig.conduit.send({ name: "e" })
    await asleep.promise
    const started = Date.now()
    await rig.conduit.cancel(ids[0]!)
    expect(await rig.conduit.functions.waitForRun(ids[0]!)).toMatchObject({ state: "cancelled" })
    expect(Date.now() - started).toBeLessThan(2_000)
    await waitForTerminal(live)
    // The sleep parked the run: subscribers saw it waiting.
    expect(labels(live.events)).toEqual(["$run running 1", "$run waiting", "$run cancelled"])
  })

  it("ends a run waiting to retry without another attempt", async () => {
    rig = await startRig("in-process", { retryDelay: () => 60_000 })
    let attempts = 0
    const failed = gate()
    rig.conduit.createFunction({ id: "backoff", triggers: [{ event: "e" }], retries: 3 }, async () => {
      attempts++
      setTimeout(failed.open, 20)
      throw new Error("transient")
    })
    const { ids } = await rig.conduit.send({ name: "e" })
    await failed.promise
    await rig.conduit.cancel(ids[0]!)
    expect(await rig.conduit.functions.waitForRun(ids[0]!)).toMatchObject({ state: "cancelled", attempt: 1 })
    expect(attempts).toBe(1)
  })

  it("refuses an unknown run id with ERR_NOT_FOUND, and leaves a finished run as it ended", async () => {
    rig = await startRig("in-process")
    rig.conduit.createFunction({ id: "quick", triggers: [{ event: "e" }] }, () => "done")
    await expect(rig.conduit.cancel("run_nope")).rejects.toMatchObject({ code: "ERR_NOT_FOUND" })
    const { ids } = await rig.conduit.send({ name: "e" })
    await rig.conduit.functions.waitForRun(ids[0]!)
    await rig.conduit.cancel(ids[0]!)
    expect(await rig.conduit.getRun(ids[0]!)).toMatchObject({ state: "completed", result: "done" })
  })
})
