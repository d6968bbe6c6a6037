import type { Conduit } from "@conduit/gateway"
import { RUN_TOPIC, type RunEventData } from "@conduit/shared"

/** `$run` messages for a run Inngest executes, on the channels its handler publishes to. */
export interface RunAnnouncer {
  /** Before the first publish to `channel` in this request: `running` for this attempt (sent once per attempt). */
  touch(channel: string): Promise<void>
  /** The run's end, on every channel touched in this request (the last one runs the handler from the top). */
  end(data: Omit<RunEventData, "functionId" | "attempt">): Promise<void>
}

/**
 * Keys follow Conduit's own runtime (`runId:$run:running:<attempt>`,
 * `runId:$run:completed`, …), so a request Inngest repeats, or a retried
 * publish, never shows a subscriber a status twice.
 */
export function createRunAnnouncer(conduit: Conduit, run: { runId: string; functionId: string; attempt: number }): RunAnnouncer {
  const touched = new Map<string, Promise<void>>()
  const send = async (channels: string[], data: RunEventData, key: string) => {
    if (channels.length === 0) return
    const idempotencyKey = `${run.runId}:${RUN_TOPIC}:${key}`
    await conduit.transport.publish(channels.map((channel) => ({ channel, topic: RUN_TOPIC, data, runId: run.runId, idempotencyKey })))
  }
  const base = { functionId: run.functionId, attempt: run.attempt }
  return {
    touch(channel) {
      let announced = touched.get(channel)
      if (!announced) {
        announced = send([channel], { ...base, status: "running" }, `running:${run.attempt}`)
        touched.set(channel, announced)
      }
      return announced
    },
    async end(data) {
      await Promise.allSettled(touched.values())
      await send([...touched.keys()], { ...base, ...data }, data.status)
    },
  }
}
