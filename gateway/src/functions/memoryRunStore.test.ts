import { describe, expect, it } from "vitest"
import { createMemoryRunStore } from "./memoryRunStore.ts"
import type { RunRecord } from "./RunStore.ts"

const record = (runId: string, state: RunRecord["state"] = "queued"): RunRecord => ({
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

describe("memory run store", () => {
  it("hands out copies: changing a returned record changes nothing stored", async () => {
    const store = createMemoryRunStore()
    await store.createRun(record("r1"))
    const got = (await store.getRun("r1"))!
    got.channels.push("mutated")
    expect((await store.getRun("r1"))!.channels).toEqual([])
  })

  it("merges patches, unions channels, and keeps a cancel flag a later patch does not mention", async () => {
    const store = createMemoryRunStore()
    await store.createRun(record("r1"))
    await store.addChannels("r1", ["a", "b"])
    await store.addChannels("r1", ["b", "c"])
    expect(await store.requestCancel("r1")).toBe(true)
    expect(await store.requestCancel("nope")).toBe(false)
    const updated = await store.updateRun("r1", { state: "running", attempt: 1 })
    expect(updated).toMatchObject({ state: "running", attempt: 1, channels: ["a", "b", "c"], cancelRequested: true })
  })

  it("memoizes steps per run as JSON", async () => {
    const store = createMemoryRunStore()
    await store.createRun(record("r1"))
    await store.putStep("r1", "s", { kind: "run", done: true, result: { at: "x" } })
    expect(await store.getStep("r1", "s")).toEqual({ kind: "run", done: true, result: { at: "x" } })
    expect(await store.getStep("r1", "other")).toBeUndefined()
    await expect(store.putStep("nope", "s", { kind: "run", done: true })).rejects.toMatchObject({ code: "ERR_NOT_FOUND" })
  })

  it("forgets the oldest finished runs past maxRuns, never unfinished ones", async () => {
    const store = createMemoryRunStore({ maxRuns: 2 })
    await store.createRun(record("old-running", "running"))
    await store.createRun(record("old-done", "completed"))
    await store.createRun(record("new"))
    expect(await store.getRun("old-done")).toBeUndefined()
    expect(await store.getRun("old-running")).toBeDefined()
    expect(await store.getRun("new")).toBeDefined()
  })
})
