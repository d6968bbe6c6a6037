import { randomBytes } from "node:crypto"
import { ConduitError, ErrorCode, isFinishedRunStatus, sleep as sleepFor } from "@conduit/shared"
import { checkFunctionConfig } from "./checkFunctionConfig.ts"
import { type BullmqRunQueueOptions, createBullmqRunQueue } from "./bullmqRunQueue.ts"
import { sameJson, valueAt } from "./eventMatch.ts"
import { type ExecuteDeps, executeRun, notFound, type Runnable } from "./executeRun.ts"
import type { ConduitFunction, FunctionConfig, FunctionHandler, SendEvent } from "./FunctionConfig.ts"
import { createLocalRunQueue } from "./localRunQueue.ts"
import { createMemoryRunStore } from "./memoryRunStore.ts"
import { createRedisRunStore } from "./redisRunStore.ts"
import { watchCancel } from "./watchCancel.ts"
import { cancelledError, exponentialBackoff } from "./retryPolicy.ts"
import { retrying } from "./retrying.ts"
import type { RunPublisher } from "./runLifecycle.ts"
import type { RunQueue } from "./RunQueue.ts"
import type { RunEvent, RunRecord, RunStore } from "./RunStore.ts"
import { toJson } from "./toJson.ts"

export interface FunctionsRuntimeOptions {
  /** Where runs and memoized steps live. @default a Redis store with `redis`, else createMemoryRunStore() */
  store?: RunStore
  /**
   * Redis mode: runs are BullMQ jobs in this Redis, every process that
   * registered a function is one of its workers, and a run outlives any of
   * them. `new Conduit({ gateway })` on a Redis gateway sets it for you.
   * @default none: runs wait on timers in this process
   */
  redis?: BullmqRunQueueOptions
  /** Delay before retry `n` (n = 1 before the second attempt), ms; also spaces retried bookkeeping. @default exponentialBackoff() (1 s, 2 s, 4 s, … ≤ 60 s, jittered) */
  retryDelay?: (retry: number) => number
  /**
   * The timer behind the in-process queue and retried bookkeeping. It may end
   * early when `signal` aborts, by resolving (the default's way) or rejecting:
   * the runtime checks the signal either way.
   * @default `sleep` of @conduit/shared (setTimeout-based)
   */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  /** Clock, unix ms. @default Date.now */
  now?: () => number
  /** How often an execution reads its run's cancel flag (a cancel from another process reaches it within this), ms. @default 250 */
  cancelPollMs?: number
  /** Errors no subscriber can be told about (a store down past every retry, a terminal `$run` the gateway kept refusing). @default console.error */
  onError?: (error: unknown, runId: string | undefined) => void
}

/** Functions, events and runs of one `Conduit` (or of a gateway, shared by its in-process Conduits). */
export interface FunctionsRuntime {
  createFunction<TData = Record<string, any>, TResult = unknown>(
    config: FunctionConfig<TData>,
    handler: FunctionHandler<TData, TResult>,
  ): ConduitFunction
  /**
   * Starts one run per function the event triggers and hands it to every run
   * waiting for it (`step.waitForEvent`); resolves with the started runs' ids.
   * ERR_UNKNOWN_FUNCTION when nothing is triggered and nothing waits for it.
   */
  send(event: SendEvent | readonly SendEvent[]): Promise<{ ids: string[] }>
  /** Asks a run to stop: it ends `cancelled` at once if parked, else within `cancelPollMs` or at its next step. */
  cancel(runId: string): Promise<void>
  getRun(runId: string): Promise<RunRecord | undefined>
  /** Resolves with the run's record once it finished (wherever it ran), or once this process gave up on it. */
  waitForRun(runId: string): Promise<RunRecord>
  /** Stops executing runs here (BullMQ: the worker finishes its current executions) and closes what it opened. */
  close(): Promise<void>
}

/** Tries of each store call the runtime makes (a blip must not fail a run). */
export const BOOKKEEPING_TRIES = 5
const idOf = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url")}`

/** The functions runtime behind `conduit.createFunction` / `send` / `cancel`. */
export function createFunctionsRuntime(publisher: RunPublisher, options: FunctionsRuntimeOptions = {}): FunctionsRuntime {
  const ownStore = options.store === undefined && options.redis ? createRedisRunStore({ url: options.redis.url, ...(options.redis.prefix === undefined ? {} : { prefix: options.redis.prefix }) }) : undefined
  const store = options.store ?? ownStore ?? createMemoryRunStore()
  const retryDelay = options.retryDelay ?? exponentialBackoff()
  const sleep = options.sleep ?? ((ms: number, signal: AbortSignal) => sleepFor(ms, signal).done)
  const now = options.now ?? Date.now
  const onError = options.onError ?? ((error: unknown, runId: string | undefined) => console.error(runId ? `conduit: run ${runId}:` : "conduit: functions:", error))
  const cancelPollMs = options.cancelPollMs ?? 250
  const deps: ExecuteDeps = {
    store,
    publisher,
    retryDelay,
    sleep,
    now,
    durably: (fn) => retrying(fn, { tries: BOOKKEEPING_TRIES, delay: retryDelay, sleep }),
  }
  const finished = new Map<string, Set<(dropped: boolean) => void>>()
  const notify = (runId: string, dropped = false) => {
    for (const resolve of [...(finished.get(runId) ?? [])]) resolve(dropped)
  }
  const queue: RunQueue = options.redis
    ? createBullmqRunQueue(options.redis, { retryDelay, onError })
    : createLocalRunQueue({ sleep, now, retryDelay, onError, onDropped: (runId) => notify(runId, true) })
  const functions = new Map<string, Runnable & { fn: ConduitFunction }>()
  const workersReady: Promise<void>[] = []
  // Executions in this process, for a cancel issued here.
  const active = new Map<string, AbortController>()

  async function execute(runnable: Runnable, runId: string) {
    const abort = new AbortController()
    active.set(runId, abort)
    const stopWatching = watchCancel(store, runId, cancelPollMs, abort)
    try {
      const outcome = await executeRun(runnable, runId, abort.signal, deps)
      if (outcome.kind === "ended") notify(runId)
      return outcome
    } finally {
      stopWatching()
      active.delete(runId)
    }
  }

  async function plan(event: SendEvent, ts: number) {
    if (typeof event?.name !== "string" || event.name.length === 0) {
      throw new ConduitError(ErrorCode.INVALID_BODY, "an event needs a name")
    }
    const json = toJson(event.data ?? {}, `data of event "${event.name}"`)
    const runEvent: RunEvent = { id: idOf("evt"), name: event.name, data: JSON.parse(json ?? "{}"), ts }
    const triggered = await queue.functionsFor(event.name)
    const waiting = await store.waitersOf(event.name)
    if (triggered.length === 0 && waiting.length === 0) {
      throw new ConduitError(ErrorCode.UNKNOWN_FUNCTION, `no function is triggered by event "${event.name}" and no run waits for it`, {
        details: { event: event.name },
      })
    }
    // A path match is checked here: a run is woken only by an event that can match.
    const waiters = waiting.filter((w) => w.path === undefined || sameJson(valueAt(runEvent, w.path), w.value))
    const at = new Date(ts).toISOString()
    const records = triggered.map(({ id, retries }): RunRecord => ({
      runId: idOf("run"),
      functionId: id,
      event: runEvent,
      state: "queued",
      attempt: 0,
      maxAttempts: retries + 1,
      channels: [],
      cancelRequested: false,
      createdAt: at,
      updatedAt: at,
    }))
    return { runEvent, records, waiters }
  }

  return {
    createFunction(config, handler) {
      const { retries, concurrency } = checkFunctionConfig(config)
      if (functions.has(config.id)) {
        throw new ConduitError(ErrorCode.CONFIG, `a function with id "${config.id}" already exists`, { details: { functionId: config.id } })
      }
      const triggers = Object.freeze([...config.triggers])
      const fn: ConduitFunction = Object.freeze({ id: config.id, triggers, retries, concurrency })
      const runnable = { fn, config, handler: handler as FunctionHandler<any, unknown> }
      functions.set(config.id, runnable)
      const ready = queue.work({
        functionId: fn.id,
        triggers: triggers.map((t) => t.event),
        retries,
        concurrency,
        execute: (runId) => execute(runnable, runId),
      })
      ready.catch((error: unknown) => onError(error, undefined))
      workersReady.push(ready)
      return fn
    },

    async send(input) {
      await Promise.allSettled(workersReady)
      const events = Array.isArray(input) ? input : [input as SendEvent]
      const ts = now()
      // Everything is checked before any run is recorded: a bad event starts nothing.
      const plans = await Promise.all(events.map((e) => plan(e, ts)))
      const records = plans.flatMap((p) => p.records)
      for (const record of records) await store.createRun(record)
      for (const record of records) await queue.enqueue(record.functionId, record.runId, record.maxAttempts)
      for (const { runEvent, waiters } of plans) {
        for (const w of waiters) {
          if (await store.deliverEvent(w.runId, w.stepId, runEvent)) await queue.wake(w.functionId, w.runId)
          else await store.removeWaiter(w.event, w.runId, w.stepId) // the wait ended without removing it (a crash)
        }
      }
      return { ids: records.map((r) => r.runId) }
    },

    async cancel(runId) {
      if (!(await store.requestCancel(runId))) throw notFound(runId)
      active.get(runId)?.abort(cancelledError(runId))
      const run = await store.getRun(runId)
      if (run && !isFinishedRunStatus(run.state)) await queue.wake(run.functionId, runId)
    },

    getRun: (runId) => store.getRun(runId),

    async waitForRun(runId) {
      for (;;) {
        const record = await store.getRun(runId).catch(() => null)
        if (record === undefined) throw notFound(runId)
        if (record && isFinishedRunStatus(record.state)) return record
        // Woken when an execution here ends the run (or this process gives up on it), else a look every 100 ms.
        const dropped = await new Promise<boolean>((resolve) => {
          const listeners = finished.get(runId) ?? new Set()
          finished.set(runId, listeners)
          const done = (gaveUp: boolean) => {
            clearTimeout(timer)
            listeners.delete(done)
            if (listeners.size === 0) finished.delete(runId)
            resolve(gaveUp)
          }
          const timer = setTimeout(() => done(false), 100)
          listeners.add(done)
        })
        if (dropped) return (await store.getRun(runId).catch(() => undefined)) ?? record ?? Promise.reject(notFound(runId))
      }
    },

    async close() {
      await queue.close()
      await ownStore?.close()
    },
  }
}
