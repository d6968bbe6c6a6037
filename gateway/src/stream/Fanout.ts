import type { CloseReason } from "@conduit/shared"
import type { Broker } from "../broker/Broker.ts"
import { ChannelGroup } from "./ChannelGroup.ts"
import { PING_FRAME } from "./frames.ts"
import type { SseSession } from "./SseSession.ts"

export interface FanoutStats {
  delivered: number
}

/** Every open stream of this node, grouped by channel; owns heartbeats. */
export class Fanout {
  readonly sessions = new Set<SseSession>()
  readonly stats: FanoutStats = { delivered: 0 }
  private readonly groups = new Map<string, ChannelGroup>()
  private readonly heartbeat: NodeJS.Timeout
  private readonly offReadyChange: (() => void) | undefined

  constructor(
    private readonly broker: Broker,
    heartbeatMs: number,
    /** The streams' `retry:`, the base of the reconnect window a mass close draws from. */
    private readonly retryMs: number,
  ) {
    // Every open stream, whatever its replay state: liveness must not wait for a new message.
    this.heartbeat = setInterval(() => {
      for (const s of this.sessions) if (s.isStreaming) s.write(PING_FRAME)
    }, heartbeatMs)
    this.heartbeat.unref()
    // A broker that lost its backend may have missed live messages: end every
    // stream, so clients resume from history (elsewhere, or here once it is back).
    this.offReadyChange = broker.onReadyChange?.((ready) => {
      if (!ready) this.closeAll("broker_unavailable")
    })
  }

  get channelCount(): number {
    return this.groups.size
  }

  /** Adds a session; resolves once its channel is live in the broker. */
  async join(session: SseSession): Promise<void> {
    let group = this.groups.get(session.channel)
    if (!group) {
      const created = new ChannelGroup(session.channel, (n) => (this.stats.delivered += n), this.broker.whenPublished)
      group = created
      this.groups.set(session.channel, created)
      // Interrupted: the broker lost live messages it cannot recover; the clients resume (and are told of
      // any gap), spread over the reason's reconnect window like any mass close.
      const interrupted = () => {
        for (const s of [...created.sessions]) s.close("broker_unavailable", this.retryMs)
      }
      created.ready = this.broker
        .subscribe(session.channel, (messages) => created.enqueue(messages), interrupted)
        .then((unsubscribe) => {
          // Everyone may have left while the subscription was being set up.
          if (this.groups.get(created.channel) === created) created.unsubscribe = unsubscribe
          else unsubscribe()
        })
    }
    group.sessions.add(session)
    this.sessions.add(session)
    try {
      await group.ready
    } catch (error) {
      this.leave(session)
      if (this.groups.get(session.channel) === group && group.sessions.size === 0) this.groups.delete(session.channel)
      throw error
    }
  }

  leave(session: SseSession): void {
    this.sessions.delete(session)
    const group = this.groups.get(session.channel)
    if (!group || !group.sessions.delete(session) || group.sessions.size > 0) return
    this.groups.delete(session.channel)
    group.unsubscribe?.()
  }

  /** Ends every stream with `$close reason`, each with its own draw from the reason's reconnect window. */
  closeAll(reason: CloseReason): void {
    for (const s of [...this.sessions]) s.close(reason, this.retryMs)
  }

  stop(): void {
    clearInterval(this.heartbeat)
    this.offReadyChange?.()
  }
}
