import { backoffDelay, type CloseReason, reconnectDelay } from "@conduit/shared"

/** How one connect attempt ended, as far as the next delay is concerned. */
export interface AttemptEnd {
  /** The stream ran at least one base delay: the failure count starts over. */
  healthy: boolean
  /** A reconnect at once may fix it (a fresh token, a resume from history). */
  quick: boolean
  /** The `$close` reason the gateway gave, if any. */
  closeReason: CloseReason | null
  /** The `retry:` that came with that `$close`: the gateway's own draw from the reason's window. */
  closeRetryMs: number | null
  /** A `Retry-After` the gateway sent with a refusal. */
  retryAfterMs: number
}

export interface ReconnectScheduleOptions {
  /** The cap of the exponential backoff. */
  maxMs: number
  /**
   * How a failed attempt backs off: `exponential` doubles from the base delay
   * up to `maxMs`, jittered (`backoffDelay`); `constant` waits the base delay
   * each time (`conduit tail`: a person watching wants it back within the second).
   * @default "exponential"
   */
  backoff?: "exponential" | "constant"
  /** @default Math.random */
  random?: () => number
}

/**
 * The delay before each reconnect. Every path backs off: a quick reconnect is
 * taken once, and again only after a healthy stream, so a factory that keeps
 * returning an expired token cannot spin. After `$close shutdown` or
 * `broker_unavailable` the delay is a draw from the reason's window
 * (`reconnectWindow`), the gateway's when it sent one, so a mass close does
 * not bring every client back at once; a reconnect that fails again backs off
 * exponentially on top.
 */
export class ReconnectSchedule {
  private failures = 0
  private quickUsed = false

  constructor(private readonly options: ReconnectScheduleOptions) {}

  /** The delay after `end`, for the base delay `baseMs` (the server's `retry:` or `backoff.initialMs`). */
  next(end: AttemptEnd, baseMs: number): number {
    if (end.healthy) {
      this.failures = 0
      this.quickUsed = false
    }
    if (end.quick && !this.quickUsed) {
      this.quickUsed = true
      return Math.max(0, end.retryAfterMs)
    }
    const spread = end.closeReason === null ? 0 : (end.closeRetryMs ?? reconnectDelay(end.closeReason, baseMs, this.options.random))
    const failures = this.failures++
    const backoff = this.options.backoff === "constant" ? baseMs : backoffDelay(failures, baseMs, this.options.maxMs, this.options.random)
    return Math.max(spread, backoff, end.retryAfterMs)
  }
}
