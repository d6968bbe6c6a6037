import type { RunStatus, RunWaiting } from "@conduit/shared"

/** Where a run is: queued for its first attempt, or one of the `$run` statuses (`waiting`: parked on a sleep or an event). */
export type RunState = "queued" | Exclude<RunStatus, "unknown">

/** `{ code, message }`: how a failure is recorded and sent in `$run` data. */
export interface RunError {
  code: string
  message: string
}

/** The event that started a run, as `conduit.send` received it. */
export interface RunEvent<TData = unknown> {
  /** Unique per `send` call (`evt_…`). */
  id: string
  name: string
  data: TData
  /** Unix ms when `send` accepted it. */
  ts: number
}

/**
 * Everything the runtime knows about a run. Plain JSON, so a shared backend
 * (Redis) can hold it and any node can read it.
 */
export interface RunRecord {
  runId: string
  functionId: string
  event: RunEvent
  state: RunState
  /** Attempts started so far: 0 while queued, 1 during the first. */
  attempt: number
  /** `retries + 1`. */
  maxAttempts: number
  /** Channels that get `$run` messages: declared ones plus every channel a publish touched. */
  channels: string[]
  /** The handler's return value (JSON), once `completed`. */
  result?: unknown
  /** Set once `failed` (or `cancelled`). */
  error?: RunError
  /** `conduit.cancel` was called: the run stops at its next step boundary. */
  cancelRequested: boolean
  /** While `waiting`: the step it is parked on; null (or absent) otherwise. */
  waiting?: RunWaiting | null
  /** ISO 8601. */
  createdAt: string
  updatedAt: string
}

/** What a finished step left behind, memoized per run and step id. */
export interface StepRecord {
  kind: "run" | "sleep" | "publish" | "wait" | "stream"
  /** Whether the step finished; a started sleep or wait is stored unfinished with its wake time. */
  done: boolean
  /** `step.run`'s return value, `{ id }` of a durable publish, the event a wait received (null at its timeout), a stream's `RunStreamResult`. Absent for `undefined`. */
  result?: unknown
  /** Unix ms a `step.sleep` ends, or a `step.waitForEvent` times out. */
  wakeAt?: number
  /** `step.waitForEvent`: the event name awaited. */
  event?: string
  /** `step.waitForEvent`: events of that name delivered while it waits, oldest first (the run checks its `match`). */
  inbox?: RunEvent[]
}

/** Events kept per waiting step: a run matching with a function may be sent many it does not want. */
export const MAX_INBOX = 100

/**
 * A run parked in `step.waitForEvent`, as `send` finds it by event name. With
 * a string `match`, `path` and `value` let the sender skip events that cannot
 * match; with a function, every event of the name is delivered and the run decides.
 */
export interface Waiter {
  runId: string
  stepId: string
  functionId: string
  event: string
  path?: string
  /** The triggering event's value at `path` (JSON). */
  value?: unknown
}

/** Fields of a run the runtime changes after creating it. `channels` and the cancel flag have their own calls. */
export type RunPatch = Partial<Pick<RunRecord, "state" | "attempt" | "result" | "error" | "updatedAt" | "waiting">>

/**
 * Run state behind an interface so it can live outside the process.
 * Everything crossing it is JSON, and every call is async: the memory store
 * is the default, a Redis one can hold the same records (hash per run, hash
 * per run's steps, a set of channels) and let any node cancel or resume a run.
 *
 * Updates are field merges, never read-modify-write of the whole record, so a
 * cancel from another node is never overwritten by the node running the run.
 */
export interface RunStore {
  /** Records a new run; ERR_RUN_EXISTS when the store holds its id already. */
  createRun(record: RunRecord): Promise<void>
  getRun(runId: string): Promise<RunRecord | undefined>
  /** Merges `patch` into the run; resolves with the updated record. */
  updateRun(runId: string, patch: RunPatch): Promise<RunRecord>
  /** Adds channels to the run's set (a union: order of first touch, no duplicates). */
  addChannels(runId: string, channels: readonly string[]): Promise<void>
  /** Sets the cancel flag. Resolves false when the run is unknown. */
  requestCancel(runId: string): Promise<boolean>
  getStep(runId: string, stepId: string): Promise<StepRecord | undefined>
  putStep(runId: string, stepId: string, record: StepRecord): Promise<void>
  /**
   * Appends `event` to the inbox of an unfinished wait step, atomically with
   * the check. Resolves false (nothing stored) when the run or the step is
   * unknown or the wait already ended.
   */
  deliverEvent(runId: string, stepId: string, event: RunEvent): Promise<boolean>
  /** Drops the oldest `count` events of a wait step's inbox: the run checked them and wants none. */
  dropInbox(runId: string, stepId: string, count: number): Promise<void>
  /** Records a wait so that `waitersOf(waiter.event)` finds it. */
  addWaiter(waiter: Waiter): Promise<void>
  removeWaiter(event: string, runId: string, stepId: string): Promise<void>
  waitersOf(event: string): Promise<Waiter[]>
}
