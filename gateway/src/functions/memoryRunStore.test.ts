import { describe, expect, it } from "vitest"
import { createMemoryRunStore } from "./memoryRunStore.ts"
import { runRecord, runStoreContract } from "../testing/runStoreContract.ts"

describe("memory run store", () => {
  runStoreContract(() => ({ store: createMemoryRunStore(), id: (name) => name }))

  it("forgets the oldest finished runs past maxRuns, never unfinished ones", async () => {
    const store = createMemoryRunStore({ maxRuns: 2 })
    await store.createRun(runRecord("old-running", "running"))
    await store.createRun(runRecord("old-done", "completed"))
    await store.createRun(runRecord("new"))
    expect(await store.getRun("old-done")).toBeUndefined()
    expect(await store.getRun("old-running")).toBeDefined()
    expect(await store.getRun("new")).toBeDefined()
  })
})
