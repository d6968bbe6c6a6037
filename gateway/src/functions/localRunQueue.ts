import type { ExecutionOutcome } from "./executeRun.ts"
import type { RunQueue, RunWorker } from "./RunQueue.ts"

export interface LocalRunQueueOptions {
  sleep(ms: number, signal: AbortSignal): Promise<void>
  now(): number
  /** Delay before executing again after an execution threw (its store was unreachable), n = 1, 2, … */
  retryDelay(n: number): number
  onError(error: unknown, runId: string): void
  /** This process gave up on a run (its executions kept throwing). */
  onDropped(runId: string): void
}

interface Entry {
  runId: string
  functionId: string
  /** An execution is running (or waiting for a slot). */
  active: boolean
  /** A wake-up came while active: execute again as soon as it parks. */
  woken: boolean
  timer?: AbortController
  /** Executions in a row that threw. */
  failures: number
}

interface Slots {
  worker: RunWorker
  busy: number
  queued: Array<() => void>
}

// Executions that throw (a store down beyond the runtime's own retries) are tried this often, then reported and dropped.
const MAX_FAILURES = 5

/**
 * The embedded default: runs wait on timers in this process. Same outcomes
 * as the BullMQ queue (retry after a delay, park until a time or a wake-up),
 * without surviving the process.
 */
export function createLocalRunQueue(options: LocalRunQueueOptions): RunQueue {
  const workers = new Map<string, Slots>()
  const runs = new Map<string, Entry>()
  let closed = false

  async function slot(slots: Slots): Promise<void> {
    if (slots.busy < slots.worker.concurrency) {
      slots.busy++
      return
    }
    await new Promise<void>((resolve) => slots.queued.push(resolve))
  }
  function release(slots: Slots): void {
    const next = slots.queued.shift()
    if (next) next()
    else slots.busy--
  }

  function later(entry: Entry, ms: number): void {
    const timer = new AbortController()
    entry.timer = timer
    options.sleep(Math.max(0, ms), timer.signal).then(
      // Aborted (a wake ran it already, or the queue closed): the sleep may resolve early or reject.
      () => entry.timer === timer && !timer.signal.aborted && void execute(entry),
      () => {},
    )
  }

  async function execute(entry: Entry): Promise<void> {
    entry.timer = undefined
    entry.active = true
    entry.woken = false
    const slots = workers.get(entry.functionId)!
    await slot(slots)
    let outcome: ExecutionOutcome
    try {
      outcome = await slots.worker.execute(entry.runId)
      entry.failures = 0
    } catch (error) {
      options.onError(error, entry.runId)
      entry.failures++
      outcome = entry.failures >= MAX_FAILURES ? { kind: "ended" } : { kind: "retry", delayMs: options.retryDelay(entry.failures) }
    } finally {
      release(slots)
      entry.active = false
    }
    if (closed) return
    if (entry.failures >= MAX_FAILURES) options.onDropped(entry.runId)
    if (outcome.kind === "ended") runs.delete(entry.runId)
    else if (outcome.kind === "retry") later(entry, outcome.delayMs)
    else if (entry.woken) void execute(entry)
    else later(entry, outcome.until - options.now())
  }

  return {
    async work(worker) {
      workers.set(worker.functionId, { worker, busy: 0, queued: [] })
    },
    async functionsFor(eventName) {
      return [...workers.values()].filter((s) => s.worker.triggers.includes(eventName)).map((s) => ({ id: s.worker.functionId, retries: s.worker.retries }))
    },
    async enqueue(functionId, runId) {
      const entry: Entry = { runId, functionId, active: false, woken: false, failures: 0 }
      runs.set(runId, entry)
      void execute(entry)
    },
    async wake(_functionId, runId) {
      const entry = runs.get(runId)
      if (!entry) return
      if (entry.active) {
        entry.woken = true
        return
      }
      entry.timer?.abort()
      void execute(entry)
    },
    async close() {
      closed = true
      for (const entry of runs.values()) entry.timer?.abort()
    },
  }
}
