/** SSE event names the gateway sends besides topic names. All start with `$`. */
export const GAP_EVENT = "$gap"
export const RUN_EVENT = "$run"
export const ERROR_EVENT = "$error"
export const CLOSE_EVENT = "$close"
/**
 * Sent once when a stream opens, after any replay, with an `id` field: the
 * channel's position. It moves the client's Last-Event-ID (native
 * `EventSource` records it too), so a reconnect resumes there even when no
 * message arrived in between. `0` for a channel with no messages yet.
 */
export const POSITION_EVENT = "$position"
/** Topic under which `$run` lifecycle messages are stored in history. */
export const RUN_TOPIC = RUN_EVENT

/** `$gap`: messages after `lastEventId` were no longer retained. */
export interface GapEventData {
  lastEventId: string
  /** Oldest id still retained, null when nothing is. */
  oldest: string | null
}

/** `$position`: the stream carries every message after `lastEventId` (also its `id` field). */
export interface PositionEventData {
  lastEventId: string
}

export type CloseReason = "token_expired" | "shutdown" | "slow_consumer" | "broker_unavailable"

export interface CloseEventData {
  reason: CloseReason
}

export interface ErrorEventData {
  code: string
  message: string
}
