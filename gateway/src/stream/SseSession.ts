import type { Socket } from "node:net"
import { type CloseReason, compareIds } from "@conduit/shared"
import type { StoredMessage } from "../broker/Broker.ts"
import { closeFrame, frameOf } from "./frames.ts"

export interface SseSessionOptions {
  channel: string
  /** Topics to send, `$run` among them when the credential grants it; null sends every topic. */
  topics: ReadonlySet<string> | null
  /** Unsent bytes past which the subscriber is dropped with `$close slow_consumer`. */
  slowConsumerBytes: number
  /** When set, the stream ends with `$close token_expired` at this time (ms). */
  expiresAtMs?: number
  /** The client's address, counted against `maxStreamsPerIp` while the stream is open. */
  clientAddress?: string
  onClose: (session: SseSession, reason: CloseReason | "disconnected") => void
}

// A closed stream whose client never reads the final frame is destroyed after this.
const END_GRACE_MS = 5000

// Thousands of idle streams share a handful of topic grants: each distinct one is held once.
const MAX_SHARED_FILTERS = 1000
const filters = new Map<string, { topics: ReadonlySet<string>; key: string }>()
function sharedFilter(topics: ReadonlySet<string>): { topics: ReadonlySet<string>; key: string } {
  const key = [...topics].sort().join(",")
  const known = filters.get(key)
  if (known) return known
  const filter = { topics, key }
  if (filters.size < MAX_SHARED_FILTERS) filters.set(key, filter)
  return filter
}

// Socket listeners are shared by every session (the session hangs off its socket),
// not closures per connection: thousands of idle streams each keep only what they must.
const SESSION = Symbol("conduit.session")
type SessionSocket = Socket & { [SESSION]?: SseSession }
function onSocketGone(this: SessionSocket): void {
  this[SESSION]?.disconnected()
}

/**
 * One subscriber's stream: writes frames straight to its socket, holds live
 * messages while its replay is being read, drops itself when it falls behind.
 */
export class SseSession {
  readonly channel: string
  readonly topics: ReadonlySet<string> | null
  /** Sessions with equal keys receive identical bytes for a batch. */
  readonly filterKey: string
  readonly clientAddress: string | undefined
  closed = false
  /** Why the session ended; null while open. */
  closeReason: CloseReason | "disconnected" | null = null
  /** Headers and prelude written: from here on `close` writes `$close` to the stream. */
  private started = false
  /** Ids up to this were already sent from history; cleared at the first newer live id. */
  private floor: string | null = null
  /** Live messages that arrived before the replay was written; null once live. */
  private held: StoredMessage[][] | null = []
  /** Replay bytes still queued: allowed on top of the slow-consumer bound until the socket first empties. */
  private replayBytes = 0
  private expiryTimer: NodeJS.Timeout | undefined
  private readonly slowConsumerBytes: number
  private readonly expiresAtMs: number | undefined
  private readonly onClose: SseSessionOptions["onClose"]

  constructor(
    private readonly socket: SessionSocket,
    options: SseSessionOptions,
  ) {
    this.channel = options.channel
    const filter = options.topics === null ? null : sharedFilter(options.topics)
    this.topics = filter?.topics ?? null
    this.clientAddress = options.clientAddress
    this.filterKey = filter?.key ?? "*"
    this.slowConsumerBytes = options.slowConsumerBytes
    this.expiresAtMs = options.expiresAtMs
    this.onClose = options.onClose
    socket[SESSION] = this
    socket.on("close", onSocketGone)
    socket.on("error", onSocketGone)
  }

  /** The socket closed or failed under the stream. */
  disconnected(): void {
    this.finish("disconnected")
  }

  /**
   * Past its replay: nothing held back, no floor below which live messages are
   * dropped as already replayed, not closed. Such a session takes the frames
   * of a batch as they are, shared with every session of the same filter.
   */
  get pastReplayFloor(): boolean {
    return this.held === null && this.floor === null && !this.closed
  }

  /** Headers and prelude are out and the stream is open: it may be written to (heartbeats). */
  get isStreaming(): boolean {
    return this.started && !this.closed
  }

  wants(topic: string): boolean {
    // "$run" carries results: it follows the grant like any topic (authorizeSubscribe adds it where granted).
    return this.topics === null || this.topics.has(topic)
  }

  /**
   * Writes the prelude (retry, gap, replayed history) then the messages held
   * meanwhile, skipping ids already replayed. From here on the session is live.
   */
  start(prelude: Buffer[], replayedThrough: string | null): void {
    if (this.closed) return
    this.started = true
    this.socket.cork()
    for (const buf of prelude) {
      this.replayBytes += buf.length
      this.socket.write(buf)
    }
    this.floor = replayedThrough
    const held = this.held ?? []
    this.held = null
    for (const batch of held) this.writeMessages(batch)
    process.nextTick(() => this.socket.uncork())
    const { expiresAtMs } = this
    if (expiresAtMs !== undefined) {
      const delay = Math.min(Math.max(0, expiresAtMs - Date.now()), 2 ** 31 - 1)
      this.expiryTimer = setTimeout(() => this.close("token_expired"), delay)
      this.expiryTimer.unref()
    }
  }

  /**
   * Writes a batch frame by frame, honouring the topic filter and the replay
   * floor; before `start` it holds the batch instead.
   */
  writeMessages(batch: StoredMessage[]): number {
    if (this.held !== null) {
      this.held.push(batch)
      return 0
    }
    let sent = 0
    for (const m of batch) {
      if (this.floor !== null) {
        if (compareIds(m.id, this.floor) <= 0) continue
        this.floor = null
      }
      if (!this.wants(m.topic)) continue
      if (!this.write(frameOf(m))) return sent
      sent++
    }
    return sent
  }

  /** Writes bytes unless the subscriber is too far behind; false when it was dropped. */
  write(buf: Buffer): boolean {
    if (this.closed) return false
    const queued = this.socket.writableLength
    // Every write passes here, so an empty queue means the replay has left: its allowance ends.
    if (queued === 0) this.replayBytes = 0
    else if (queued > this.slowConsumerBytes + this.replayBytes) {
      this.close("slow_consumer")
      return false
    }
    this.socket.write(buf)
    return true
  }

  /**
   * Ends the stream, telling the client why with `$close` (it reconnects and
   * resumes; `retryMs`, the base delay, spreads the reconnects, see `closeFrame`).
   * Before `start` no response has begun: nothing is written, and the request
   * answers for `closeReason` instead.
   */
  close(reason: CloseReason, retryMs?: number): void {
    if (this.closed) return
    if (!this.started) return this.finish(reason)
    this.socket.end(closeFrame(reason, retryMs))
    setTimeout(() => this.socket.destroy(), END_GRACE_MS).unref()
    this.finish(reason)
  }

  /** Forgets a session whose request failed before the stream started; writes nothing. */
  discard(): void {
    this.socket.off("close", onSocketGone)
    this.socket.off("error", onSocketGone)
    this.socket[SESSION] = undefined
    if (!this.closed) this.finish("disconnected")
  }

  private finish(reason: CloseReason | "disconnected"): void {
    if (this.closed && reason === "disconnected") return
    this.closed = true
    this.closeReason = reason
    clearTimeout(this.expiryTimer)
    this.held = null
    this.onClose(this, reason)
  }
}
