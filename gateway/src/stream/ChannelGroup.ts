import type { StoredMessage } from "../broker/Broker.ts"
import { frameOf } from "./frames.ts"
import type { SseSession } from "./SseSession.ts"

/**
 * The subscribers of one channel on this node. Live messages are queued and
 * flushed once per event-loop turn: every message is framed once, and all
 * frames due to one subscriber leave in one write.
 */
export class ChannelGroup {
  readonly sessions = new Set<SseSession>()
  /** Resolves once the broker subscription is live. */
  ready: Promise<void> = Promise.resolve()
  unsubscribe: (() => void) | undefined
  private queue: StoredMessage[] = []
  private scheduled = false

  constructor(
    readonly channel: string,
    private readonly onDelivered: (count: number) => void,
  ) {}

  enqueue(messages: StoredMessage[]): void {
    for (const m of messages) this.queue.push(m)
    if (!this.scheduled) {
      this.scheduled = true
      // setImmediate runs after this turn's I/O: publishes that arrived together go out together.
      setImmediate(() => this.flush())
    }
  }

  flush(): void {
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
