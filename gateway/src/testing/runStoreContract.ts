import { expect, it } from "vitest"
import { MAX_INBOX, type RunRecord, type RunStore } from "../functions/RunStore.ts"

/** A fresh queued run record for store tests. */
export const runRecord = (runId: string, state: RunRecord["state"] = "queued"): RunRecord => ({
  runId,
  functionId: "f",
  event: { id: "evt_1", name: "e", data: {}, ts: 0 },
  state,
  attempt: 0,
  maxAttempts: 4,
  channels: [],
  cancelRequested: false,
  createdAt: "1970-01-01T00:00:00.000Z",
  updatedAt: "1970-01-01T00:00:00.000Z",
})

/**
 * What every RunStore must do, as tests: run inside a `describe` with a
 * factory of empty stores (run ids must be fresh per call where the store is shared).
 */
export function runStoreContract(fresh: () => { store: RunStore; id: (name: string) => string }): void {
  it("hands out copies: changing a returned record changes nothing stored", async () => {
    const { store, id } = fresh()
    await store.createRun(runRecord(id("r1")))
    const got = (await store.getRun(id("r1")))!
    got.channels.push("mutated")
    expect((await store.getRun(id("r1")))!.channels).toEqual([])
  })

  it("refuses to create a run twice and reports unknown runs", async () => {
    const { store, id } = fresh()
    await store.createRun(runRecord(id("r1")))
    await expect(store.createRun(runRecord(id("r1")))).rejects.toMatchObject({ code: "ERR_RUN_EXISTS" })
    expect(await store.getRun(id("nope"))).toBeUndefined()
    await expect(store.updateRun(id("nope"), { state: "running" })).rejects.toMatchObject({ code: "ERR_NOT_FOUND" })
    await expect(store.addChannels(id("nope"), ["a"])).rejects.toMatchObject({ code: "ERR_NOT_FOUND" })
  })

  it("merges patches, unions channels in first-touch order, and keeps a cancel flag a later patch does not mention", async () => {
    const { store, id } = fresh()
    await store.createRun(runRecord(id("r1")))
    await store.addChannels(id("r1"), ["a", "b"])
    await store.addChannels(id("r1"), ["b", "c"])
    expect(await store.requestCancel(id("r1"))).toBe(true)
    expect(await store.requestCancel(id("nope"))).toBe(false)
    const updated = await store.updateRun(id("r1"), { state: "running", attempt: 1, result: { n: [1, "x"] } })
    expect(updated).toMatchObject({ state: "running", attempt: 1, channels: ["a", "b", "c"], cancelRequested: true, result: { n: [1, "x"] } })
    expect(await store.getRun(id("r1"))).toEqual(updated)
  })

  it("memoizes steps per run as JSON", async () => {
    const { store, id } = fresh()
    await store.createRun(runRecord(id("r1")))
    await store.putStep(id("r1"), "s", { kind: "run", done: true, result: { at: "x" } })
    expect(await store.getStep(id("r1"), "s")).toEqual({ kind: "run", done: true, result: { at: "x" } })
    expect(await store.getStep(id("r1"), "other")).toBeUndefined()
    await expect(store.putStep(id("nope"), "s", { kind: "run", done: true })).rejects.toMatchObject({ code: "ERR_NOT_FOUND" })
  })

  it("delivers events to an unfinished wait step only, oldest first, and finds waiters by event name", async () => {
    const { store, id } = fresh()
    await store.createRun(runRecord(id("r1")))
    const event = (n: number) => ({ id: `evt_${n}`, name: "approved", data: { n, x: 0.1234567890123456 }, ts: 1_700_000_000_000 + n })
    expect(await store.deliverEvent(id("r1"), "w", event(0))).toBe(false) // no such step yet
    await store.putStep(id("r1"), "w", { kind: "wait", done: false, event: "approved", wakeAt: 5 })
    expect(await store.deliverEvent(id("r1"), "w", event(1))).toBe(true)
    expect(await store.deliverEvent(id("r1"), "w", event(2))).toBe(true)
    expect(await store.getStep(id("r1"), "w")).toEqual({ kind: "wait", done: false, event: "approved", wakeAt: 5, inbox: [event(1), event(2)] })
    await store.dropInbox(id("r1"), "w", 1)
    expect((await store.getStep(id("r1"), "w"))!.inbox).toEqual([event(2)])
    await store.dropInbox(id("r1"), "w", 1)
    expect((await store.getStep(id("r1"), "w"))!.inbox ?? []).toEqual([])
    await store.deliverEvent(id("r1"), "w", event(1))
    await store.putStep(id("r1"), "w", { kind: "wait", done: true, event: "approved", wakeAt: 5, result: event(1) })
    expect(await store.deliverEvent(id("r1"), "w", event(3))).toBe(false)
    expect(await store.getStep(id("r1"), "w")).toEqual({ kind: "wait", done: true, event: "approved", wakeAt: 5, result: event(1) })
    expect(await store.deliverEvent(id("nope"), "w", event(4))).toBe(false)
    // An inbox keeps the newest MAX_INBOX events.
    await store.putStep(id("r1"), "many", { kind: "wait", done: false, event: "approved", wakeAt: 5 })
    for (let n = 0; n <= MAX_INBOX; n++) await store.deliverEvent(id("r1"), "many", event(n))
    expect((await store.getStep(id("r1"), "many"))!.inbox!.map((e) => (e.data as { n: number }).n)).toEqual(Array.from({ length: MAX_INBOX }, (_, i) => i + 1))

    const waiter = { runId: id("r1"), stepId: "w", functionId: "f", event: id("approved"), path: "data.k", value: "v" }
    await store.addWaiter(waiter)
    await store.addWaiter({ ...waiter, stepId: "w2" })
    expect(await store.waitersOf(id("approved"))).toEqual(expect.arrayContaining([waiter, { ...waiter, stepId: "w2" }]))
    await store.removeWaiter(id("approved"), id("r1"), "w")
    expect(await store.waitersOf(id("approved"))).toEqual([{ ...waiter, stepId: "w2" }])
    expect(await store.waitersOf(id("other"))).toEqual([])
  })
}
