import { ConduitError, ErrorCode, isConduitError, type RunWaiting, type TopicRef, topicRefOf } from "@conduit/shared"
import { expectedValue, sameJson, valueAt } from "./eventMatch.ts"
import { isStreamSource, type StreamSource } from "../sdk/publishStream.ts"
import type { PublishMessage, RunPublish, RunStreamResult, Step, WaitForEventOptions } from "./FunctionConfig.ts"
import { ParkSignal } from "./parkSignal.ts"
import { parseDuration } from "./parseDuration.ts"
import { cancelledError } from "./retryPolicy.ts"
import type { RunLifecycle, RunPublisher } from "./runLifecycle.ts"
import { RunStreams } from "./runStreams.ts"
import type { RunEvent, RunPatch, RunRecord, RunStore, StepRecord } from "./RunStore.ts"
import { toJson } from "./toJson.ts"

/** What the step tools of one execution need. */
export interface AttemptScope {
  /** The run as this execution found it. */
  run: RunRecord
  store: RunStore
  publisher: RunPublisher
  lifecycle: RunLifecycle
  /** Aborted by `cancel` (this node, or seen in the store by the cancel watch). */
  signal: AbortSignal
  now(): number
  /** A store call retried through a blip: bookkeeping must not fail the run. */
  durably<T>(fn: () => Promise<T>): Promise<T>
}

export interface StepTools {
  step: Step
  publish: RunPublish
  /** True once a step boundary saw the run cancelled (even if the handler caught the error). */
  cancelObserved(): boolean
  /** Set once a step parked the run (even if the handler caught the signal). */
  parked(): ParkSignal | undefined
  /** Streams this execution published: waited for (aborted first, when it failed) once the handler returned. */
  streams: RunStreams
}

// runId:stepId must fit the gateway's 256-character idempotency key.
const MAX_STEP_ID = 160

/**
 * The `step` object and `publish` of one execution. Every step is a boundary:
 * before it (and after it finished and was memoized) a cancelled run throws
 * ERR_RUN_CANCELLED. Memoized steps return their stored result; a step's
 * result is stored (the write retried) before the step returns.
 */
export function createStepTools(scope: AttemptScope): StepTools {
  const { run, store, publisher, lifecycle, signal, durably } = scope
  const { runId } = run
  const seen = new Map<string, number>()
  const streams = new RunStreams(publisher, runId, signal)
  let cancelled = false
  let parkedOn: ParkSignal | undefined
  // The step this execution was woken for: once past it, subscribers hear `running` again.
  let parkedAt = run.state === "waiting" ? run.waiting?.step : undefined

  function stepIdOf(id: string): string {
    if (typeof id !== "string" || id.length === 0 || id.length > MAX_STEP_ID) {
      throw new ConduitError(ErrorCode.INVALID_BODY, `step id must be a string of 1-${MAX_STEP_ID} characters`)
    }
    // Same id twice in one attempt (a loop): number the repeats, the same way on every attempt.
    const n = (seen.get(id) ?? 0) + 1
    seen.set(id, n)
    return n === 1 ? id : `${id}:${n}`
  }

  async function boundary(): Promise<void> {
    if (parkedOn) throw parkedOn
    if (signal.aborted || (await durably(() => store.getRun(runId)))?.cancelRequested) {
      cancelled = true
      throw cancelledError(runId)
    }
  }

  async function memo(stepId: string, kind: StepRecord["kind"]): Promise<StepRecord | undefined> {
    await boundary()
    const record = await durably(() => store.getStep(runId, stepId))
    if (record && record.kind !== kind) {
      throw new ConduitError(ErrorCode.RUN_FAILED, `step "${stepId}" was a ${record.kind} step on an earlier attempt, now a ${kind} step: step ids must be stable`, {
        details: { stepId },
      })
    }
    if (record?.done) await goneOn(stepId)
    return record
  }

  const patch = (changes: RunPatch) => durably(() => store.updateRun(runId, { ...changes, updatedAt: new Date(scope.now()).toISOString() }))

  /** Past the step the run was parked on: `running` again, once. */
  async function goneOn(stepId: string): Promise<void> {
    if (parkedAt !== stepId) return
    parkedAt = undefined
    await patch({ state: "running", waiting: null })
    await lifecycle.resumed(stepId)
  }

  async function finishStep(stepId: string, record: StepRecord): Promise<void> {
    await durably(() => store.putStep(runId, stepId, record))
    await goneOn(stepId)
  }

  async function park(until: number, waiting: RunWaiting): Promise<never> {
    await lifecycle.waiting(waiting)
    await patch({ state: "waiting", waiting })
    parkedOn = new ParkSignal(until, waiting)
    throw parkedOn
  }

  async function send(topic: TopicRef, data: unknown, stepId?: string): Promise<{ id: string }> {
    await lifecycle.touch(topic.channel)
    const options = stepId === undefined ? { runId } : { runId, idempotencyKey: `${runId}:${stepId}` }
    try {
      return await publisher.publish(topic, data, options)
    } catch (error) {
      if (stepId === undefined || !isConduitError(error)) throw error
      throw new ConduitError(error.code, `step "${stepId}": ${error.message}`, {
        details: { ...error.details, stepId, channel: topic.channel },
        cause: error,
      })
    }
  }

  async function waitForEvent(id: string, options: WaitForEventOptions): Promise<RunEvent | null> {
    const stepId = stepIdOf(id)
    const { event, match } = options ?? {}
    if (typeof event !== "string" || event.length === 0) {
      throw new ConduitError(ErrorCode.INVALID_BODY, `step "${stepId}": waitForEvent needs { event: "…", timeout }`)
    }
    if (match !== undefined && typeof match !== "string" && typeof match !== "function") {
      throw new ConduitError(ErrorCode.INVALID_BODY, `step "${stepId}": match must be a path like "data.postId" or a function`)
    }
    const timeoutMs = parseDuration(options.timeout, `step "${stepId}": timeout`)
    let record = await memo(stepId, "wait")
    if (record?.done) return (record.result ?? null) as RunEvent | null
    if (!record) {
      const expected = typeof match === "string" ? { path: match, value: expectedValue(run.event, match, stepId) } : {}
      record = { kind: "wait", done: false, event, wakeAt: scope.now() + timeoutMs }
      await durably(() => store.putStep(runId, stepId, record!))
      await durably(() => store.addWaiter({ runId, stepId, functionId: run.functionId, event, ...expected }))
    }
    const matches = (e: RunEvent) =>
      match === undefined ? true : typeof match === "string" ? sameJson(valueAt(e, match), valueAt(run.event, match)) : match(e)
    const inbox = record.inbox ?? []
    const found = inbox.find(matches) ?? (scope.now() >= record.wakeAt! ? null : undefined)
    if (found === undefined) {
      // None of them will do: forget them, so that only a new event wakes the run again.
      if (inbox.length > 0) await durably(() => store.dropInbox(runId, stepId, inbox.length))
      return park(record.wakeAt!, { kind: "event", step: stepId, event, until: new Date(record.wakeAt!).toISOString() })
    }
    await finishStep(stepId, { kind: "wait", done: true, event, wakeAt: record.wakeAt!, result: found })
    await durably(() => store.removeWaiter(event, runId, stepId))
    await boundary()
    return found
  }

  const step: Step = {
    async run(id, fn) {
      const stepId = stepIdOf(id)
      const record = await memo(stepId, "run")
      if (record?.done) return record.result as never
      const json = toJson(await fn(), `result of step "${stepId}"`)
      const result = json === undefined ? undefined : JSON.parse(json)
      await finishStep(stepId, json === undefined ? { kind: "run", done: true } : { kind: "run", done: true, result })
      await boundary()
      return result
    },
    async sleep(id, duration) {
      const stepId = stepIdOf(id)
      const ms = parseDuration(duration, `step "${stepId}": sleep`)
      const record = await memo(stepId, "sleep")
      if (record?.done) return
      const wakeAt = record?.wakeAt ?? scope.now() + ms
      if (!record) await durably(() => store.putStep(runId, stepId, { kind: "sleep", done: false, wakeAt }))
      if (scope.now() < wakeAt) await park(wakeAt, { kind: "sleep", step: stepId, until: new Date(wakeAt).toISOString() })
      await finishStep(stepId, { kind: "sleep", done: true, wakeAt })
      await boundary()
    },
    waitForEvent: waitForEvent as Step["waitForEvent"],
    realtime: {
      async stream(id, topic, source) {
        const stepId = stepIdOf(id)
        const record = await memo(stepId, "stream")
        if (record?.done) return record.result as RunStreamResult
        if (!isStreamSource(source)) throw new ConduitError(ErrorCode.INVALID_BODY, `step "${stepId}": stream needs a ReadableStream or an AsyncIterable`)
        // A retry streams again under the same id: its take replaces this one's on every subscriber.
        const { ids: _ids, ...result } = await streams.publish(topic, source, `${runId}:${stepId}`, () => lifecycle.touch(topic.channel))
        await finishStep(stepId, { kind: "stream", done: true, result })
        await boundary()
        return result
      },
      async publish(id, topic, data) {
        const stepId = stepIdOf(id)
        const record = await memo(stepId, "publish")
        if (record?.done) return record.result as { id: string }
        // If this node dies right here, the retry publishes again with the same key: the gateway drops the repeat.
        const published = await send(topic, data, stepId)
        await finishStep(stepId, { kind: "publish", done: true, result: published })
        await boundary()
        return published
      },
    },
  }

  async function publish(topicOrMessage: TopicRef | PublishMessage, data?: unknown): Promise<unknown> {
    if (parkedOn) throw parkedOn
    // Only the signal: a store read per token would tax streaming. The cancel watch sets it within cancelPollMs.
    if (signal.aborted) {
      cancelled = true
      throw cancelledError(runId)
    }
    if (typeof topicOrMessage !== "object" || topicOrMessage === null || !("schema" in topicOrMessage)) {
      const message: Partial<PublishMessage> = topicOrMessage ?? {}
      return send(topicRefOf(message.channel as string, message.topic as string), message.data)
    }
    const topic = topicOrMessage
    if (!isStreamSource(data)) return send(topic, data)
    return streams.publish(topic, data as StreamSource<unknown>, streams.nextPlainId(), () => lifecycle.touch(topic.channel))
  }

  return { step, publish: publish as RunPublish, cancelObserved: () => cancelled, parked: () => parkedOn, streams }
}
