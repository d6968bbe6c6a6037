import { ConduitError, ErrorCode, isConduitError } from "@conduit/shared"
import { createStepTools } from "./createStepTools.ts"
import type { FunctionHandler } from "./FunctionConfig.ts"
import { isRetriable, toRunError } from "./retryPolicy.ts"
import { RunLifecycle, type RunPublisher } from "./runLifecycle.ts"
import type { RunError, RunPatch, RunRecord, RunStore } from "./RunStore.ts"
import { toJson } from "./toJson.ts"

/** What running a run needs; the runtime passes its options through. */
export interface ExecuteDeps {
  store: RunStore
  publisher: RunPublisher
  /** Delay before retry `n` (1 before the second attempt), ms. */
  retryDelay(retry: number): number
  sleep(ms: number, signal: AbortSignal): Promise<void>
  now(): number
  /** Errors no subscriber can be told about (a terminal `$run` that could not be sent). */
  onError(error: unknown, runId: string): void
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown }

const never = new AbortController().signal

/**
 * Runs attempts until one completes, the error is not retriable, retries run
 * out, or the run is cancelled; records and announces the end. Resolves with
 * the final record.
 */
export async function executeRun(
  handler: FunctionHandler<any, unknown>,
  runId: string,
  signal: AbortSignal,
  deps: ExecuteDeps,
): Promise<RunRecord> {
  const { store } = deps
  let run = await mustGet(store, runId)
  const lifecycle = new RunLifecycle(deps.publisher, store, runId, run.functionId, run.channels)
  const finish = (patch: RunPatch & Pick<RunRecord, "state">) =>
    store.updateRun(runId, { ...patch, updatedAt: new Date(deps.now()).toISOString() })

  async function end(state: "completed" | "failed" | "cancelled", detail: { result?: unknown; error?: RunError }): Promise<RunRecord> {
    try {
      await withRetries(() => lifecycle.finish({ status: state, ...detail }), run.maxAttempts, deps)
    } catch (error) {
      // A result too big (or otherwise refused) for `$run completed`: the run fails, and says why.
      if (state === "completed" && !isRetriable(error)) return end("failed", { error: toRunError(error) })
      deps.onError(error, runId)
    }
    return finish({ state, ...detail })
  }

  for (;;) {
    if (run.cancelRequested || signal.aborted) return end("cancelled", {})
    const attempt = run.attempt + 1
    run = await store.updateRun(runId, { state: "running", attempt, updatedAt: new Date(deps.now()).toISOString() })
    const tools = createStepTools({ runId, store, publisher: deps.publisher, lifecycle, signal, sleep: deps.sleep, now: deps.now })
    let outcome: Outcome
    try {
      await lifecycle.startAttempt(attempt)
      const value = await handler({ event: run.event, step: tools.step, publish: tools.publish, runId, attempt, signal })
      outcome = { ok: true, value }
    } catch (error) {
      outcome = { ok: false, error }
    }

    if (tools.cancelObserved() || (!outcome.ok && isCancel(outcome.error, signal))) return end("cancelled", {})
    if (outcome.ok) {
      let json: string | undefined
      try {
        json = toJson(outcome.value, "the run's result")
      } catch (error) {
        return end("failed", { error: toRunError(error) })
      }
      return end("completed", json === undefined ? {} : { result: JSON.parse(json) })
    }
    if (!isRetriable(outcome.error) || attempt >= run.maxAttempts) return end("failed", { error: toRunError(outcome.error) })

    const delay = deps.retryDelay(attempt)
    try {
      if (delay > 0) await deps.sleep(delay, signal)
    } catch {
      return end("cancelled", {})
    }
    run = await mustGet(store, runId)
  }
}

function isCancel(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (isConduitError(error) && error.code === ErrorCode.RUN_CANCELLED)
}

async function mustGet(store: RunStore, runId: string): Promise<RunRecord> {
  const run = await store.getRun(runId)
  if (!run) throw new ConduitError(ErrorCode.NOT_FOUND, `no run ${runId}`, { details: { runId } })
  return run
}

/** Terminal `$run` messages are worth a few tries: their idempotency keys make repeats harmless. */
async function withRetries(fn: () => Promise<void>, maxAttempts: number, deps: ExecuteDeps): Promise<void> {
  const tries = Math.max(3, maxAttempts)
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      if (attempt >= tries || !isRetriable(error)) throw error
      const delay = deps.retryDelay(attempt)
      if (delay > 0) await deps.sleep(delay, never)
    }
  }
}
