import { compareIds, formatId, nextId, type ParsedId } from "@conduit/shared"
import { type Broker, type BrokerListener, envelopeJson, type PreparedMessage, type PublishResult, type ReadResult, type StoredMessage } from "./Broker.ts"
import { HistoryBuffer } from "./historyBuffer.ts"
import { IdempotencyCache } from "./idempotencyCache.ts"

export interface MemoryBrokerOptions {
  /** Messages retained per channel. @default 1000 */
  historySize?: number
  /** Age after which retained messages are dropped. @default 300000 */
  historyTtlMs?: number
  /** Clock, for tests. @default Date.now */
  now?: () => number
}

interface ChannelState {
  last: ParsedId | null
  /** Id of the first message of this channel's life on this node. */
  first: string | null
  history: HistoryBuffer
  listeners: Set<BrokerListener>
}

/**
 * The embedded broker: one process, history in memory. Ids are
 * `<unixMs>-<seq>` like Redis Streams, so they keep increasing across restarts.
 */
export function createMemoryBroker(options: MemoryBrokerOptions = {}): Broker {
  const historySize = options.historySize ?? 1000
  const historyTtlMs = options.historyTtlMs ?? 300_000
  const now = options.now ?? Date.now
  const channels = new Map<string, ChannelState>()
  const idempotency = new IdempotencyCache(historyTtlMs)

  const stateOf = (channel: string): ChannelState => {
    let state = channels.get(channel)
    if (!state) {
      state = { last: null, first: null, history: new HistoryBuffer(historySize, historyTtlMs), listeners: new Set() }
      channels.set(channel, state)
    }
    return state
  }

  // Expire old messages and forget idle channels, so memory follows the bounds.
  const sweep = setInterval(() => {
    const t = now()
    idempotency.sweep(t)
    for (const [name, state] of channels) {
      state.history.expire(t)
      if (state.history.size === 0 && state.listeners.size === 0) channels.delete(name)
    }
  }, Math.max(1000, Math.min(historyTtlMs / 4, 30_000)))
  sweep.unref()

  function publish(messages: PreparedMessage[]): Promise<PublishResult[]> {
    const t = now()
    const createdAt = new Date(t).toISOString()
    const results: PublishResult[] = []
    const fresh = new Map<ChannelState, StoredMessage[]>()
    for (const m of messages) {
      const key = m.idempotencyKey === undefined ? undefined : `${m.channel}\0${m.idempotencyKey}`
      const seen = key === undefined ? undefined : idempotency.get(key, t)
      if (seen !== undefined) {
        results.push({ id: seen, duplicate: true })
        continue
      }
      const state = stateOf(m.channel)
      state.last = nextId(state.last, t)
      const id = formatId(state.last.ms, state.last.seq)
      state.first ??= id
      const json = envelopeJson({ id, channel: m.channel, topic: m.topic, createdAt, runId: m.runId, kind: m.kind }, m.dataJson)
      const stored: StoredMessage = { id, topic: m.topic, json }
      state.history.push(stored, t)
      if (key !== undefined) idempotency.set(key, id, t)
      const list = fresh.get(state)
      if (list) list.push(stored)
      else fresh.set(state, [stored])
      results.push({ id, duplicate: false })
    }
    for (const [state, list] of fresh) for (const listener of state.listeners) listener(list)
    return Promise.resolve(results)
  }

  function subscribe(channel: string, listener: BrokerListener): Promise<() => void> {
    const state = stateOf(channel)
    state.listeners.add(listener)
    return Promise.resolve(() => {
      state.listeners.delete(listener)
    })
  }

  function read(channel: string, after: string, limit?: number): Promise<ReadResult> {
    const state = channels.get(channel)
    const isStart = after === "0" || after === "0-0"
    if (!state || state.last === null) {
      // Nothing known of this channel (never used, or forgotten, or this node restarted):
      // a resume from a real id may have missed messages, and we say so.
      return Promise.resolve({ messages: [], gap: isStart ? null : { lastEventId: after, oldest: null }, newest: null })
    }
    state.history.expire(now())
    const evicted = state.history.evictedThrough
    const newest = formatId(state.last.ms, state.last.seq)
    // An id from before this channel's first message here comes from an earlier life of
    // the channel (forgotten when idle, or a restart); one after its newest, from
    // another life or clock: either way what came after it is unknown.
    const otherLife = !isStart && (compareIds(after, state.first!) < 0 || compareIds(after, newest) > 0)
    const behind = otherLife || (evicted !== null && (isStart || compareIds(after, evicted) < 0))
    return Promise.resolve({
      messages: state.history.after(after, limit),
      gap: behind ? { lastEventId: after, oldest: state.history.oldestId() } : null,
      newest,
    })
  }

  return {
    publish,
    subscribe,
    read,
    isReady: () => true,
    close: () => {
      clearInterval(sweep)
      channels.clear()
      return Promise.resolve()
    },
  }
}
