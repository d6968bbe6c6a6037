import { ConduitError, ErrorCode, isFinishedRunStatus } from "@conduit/shared"
import { MAX_INBOX, type RunPatch, type RunRecord, type RunStore, type StepRecord, type Waiter } from "./RunStore.ts"

export interface MemoryRunStoreOptions {
  /**
   * Runs kept. Past it, the oldest finished runs (and their steps) are
   * forgotten; unfinished runs are never dropped.
   * @default 10000
   */
  maxRuns?: number
}

interface Entry {
  run: string
  steps: Map<string, string>
}

/**
 * The default `RunStore`: one process, records kept as JSON text so that
 * anything that would not survive a shared backend fails here too (and
 * callers never share mutable objects with the store).
 */
export function createMemoryRunStore(options: MemoryRunStoreOptions = {}): RunStore {
  const maxRuns = options.maxRuns ?? 10_000
  const runs = new Map<string, Entry>()
  // event name → "runId stepId" → waiter JSON
  const waiters = new Map<string, Map<string, string>>()

  function entry(runId: string): Entry {
    const found = runs.get(runId)
    if (!found) throw new ConduitError(ErrorCode.NOT_FOUND, `no run ${runId}`, { details: { runId } })
    return found
  }
  const read = (e: Entry) => JSON.parse(e.run) as RunRecord
  function pendingWait(runId: string, stepId: string): StepRecord | undefined {
    const json = runs.get(runId)?.steps.get(stepId)
    const step = json === undefined ? undefined : (JSON.parse(json) as StepRecord)
    return step?.kind === "wait" && !step.done ? step : undefined
  }

  function evict(): void {
    // Map order is insertion order: the first finished entries are the oldest.
    for (const [runId, e] of runs) {
      if (runs.size <= maxRuns) return
      if (isFinishedRunStatus(read(e).state)) runs.delete(runId)
    }
  }

  return {
    async createRun(record) {
      if (runs.has(record.runId)) {
        throw new ConduitError(ErrorCode.RUN_EXISTS, `run ${record.runId} already exists`, { details: { runId: record.runId } })
      }
      runs.set(record.runId, { run: JSON.stringify(record), steps: new Map() })
      if (runs.size > maxRuns) evict()
    },
    async getRun(runId) {
      const e = runs.get(runId)
      return e && read(e)
    },
    async updateRun(runId, patch: RunPatch) {
      const e = entry(runId)
      const next = { ...read(e), ...patch }
      e.run = JSON.stringify(next)
      return JSON.parse(e.run) as RunRecord
    },
    async addChannels(runId, channels) {
      const e = entry(runId)
      const run = read(e)
      const all = new Set([...run.channels, ...channels])
      if (all.size === run.channels.length) return
      e.run = JSON.stringify({ ...run, channels: [...all] })
    },
    async requestCancel(runId) {
      const e = runs.get(runId)
      if (!e) return false
      e.run = JSON.stringify({ ...read(e), cancelRequested: true })
      return true
    },
    async getStep(runId, stepId) {
      const json = runs.get(runId)?.steps.get(stepId)
      return json === undefined ? undefined : (JSON.parse(json) as StepRecord)
    },
    async putStep(runId, stepId, record) {
      entry(runId).steps.set(stepId, JSON.stringify(record))
    },
    async deliverEvent(runId, stepId, event) {
      const step = pendingWait(runId, stepId)
      if (!step) return false
      step.inbox = [...(step.inbox ?? []), event].slice(-MAX_INBOX)
      runs.get(runId)!.steps.set(stepId, JSON.stringify(step))
      return true
    },
    async dropInbox(runId, stepId, count) {
      const step = pendingWait(runId, stepId)
      if (!step?.inbox) return
      step.inbox = step.inbox.slice(count)
      runs.get(runId)!.steps.set(stepId, JSON.stringify(step))
    },
    async addWaiter(waiter: Waiter) {
      let byRun = waiters.get(waiter.event)
      if (!byRun) waiters.set(waiter.event, (byRun = new Map()))
      byRun.set(`${waiter.runId} ${waiter.stepId}`, JSON.stringify(waiter))
    },
    async removeWaiter(event, runId, stepId) {
      const byRun = waiters.get(event)
      byRun?.delete(`${runId} ${stepId}`)
      if (byRun?.size === 0) waiters.delete(event)
    },
    async waitersOf(event) {
      return [...(waiters.get(event)?.values() ?? [])].map((json) => JSON.parse(json) as Waiter)
    },
  }
}
