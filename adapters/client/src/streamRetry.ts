import { CLOSE_EVENT, type CloseReason, parseJson } from "@conduit/shared"

/**
 * What one gateway stream said about the next reconnect: its `retry:` fields
 * and its `$close` reason. A parser reports a `retry:` before the event of its
 * frame, so the event that follows says which it was: the one that comes with
 * `$close` is that reconnect's delay (the gateway's draw from the reason's
 * window), any other is the new base delay. Used by the client's connect loop
 * and by `conduit tail`.
 */
export class StreamRetry {
  /** The base delay: the gateway's latest `retry:` outside a `$close`; kept across streams. */
  baseMs: number | null = null
  /** The current stream's `$close` reason, if it sent one. */
  closeReason: CloseReason | null = null
  /** The `retry:` that came with that `$close`. */
  closeRetryMs: number | null = null
  /** A `retry:` not yet followed by an event. */
  private pendingMs: number | null = null

  /** A new stream: what the last one closed with no longer applies. */
  begin(): void {
    this.closeReason = null
    this.closeRetryMs = null
    this.pendingMs = null
  }

  /** A `retry:` field. */
  retry(ms: number): void {
    this.pendingMs = ms
  }

  /** An event (before it is handled); its `$close` reason when it is one. */
  event(name: string | undefined, data: string): CloseReason | null {
    const isClose = name === CLOSE_EVENT
    this.settle(isClose)
    if (!isClose) return null
    this.closeReason = (parseJson(data) as { reason?: CloseReason } | undefined)?.reason ?? "shutdown"
    return this.closeReason
  }

  /** The stream ended: a `retry:` no event followed is a base delay. */
  end(): void {
    this.settle(false)
  }

  private settle(forClose: boolean): void {
    const ms = this.pendingMs
    if (ms === null) return
    this.pendingMs = null
    if (forClose) this.closeRetryMs = ms
    else this.baseMs = ms
  }
}
