import { expect, it } from "vitest"
import type { RunRecord, RunStore } from "../functions/RunStore.ts"

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
    await expect(store.createRun(runRecord(id("r1")))).rejects.toMatchObject({ code: "ERR_CONFIG" })
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
}
