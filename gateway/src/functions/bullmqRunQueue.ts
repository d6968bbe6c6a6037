import { DelayedError, Job, Queue, UnrecoverableError, Worker } from "bullmq"
import { Redis, type RedisOptions } from "ioredis"
import type { RunQueue, RunWorker } from "./RunQueue.ts"

export interface BullmqRunQueueOptions {
  /** The Redis to keep jobs in: the gateway's `CONDUIT_REDIS_URL`. */
  url: string
  /** Key prefix, the gateway's `CONDUIT_REDIS_PREFIX`; BullMQ's keys go under `<prefix>bull:`. @default "conduit:" */
  prefix?: string
  /**
   * How long a worker's lock on a run lasts without renewal (it renews it at
   * half that while the run executes), ms. A process that dies mid-run has
   * its run taken over by another worker once the lock expired and a
   * stalled-job check ran: within about `lockDurationMs + stalledIntervalMs`.
   * @default 30000
   */
  lockDurationMs?: number
  /** How often each worker looks for runs whose lock expired, ms. @default 30000 */
  stalledIntervalMs?: number
  /**
   * How long `close()` waits for executions still running, ms; those left
   * then lose their lock and are taken over by other workers.
   * @default 10000
   */
  closeWaitMs?: number
  /** Options for the connection made from `url`. */
  redisOptions?: RedisOptions
}

interface Hooks {
  /** Delay before executing again after an execution threw (its store was unreachable), n = 1, 2, … */
  retryDelay(n: number): number
  onError(error: unknown, runId: string | undefined): void
}

/** Thrown by a processor so BullMQ retries the job (an attempt) after `delayMs`. */
class RetryLater extends Error {
  constructor(readonly delayMs: number) {
    super("the attempt failed; retried")
  }
}

// Executions in a row that throw (a store down beyond the runtime's own retries) before the job is given up.
const MAX_FAILURES = 5
// Stalled recovery must not fail a run: the runtime counts a takeover as an attempt and ends the run itself.
const MAX_STALLED = 1_000
const KEEP_FINISHED = { age: 24 * 3600 }

/**
 * Runs as BullMQ jobs, one queue per function (`<prefix>bull:<functionId>`),
 * job id = run id. Every process that registered a function is a worker of
 * its queue; the job lock is the lease, so one execution runs at a time and
 * stalled-job recovery hands a dead worker's run to another. A parked run is
 * a delayed job; a retry is a BullMQ attempt with the runtime's backoff. The
 * functions' triggers are kept in Redis (`<prefix>functions`), so any node can
 * start runs of functions registered elsewhere.
 */
export function createBullmqRunQueue(options: BullmqRunQueueOptions, hooks: Hooks): RunQueue {
  const prefix = options.prefix ?? "conduit:"
  const bullPrefix = `${prefix}bull`
  const registryKey = `${prefix}functions`
  // BullMQ's blocking commands need maxRetriesPerRequest: null; errors surface as rejected commands.
  const connection = new Redis(options.url, { maxRetriesPerRequest: null, ...options.redisOptions })
  connection.on("error", () => {})
  const queues = new Map<string, Queue>()
  const workers: Worker[] = []

  const queueName = (functionId: string) => encodeURIComponent(functionId)
  function queueOf(functionId: string): Queue {
    let queue = queues.get(functionId)
    if (!queue) {
      queue = new Queue(queueName(functionId), { connection, prefix: bullPrefix })
      queue.on("error", (error) => hooks.onError(error, undefined))
      queues.set(functionId, queue)
    }
    return queue
  }

  function processorOf(worker: RunWorker) {
    return async (job: Job<{ failures?: number }>, token?: string): Promise<void> => {
      const runId = job.id!
      let outcome
      try {
        outcome = await worker.execute(runId)
      } catch (error) {
        // The store was unreachable past the runtime's retries: execute again later, without spending an attempt.
        hooks.onError(error, runId)
        const failures = (job.data.failures ?? 0) + 1
        // Given up: reported above, the run left as the store last had it (as in-process).
        if (failures >= MAX_FAILURES) throw new UnrecoverableError(String(error))
        await job.updateData({ ...job.data, failures })
        await job.moveToDelayed(Date.now() + hooks.retryDelay(failures), token)
        throw new DelayedError()
      }
      if (job.data.failures) await job.updateData({ ...job.data, failures: 0 })
      if (outcome.kind === "ended") return
      if (outcome.kind === "retry") throw new RetryLater(outcome.delayMs)
      await job.moveToDelayed(outcome.until, token)
      // An event or a cancel that came while this worker still held the job could not promote it: do it now.
      if (await outcome.recheck().catch(() => false)) await job.promote().catch(() => {})
      throw new DelayedError()
    }
  }

  return {
    async work(worker) {
      await connection.hset(registryKey, worker.functionId, JSON.stringify({ triggers: worker.triggers, retries: worker.retries }))
      const bull = new Worker(queueName(worker.functionId), processorOf(worker), {
        connection,
        prefix: bullPrefix,
        concurrency: worker.concurrency,
        lockDuration: options.lockDurationMs ?? 30_000,
        stalledInterval: options.stalledIntervalMs ?? 30_000,
        maxStalledCount: MAX_STALLED,
        removeOnComplete: KEEP_FINISHED,
        removeOnFail: KEEP_FINISHED,
        settings: {
          backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) =>
            error instanceof RetryLater ? error.delayMs : hooks.retryDelay(attemptsMade),
        },
      })
      bull.on("error", (error) => hooks.onError(error, undefined))
      workers.push(bull)
    },

    async functionsFor(eventName) {
      const registered = await connection.hgetall(registryKey)
      return Object.entries(registered).flatMap(([id, json]) => {
        const { triggers, retries } = JSON.parse(json) as { triggers: string[]; retries: number }
        return triggers.includes(eventName) ? [{ id, retries }] : []
      })
    },

    async enqueue(functionId, runId, maxAttempts) {
      // jobId = runId: adding it twice (a retried send) adds nothing.
      await queueOf(functionId).add("run", {}, { jobId: runId, attempts: maxAttempts, backoff: { type: "conduit" } })
    },

    async wake(functionId, runId) {
      const job = await Job.fromId(queueOf(functionId), runId)
      // Only a delayed job can be promoted; an active one re-checks after parking (see the processor).
      await job?.promote().catch(() => {})
    },

    async close() {
      // Executions still running after closeWaitMs are left behind: their locks lapse and other workers take them over.
      let timer: NodeJS.Timeout | undefined
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.closeWaitMs ?? 10_000)))
      await Promise.race([Promise.all(workers.map((w) => w.close())), waited])
      clearTimeout(timer)
      await Promise.all([...queues.values()].map((q) => q.close()))
      if (connection.status === "wait") connection.disconnect() // lazy and never used
      else await connection.quit().catch(() => connection.disconnect())
    },
  }
}
