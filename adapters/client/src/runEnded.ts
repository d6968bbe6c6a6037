import type { RunStatus } from "@conduit/shared"

const TERMINAL = new Set<string>(["completed", "failed", "cancelled"])

/** A run status no later `$run` of the same run follows. */
export function runEnded(status: RunStatus): boolean {
  return TERMINAL.has(status)
}
