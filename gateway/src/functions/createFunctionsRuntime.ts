import { randomBytes } from "node:crypto"
import { assertChannelName, ConduitError, ErrorCode } from "@conduit/shared"
import { abortableSleep } from "./abortableSleep.ts"
import { executeRun } from "./executeRun.ts"
import type { ConduitFunction, FunctionConfig, FunctionHandler, SendEvent } from "./FunctionConfig.ts"
import { createMemoryRunStore } from "./memoryRunStore.ts"
import { cancelledError, exponentialBackoff } from "./retryPolicy.ts"
import type { RunPublisher } from "./runLifecycle.ts"
import type { RunEvent, RunRecord, RunStore } from "./RunStore.ts"
import { toJson } from "./toJson.ts"

export interface FunctionsRuntimeOptions {
  /** Where runs and memoized steps live. @default createMemoryRunStore() */
  store?: RunStore
  /** Delay before retry `n` (n = 1 before the second attempt), ms. @default exponentialBackoff() (1 s, 2 s, 4 s, … ≤ 60 s, jittered) */
  retryDelay?: (retry: number) => number
  /** The timer behind `step.sleep` and backoff; rejects when `signal` aborts. @default setTimeout-based */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  /** Clock, unix ms. @default Date.now */
  now?: () => number
  /** Errors no subscriber can be told about (a terminal `$run` the gateway kept refusing). @default console.error */
  onError?: (error: unknown, runId: string) => void
}

/** Functions, events and runs of one `Conduit`. */
export interface FunctionsRuntime {
  createFunction<TData = Record<string, any>, TResult = unknown>(
    config: FunctionConfig<TData>,
    handler: FunctionHandler<TData, TResult>,
  ): ConduitFunction
  /** Starts one run per function the event triggers; resolves with their run ids once recorded. */
  send(event: SendEvent | readonly SendEvent[]): Promise<{ ids: string[] }>
  /** Asks a run to stop: it ends `cancelled` at its next step boundary (at once while sleeping or backing off). */
  cancel(runId: string): Promise<void>
  getRun(runId: string): Promise<RunRecord | undefined>
  /**
   * Takes over an unfinished run that no process is executing any more (its
   * node died), from a shared store: the next attempt starts here, memoized
   * steps are not repeated, durable publishes a dead node sent but never
   * memoized are dropped by the gateway as repeats. No-op for a finished run.
   */
  resume(runId: string): Promise<void>
  /** The final record of a run executing in this process; the stored record otherwise. */
  waitForRun(runId: string): Promise<RunRecord>
}

interface Registered {
  fn: ConduitFunction
  config: FunctionConfig<any>
  handler: FunctionHandler<any, unknown>
}

const DEFAULT_RETRIES = 3
const FINISHED = new Set(["completed", "failed", "cancelled"])
const idOf = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url")}`

/** The functions runtime behind `conduit.createFunction` / `send` / `cancel`. */
export function createFunctionsRuntime(publisher: RunPublisher, options: FunctionsRuntimeOptions = {}): FunctionsRuntime {
  const store = options.store ?? createMemoryRunStore()
  const deps = {
    store,
    publisher,
    retryDelay: options.retryDelay ?? exponentialBackoff(),
    sleep: options.sleep ?? abortableSleep,
    now: options.now ?? Date.now,
    onError: options.onError ?? ((error: unknown, runId: string) => console.error(`conduit: run ${runId}:`, error)),
  }
  const functions = new Map<string, Registered>()
  const active = new Map<string, { done: Promise<RunRecord | undefined>; abort: AbortController }>()

  function start(registered: Registered, runId: string): void {
    const abort = new AbortController()
    // Never rejects: nobody may be awaiting it. Only the store or a bug gets to the catch
    // (handler errors end the run); what the store knows is the answer then.
    const done = executeRun(registered.handler, runId, abort.signal, deps)
      .catch(async (error: unknown) => {
        deps.onError(error, runId)
        return store.getRun(runId).catch(() => undefined)
      })
      .finally(() => active.delete(runId))
    active.set(runId, { done, abort })
  }

  async function runsFor(event: SendEvent, ts: number): Promise<Array<{ registered: Registered; record: RunRecord }>> {
    if (typeof event?.name !== "string" || event.name.length === 0) {
      throw new ConduitError(ErrorCode.INVALID_BODY, "an event needs a name")
    }
    const triggered = [...functions.values()].filter((r) => r.fn.triggers.some((t) => t.event === event.name))
    if (triggered.length === 0) {
      throw new ConduitError(ErrorCode.UNKNOWN_FUNCTION, `no function is triggered by event "${event.name}"`, {
        details: { event: event.name },
      })
    }
    const json = toJson(event.data ?? {}, `data of event "${event.name}"`)
    const runEvent: RunEvent = { id: idOf("evt"), name: event.name, data: JSON.parse(json ?? "{}"), ts }
    const at = new Date(ts).toISOString()
    return triggered.map((registered) => {
      const runId = idOf("run")
      const declared = registered.config.channels?.({ event: runEvent, runId }) ?? []
      const channels = [...new Set(declared.map((c) => assertChannelName(typeof c === "string" ? c : c.name)))]
      const record: RunRecord = {
        runId,
        functionId: registered.fn.id,
        event: runEvent,
        state: "queued",
        attempt: 0,
        maxAttempts: registered.fn.retries + 1,
        channels,
        cancelRequested: false,
        createdAt: at,
        updatedAt: at,
      }
      return { registered, record }
    })
  }

  return {
    createFunction(config, handler) {
      if (typeof config?.id !== "string" || config.id.length === 0) throw new ConduitError(ErrorCode.CONFIG, "a function needs an id")
      if (functions.has(config.id)) {
        throw new ConduitError(ErrorCode.CONFIG, `a function with id "${config.id}" already exists`, { details: { functionId: config.id } })
      }
      if (!Array.isArray(config.triggers) || config.triggers.length === 0 || !config.triggers.every((t) => typeof t?.event === "string")) {
        throw new ConduitError(ErrorCode.CONFIG, `function "${config.id}" needs triggers: [{ event: "…" }]`)
      }
      const retries = config.retries ?? DEFAULT_RETRIES
      if (!Number.isInteger(retries) || retries < 0) {
        throw new ConduitError(ErrorCode.CONFIG, `function "${config.id}": retries must be a non-negative integer`)
      }
      const fn: ConduitFunction = Object.freeze({ id: config.id, triggers: Object.freeze([...config.triggers]), retries })
      functions.set(config.id, { fn, config, handler: handler as FunctionHandler<any, unknown> })
      return fn
    },

    async send(input) {
      const events = Array.isArray(input) ? input : [input as SendEvent]
      const ts = deps.now()
      // Everything is checked before any run is recorded: a bad event starts nothing.
      const runs = (await Promise.all(events.map((e) => runsFor(e, ts)))).flat()
      for (const { record } of runs) await store.createRun(record)
      for (const { registered, record } of runs) start(registered, record.runId)
      return { ids: runs.map((r) => r.record.runId) }
    },

    async cancel(runId) {
      if (!(await store.requestCancel(runId))) {
        throw new ConduitError(ErrorCode.NOT_FOUND, `no run ${runId}`, { details: { runId } })
      }
      active.get(runId)?.abort.abort(cancelledError(runId))
    },

    getRun: (runId) => store.getRun(runId),

    async resume(runId) {
      if (active.has(runId)) return
      const record = await store.getRun(runId)
      if (!record) throw new ConduitError(ErrorCode.NOT_FOUND, `no run ${runId}`, { details: { runId } })
      if (FINISHED.has(record.state)) return
      const registered = functions.get(record.functionId)
      if (!registered) {
        throw new ConduitError(ErrorCode.UNKNOWN_FUNCTION, `function "${record.functionId}" is not registered here`, {
          details: { functionId: record.functionId, runId },
        })
      }
      start(registered, runId)
    },

    async waitForRun(runId) {
      const record = await (active.get(runId)?.done ?? store.getRun(runId))
      if (!record) throw new ConduitError(ErrorCode.NOT_FOUND, `no run ${runId}`, { details: { runId } })
      return record
    },
  }
}
