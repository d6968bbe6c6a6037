import type { Envelope } from "@conduit/shared"
import { describe, expect, it } from "vitest"
import { runChanges } from "./runChanges.ts"

const run = (data: unknown): Envelope => ({ id: "3-0", channel: "c", topic: "$run", data, createdAt: "", runId: "r1", kind: "run" })

describe("runChanges", () => {
  it("a run going on: its status, not an end", () => {
    expect(runChanges(run({ status: "running" }))).toEqual({ changes: { lastEventId: "3-0", runStatus: "running" }, ends: false })
    expect(runChanges(run({ status: "waiting" })).ends).toBe(false)
  })

  it("the ends: the result of a completed run, ERR_RUN_FAILED with the cause for a failed one", () => {
    expect(runChanges(run({ status: "completed", result: { n: 1 } }))).toEqual({
      changes: { lastEventId: "3-0", runStatus: "completed", result: { n: 1 } },
      ends: true,
    })
    const failed = runChanges(run({ status: "failed", error: { name: "Error", message: "boom" } }))
    expect(failed.ends).toBe(true)
    expect(failed.changes.error).toMatchObject({ code: "ERR_RUN_FAILED", message: "boom", details: { runId: "r1", cause: { message: "boom" } } })
    expect(runChanges(run({ status: "cancelled" })).ends).toBe(true)
  })
})
