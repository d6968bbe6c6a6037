import { cancelledError } from "./retryPolicy.ts"
import type { RunStore } from "./RunStore.ts"

/**
 * While a run executes, reads its record every `intervalMs` and aborts
 * `abort` once the cancel flag is set: a cancel from any process reaches the
 * handler's `signal` within the interval. Returns the function that stops it.
 */
export function watchCancel(store: RunStore, runId: string, intervalMs: number, abort: AbortController): () => void {
  const timer = setInterval(() => {
    store.getRun(runId).then(
      (run) => run?.cancelRequested && abort.abort(cancelledError(runId)),
      () => {}, // a store blip: the next look, or the next step boundary, sees it
    )
  }, intervalMs)
  return () => clearInterval(timer)
}
