import type { Broker, StoredMessage } from "../broker/Broker.ts"
import { frameOf } from "./frames.ts"
import type { SseSession } from "./SseSession.ts"

// A stalled Redis answers a publish only at its command timeout: held messages go out after this anyway.
const MAX_WAIT_MS = 20

/**
 * The subscribers of one channel on this node. Live messages are queued and
 * flushed after the turn's I/O (later only while this node's publishes to the
 * channel are in flight, see `due`): every message is framed once, and all
 * frames due to one subscriber leave in one write.
 */
export class ChannelGroup {
  readonly sessions = new Set<SseSession>()
  /** Resolves once the broker subscription is live. */
  ready: Promise<void> = Promise.resolve()
  unsubscribe: (() => void) | undefined
  private queue: StoredMessage[] = []
  private scheduled = false
  /** Bumped by each flush: a wait's two ends (answer, cap) flush once between them. */
  private flushes = 0

  constructor(
    readonly channel: string,
    private readonly onDelivered: (count: number) => void,
    /** `Broker.whenPublished`, where the broker has it. */
    private readonly whenPublished?: Broker["whenPublished"],
  ) {}

  enqueue(messages: StoredMessage[]): void {
    for (const m of messages) this.queue.push(m)
    if (!this.scheduled) {
      this.scheduled = true
      // setImmediate runs after this turn's I/O: publishes that arrived together go out together.
      setImmediate(this.due)
    }
  }

  /**
   * A broker that relays publishes (Redis) hands each back with its answer,
   * so when this node publishes to the channel back to back, every turn
   * brings one of them and each would cost a write per subscriber. While
   * publishes of this node to the channel are in flight, the flush waits for
   * their answers (one Redis round trip), never longer than `MAX_WAIT_MS`,
   * and sends them with what it holds, in one write per subscriber.
   */
  private readonly due = (): void => {
    const flushes = this.flushes
    const flush = () => {
      if (this.flushes === flushes) this.flush()
    }
    // Answered: the messages came with the answer, on the subscriber connection, read by the end of this turn's I/O.
    if (this.whenPublished?.(this.channel, () => setImmediate(flush))) setTimeout(flush, MAX_WAIT_MS).unref()
    else this.flush()
  }

  flush(): void {
    this.flushes++
    const batch = this.queue
    this.queue = []
    this.scheduled = false
    if (batch.length === 0) return
    const shared = new Map<string, { buf: Buffer; count: number } | null>()
    let delivered = 0
    for (const session of this.sessions) {
      if (!session.pastReplayFloor) {
        delivered += session.writeMessages(batch)
        continue
      }
      let out = shared.get(session.filterKey)
      if (out === undefined) shared.set(session.filterKey, (out = framesFor(batch, session)))
      if (out !== null && session.write(out.buf)) delivered += out.count
    }
    this.onDelivered(delivered)
  }
}

/** The bytes a session with this filter gets for the batch: one buffer, or null when nothing matches. */
function framesFor(batch: StoredMessage[], session: SseSession): { buf: Buffer; count: number } | null {
  if (batch.length === 1) {
    const m = batch[0]!
    return session.wants(m.topic) ? { buf: frameOf(m), count: 1 } : null
  }
  const parts: Buffer[] = []
  for (const m of batch) if (session.wants(m.topic)) parts.push(frameOf(m))
  if (parts.length === 0) return null
  return { buf: parts.length === 1 ? parts[0]! : Buffer.concat(parts), count: parts.length }
}
