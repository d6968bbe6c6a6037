import type { RunStatus } from "./envelope.ts"

/** A status a `$run` message carries (`unknown` is only the client's, before any arrived). */
export type RunEventStatus = Exclude<RunStatus, "unknown">
/** The statuses of a run that is over: no later `$run` of it follows. */
export type FinishedRunStatus = "completed" | "failed" | "cancelled"

/** Every status a `$run` message may carry, in lifecycle order. */
export const RUN_STATUSES: readonly RunEventStatus[] = ["running", "waiting", "completed", "failed", "cancelled"]
const FINISHED: ReadonlySet<string> = new Set<FinishedRunStatus>(["completed", "failed", "cancelled"])
const STATUSES: ReadonlySet<unknown> = new Set(RUN_STATUSES)

export function isRunEventStatus(value: unknown): value is RunEventStatus {
  return STATUSES.has(value)
}

/** Whether a run in this status (or run store state) is over. */
export function isFinishedRunStatus(status: string): status is FinishedRunStatus {
  return FINISHED.has(status)
}
