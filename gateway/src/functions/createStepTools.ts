import { ConduitError, ErrorCode, isConduitError, type TopicRef } from "@conduit/shared"
import type { RunPublish, Step } from "./FunctionConfig.ts"
import { cancelledError } from "./retryPolicy.ts"
import type { RunLifecycle, RunPublisher } from "./runLifecycle.ts"
import type { RunStore, StepRecord } from "./RunStore.ts"
import { toJson } from "./toJson.ts"

/** What the step tools of one attempt need. */
export interface AttemptScope {
  runId: string
  store: RunStore
  publisher: RunPublisher
  lifecycle: RunLifecycle
  /** Aborted by `cancel` on this node. */
  signal: AbortSignal
  sleep(ms: number, signal: AbortSignal): Promise<void>
  now(): number
}

export interface StepTools {
  step: Step
  publish: RunPublish
  /** True once a step boundary saw the run cancelled (even if the handler caught the error). */
  cancelObserved(): boolean
}

// runId:stepId must fit the gateway's 256-character idempotency key.
const MAX_STEP_ID = 160

/**
 * The `step` object and `publish` of one attempt. Every step is a boundary:
 * before it (and after it finished and was memoized) a cancelled run throws
 * ERR_RUN_CANCELLED. Memoized steps return their stored result.
 */
export function createStepTools(scope: AttemptScope): StepTools {
  const { runId, store, publisher, lifecycle, signal } = scope
  const seen = new Map<string, number>()
  let cancelled = false

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
    if (signal.aborted || (await store.getRun(runId))?.cancelRequested) {
      cancelled = true
      throw cancelledError(runId)
    }
  }

  async function memo(stepId: string, kind: StepRecord["kind"]): Promise<StepRecord | undefined> {
    await boundary()
    const record = await store.getStep(runId, stepId)
    if (record && record.kind !== kind) {
      throw new ConduitError(ErrorCode.RUN_FAILED, `step "${stepId}" was a ${record.kind} step on an earlier attempt, now a ${kind} step: step ids must be stable`, {
        details: { stepId },
      })
    }
    return record
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

  const step: Step = {
    async run(id, fn) {
      const stepId = stepIdOf(id)
      const record = await memo(stepId, "run")
      if (record?.done) return record.result as never
      const json = toJson(await fn(), `result of step "${stepId}"`)
      const result = json === undefined ? undefined : JSON.parse(json)
      await store.putStep(runId, stepId, json === undefined ? { kind: "run", done: true } : { kind: "run", done: true, result })
      await boundary()
      return result
    },
    async sleep(id, ms) {
      const stepId = stepIdOf(id)
      const record = await memo(stepId, "sleep")
      if (record?.done) return
      const wakeAt = record?.wakeAt ?? scope.now() + Math.max(0, ms)
      if (!record) await store.putStep(runId, stepId, { kind: "sleep", done: false, wakeAt })
      const remaining = wakeAt - scope.now()
      if (remaining > 0) {
        try {
          await scope.sleep(remaining, signal)
        } catch (error) {
          if (!signal.aborted) throw error
          cancelled = true
          throw cancelledError(runId)
        }
      }
      await store.putStep(runId, stepId, { kind: "sleep", done: true, wakeAt })
      await boundary()
    },
    realtime: {
      async publish(id, topic, data) {
        const stepId = stepIdOf(id)
        const record = await memo(stepId, "publish")
        if (record?.done) return record.result as { id: string }
        // If this node dies right here, the retry publishes again with the same key: the gateway drops the repeat.
        const published = await send(topic, data, stepId)
        await store.putStep(runId, stepId, { kind: "publish", done: true, result: published })
        await boundary()
        return published
      },
    },
  }

  async function publish(topic: TopicRef, data: unknown): Promise<{ id: string }> {
    // Only the local signal: a store read per token would tax streaming; steps check the store.
    if (signal.aborted) {
      cancelled = true
      throw cancelledError(runId)
    }
    return send(topic, data)
  }

  return { step, publish: publish as RunPublish, cancelObserved: () => cancelled }
}
