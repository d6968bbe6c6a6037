import { ConduitError, type Envelope, ErrorCode, isFinishedRunStatus, type RunEventData, type RunStatus } from "@conduit/shared"
import type { SnapshotChanges } from "./snapshotDraft.ts"

/**
 * What a `$run` message changes in the snapshot: `runStatus`, the result of a
 * completed run, ERR_RUN_FAILED for a failed one; `ends` when no later `$run`
 * of the run follows.
 */
export function runChanges(envelope: Envelope): { changes: SnapshotChanges; ends: boolean } {
  const run = envelope.data as RunEventData
  const changes: SnapshotChanges = { lastEventId: envelope.id, runStatus: run.status as RunStatus }
  if (run.status === "completed") changes.result = run.result
  if (run.status === "failed") {
    const message = run.error?.message ?? "the run failed"
    changes.error = new ConduitError(ErrorCode.RUN_FAILED, message, { details: { runId: envelope.runId, cause: run.error } })
  }
  return { changes, ends: isFinishedRunStatus(run.status) }
}
