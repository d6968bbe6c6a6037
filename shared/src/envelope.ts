import type { RunEventStatus } from "./runStatus.ts"
import type { StreamTag } from "./streamTag.ts"

/** What every message looks like on the wire, in history and in the client. */
export interface Envelope<TTopic extends string = string, TData = unknown> {
  /** `<unixMs>-<seq>`, assigned by the gateway, increasing per channel. */
  readonly id: string
  readonly channel: string
  readonly topic: TTopic
  readonly data: TData
  /** ISO 8601 time the gateway accepted the message. */
  readonly createdAt: string
  /** The function run that published it, when any. */
  readonly runId?: string
  /** Set on the messages of a stream (`publish(topicRef, stream)`): which stream, where in it. */
  readonly stream?: StreamTag
  /** `data` for topic messages, `run` for `$run` lifecycle messages. */
  readonly kind: "data" | "run"
}

/** What a publisher sends for one message. */
export interface PublishInput {
  channel: string
  topic: string
  data: unknown
  runId?: string
  /** A repeat within the retention window returns the original id, publishes nothing. */
  idempotencyKey?: string
  /** A message of a stream: see `StreamTag` (the SDK's streaming `publish` sets it). */
  stream?: StreamTag
}

export type RunStatus = "unknown" | "running" | "waiting" | "completed" | "failed" | "cancelled"

/** What a `waiting` run waits for: the end of a `step.sleep`, or an event for `step.waitForEvent`. */
export type RunWaiting =
  | { kind: "sleep"; step: string; /** ISO 8601 wake time. */ until: string }
  | { kind: "event"; step: string; /** The event name awaited. */ event: string; /** ISO 8601 timeout. */ until: string }

/** `data` of a `$run` message. */
export interface RunEventData {
  status: RunEventStatus
  functionId?: string
  attempt?: number
  result?: unknown
  error?: { code: string; message: string }
  /** With `waiting`: what the run is parked on. */
  waiting?: RunWaiting
}
