import type { ExecutionOutcome } from "./executeRun.ts"

/** One function's worker: what a queue calls to execute its runs. */
export interface RunWorker {
  functionId: string
  /** Event names that start a run. */
  triggers: readonly string[]
  retries: number
  /** Executions of this function at once in this process. */
  concurrency: number
  /** One execution of a run. */
  execute(runId: string): Promise<ExecutionOutcome>
}

/**
 * Where runs wait for their next execution and who executes them: in-process
 * timers (`createLocalRunQueue`), or BullMQ jobs any node can take
 * (`createBullmqRunQueue`). It never runs two executions of one run at once.
 */
export interface RunQueue {
  /** Starts executing runs of a function in this process. */
  work(worker: RunWorker): Promise<void>
  /** The functions an event starts: registered here or, with a shared queue, on any node. */
  functionsFor(eventName: string): Promise<Array<{ id: string; retries: number }>>
  /** Schedules the first execution of a recorded run. */
  enqueue(functionId: string, runId: string, maxAttempts: number): Promise<void>
  /** Runs a parked or backing-off run now (an event or a cancel for it came); no-op otherwise. */
  wake(functionId: string, runId: string): Promise<void>
  /** Stops taking executions (BullMQ: after the current ones finish). */
  close(): Promise<void>
}
