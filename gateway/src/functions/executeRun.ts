import { assertChannelName, ConduitError, ErrorCode, type FinishedRunStatus, isConduitError, isFinishedRunStatus } from "@conduit/shared"
import { createStepTools } from "./createStepTools.ts"
import type { FunctionConfig, FunctionHandler } from "./FunctionConfig.ts"
import { isRetriable, toRunError } from "./retryPolicy.ts"
import { retrying } from "./retrying.ts"
import { RunLifecycle, type RunPublisher } from "./runLifecycle.ts"
import type { RunError, RunPatch, RunRecord, RunStore } from "./RunStore.ts"
import { toJson } from "./toJson.ts"

/** What running a run needs; the runtime passes its options through. */
export interface ExecuteDeps {
  store: RunStore
  publisher: RunPublisher
  /** Delay before retry `n` (1 before the second attempt), ms; also spaces retried bookkeeping. */
  retryDelay(retry: number): number
  sleep(ms: number, signal: AbortSignal): Promise<void>
  now(): number
  /** A store call retried through a blip. */
  durably<T>(fn: () => Promise<T>): Promise<T>
}

/** What a queue does after one execution of a run. */
export type ExecutionOutcome =
  /** Finished (completed, failed, cancelled; recorded and announced), or nothing left to do. */
  | { kind: "ended" }
  /** The attempt failed and may be retried: run the handler again after `delayMs`. */
  | { kind: "retry"; delayMs: number }
  /**
   * Parked (`$run waiting` sent): run it again at `until`, or sooner when
   * woken. `recheck` says whether a wake-up (event, cancel) may have come
   * while the queue was parking it, and it should go on at once.
   */
  | { kind: "park"; until: number; recheck(): Promise<boolean> }

export interface Runnable {
  config: FunctionConfig<any>
  handler: FunctionHandler<any, unknown>
}

/**
 * One execution of a run: the handler from the top, memoized steps returning
 * their results. An execution begins a new attempt unless the run was parked
 * (then it goes on with the same attempt); one that finds the run `running`
 * follows an attempt whose process died, and counts as the next attempt.
 */
export async function executeRun(runnable: Runnable, runId: string, signal: AbortSignal, deps: ExecuteDeps): Promise<ExecutionOutcome> {
  const { store, durably } = deps
  let run = await durably(() => store.getRun(runId))
  // A job for a run the store no longer has (expired) or one already over: nothing to do.
  if (!run || isFinishedRunStatus(run.state)) return { kind: "ended" }
  const patch = (changes: RunPatch) => durably(() => store.updateRun(runId, { ...changes, updatedAt: new Date(deps.now()).toISOString() }))

  if (run.attempt === 0) {
    const declared = runnable.config.channels?.({ event: run.event, runId }) ?? []
    const channels = declared.map((c) => assertChannelName(typeof c === "string" ? c : c.name))
    if (channels.length > 0) await durably(() => store.addChannels(runId, channels))
    run = { ...run, channels: [...new Set([...run.channels, ...channels])] }
  }
  const lifecycle = new RunLifecycle(deps.publisher, store, runId, run.functionId, run.channels)
  if (run.attempt > 0) lifecycle.continueAttempt(run.attempt)

  async function end(state: FinishedRunStatus, detail: { result?: unknown; error?: RunError }): Promise<ExecutionOutcome> {
    try {
      const tries = Math.max(3, run!.maxAttempts)
      await retrying(() => lifecycle.finish({ status: state, ...detail }), { tries, delay: deps.retryDelay, sleep: deps.sleep })
    } catch (error) {
      // A result too big (or otherwise refused) for `$run completed`: the run fails, and says why.
      if (state === "completed" && !isRetriable(error)) return end("failed", { error: toRunError(error) })
      throw error
    }
    await patch({ state, ...detail, waiting: null })
    // Ended while parked in a wait (a cancel): senders must stop delivering to it.
    const parkedOn = run!.state === "waiting" ? run!.waiting : undefined
    if (parkedOn?.kind === "event") await durably(() => store.removeWaiter(parkedOn.event, runId, parkedOn.step))
    return { kind: "ended" }
  }

  if (run.cancelRequested || signal.aborted) return end("cancelled", {})
  const continuing = run.state === "waiting"
  const attempt = continuing ? run.attempt : run.attempt + 1
  if (attempt > run.maxAttempts) {
    const message = `attempt ${run.attempt} was interrupted (its process stopped) and no retries are left`
    return end("failed", { error: { code: ErrorCode.RUN_FAILED, message } })
  }
  const startedAs = run
  if (!continuing) run = await patch({ state: "running", attempt, waiting: null })
  const tools = createStepTools({ run: startedAs, store, publisher: deps.publisher, lifecycle, signal, now: deps.now, durably })
  let outcome: { ok: true; value: unknown } | { ok: false; error: unknown }
  try {
    if (!continuing) await lifecycle.startAttempt(attempt)
    const value = await runnable.handler({ event: run.event, step: tools.step, publish: tools.publish, runId, attempt, signal })
    outcome = { ok: true, value }
  } catch (error) {
    outcome = { ok: false, error }
  }
  // A stream the handler left running ends before the run's status does (aborted when the attempt failed).
  await tools.streams.settle(!outcome.ok)

  const parked = tools.parked()
  if (parked) return { kind: "park", until: parked.until, recheck: () => wokenWhileParking(store, runId, parked.waiting) }
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
  // A failure after the run went on from a wait: the next execution must count as a new attempt.
  if (continuing) await patch({ state: "running", waiting: null })
  return { kind: "retry", delayMs: deps.retryDelay(attempt) }
}

function isCancel(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (isConduitError(error) && error.code === ErrorCode.RUN_CANCELLED)
}

async function wokenWhileParking(store: RunStore, runId: string, waiting: { kind: string; step: string }): Promise<boolean> {
  if ((await store.getRun(runId))?.cancelRequested) return true
  if (waiting.kind !== "event") return false
  return ((await store.getStep(runId, waiting.step))?.inbox?.length ?? 0) > 0
}

/** ERR_NOT_FOUND for a run id the store does not know. */
export function notFound(runId: string): ConduitError {
  return new ConduitError(ErrorCode.NOT_FOUND, `no run ${runId}`, { details: { runId } })
}
