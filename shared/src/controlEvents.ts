/** SSE event names the gateway sends besides topic names. All start with `$`. */
export const GAP_EVENT = "$gap"
export const RUN_EVENT = "$run"
export const ERROR_EVENT = "$error"
export const CLOSE_EVENT = "$close"
/** Topic under which `$run` lifecycle messages are stored in history. */
export const RUN_TOPIC = RUN_EVENT

/** `$gap`: messages after `lastEventId` were no longer retained. */
export interface GapEventData {
  lastEventId: string
  /** Oldest id still retained, null when nothing is. */
  oldest: string | null
}

export type CloseReason = "token_expired" | "shutdown" | "slow_consumer" | "broker_unavailable"

export interface CloseEventData {
  reason: CloseReason
}

export interface ErrorEventData {
  code: string
  message: string
}
