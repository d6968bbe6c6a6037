import { DEFAULTS, formatId, nextId, type ParsedId } from "@conduit/shared"
import type { Broker, BrokerListener, PreparedMessage, PublishOptions, PublishResult, ReadResult, StoredMessage } from "./Broker.ts"
import { HistoryBuffer } from "./historyBuffer.ts"
import { IdempotencyCache } from "./idempotencyCache.ts"
import { resumeGap } from "./resumeGap.ts"
import { envelopeTail, storeMessage } from "./storedMessage.ts"

export interface MemoryBrokerOptions {
  /** Messages retained per channel. @default 1000 */
  historySize?: number
  /** Age after which retained messages are dropped; idempotency keys are remembered as long. @default 300000 */
  historyTtlMs?: number
  /** Bytes of serialized `data` retained per channel; the oldest go first, the newest always stays. @default 16777216 */
  historyBytes?: number
  /**
   * Idempotency keys remembered at once (each for `historyTtlMs`). Past it a
   * keyed publish is refused with `ERR_RATE_LIMITED` until older keys expire:
   * a key is never forgotten early. @default 1000000
   */
  idempotencyKeys?: number
  /**
   * How long a publish request's key (`PublishOptions.requestKey`) is
   * remembered, ms; at most `idempotencyKeys` of them at once, apart from the
   * message keys. @default 60000
   */
  requestKeyTtlMs?: number
  /** Clock, for tests. @default Date.now */
  now?: () => number
}

interface ChannelState {
  last: ParsedId | null
  readonly channelJson: string
  readonly history: HistoryBuffer
  readonly listeners: Set<BrokerListener>
}

/**
 * The embedded broker: one process, history in memory. Ids are
 * `<unixMs>-<seq>` like Redis Streams, so they keep increasing across restarts.
 */
export function createMemoryBroker(options: MemoryBrokerOptions = {}): Broker {
  const historySize = options.historySize ?? DEFAULTS.historySize
  const historyTtlMs = options.historyTtlMs ?? DEFAULTS.historyTtlMs
  const historyBytes = options.historyBytes ?? DEFAULTS.historyBytes
  const now = options.now ?? Date.now
  const channels = new Map<string, ChannelState>()
  const idempotency = new IdempotencyCache(historyTtlMs, options.idempotencyKeys ?? DEFAULTS.idempotencyKeys)
  const requests = new IdempotencyCache(options.requestKeyTtlMs ?? DEFAULTS.requestKeyTtlMs, options.idempotencyKeys ?? DEFAULTS.idempotencyKeys)

  const stateOf = (channel: string): ChannelState => {
    let state = channels.get(channel)
    if (!state) {
      state = { last: null, channelJson: JSON.stringify(channel), history: new HistoryBuffer(historySize, historyTtlMs, historyBytes), listeners: new Set() }
      channels.set(channel, state)
    }
    return state
  }

  // Expire old messages and forget idle channels, so memory follows the bounds.
  const sweep = setInterval(() => {
    const t = now()
    idempotency.sweep(t)
    requests.sweep(t)
    for (const [name, state] of channels) {
      state.history.expire(t)
      if (state.history.size === 0 && state.listeners.size === 0) channels.delete(name)
    }
  }, Math.max(1000, Math.min(historyTtlMs / 4, 30_000)))
  sweep.unref()

  const keyOf = (m: PreparedMessage): string | undefined => (m.idempotencyKey === undefined ? undefined : `${m.channel}\0${m.idempotencyKey}`)

  function publish(messages: PreparedMessage[], { requestKey }: PublishOptions = {}): Promise<PublishResult[]> {
    const t = now()
    const answered = requestKey === undefined ? undefined : requests.get(requestKey, t)
    if (answered !== undefined) return Promise.resolve(answered.split(",").map((id) => ({ id, duplicate: true })))
    // All or nothing: room for the batch's new keys is checked before anything is published.
    const newKeys = new Set<string>()
    for (const m of messages) {
      const key = keyOf(m)
      if (key !== undefined && idempotency.get(key, t) === undefined) newKeys.add(key)
    }
    try {
      idempotency.reserve(newKeys.size, t)
      if (requestKey !== undefined) requests.reserve(1, t)
    } catch (error) {
      return Promise.reject(error)
    }
    const results: PublishResult[] = []
    const fresh = new Map<ChannelState, StoredMessage[]>()
    for (const m of messages) {
      const key = keyOf(m)
      const seen = key === undefined ? undefined : idempotency.get(key, t)
      if (seen !== undefined) {
        results.push({ id: seen, duplicate: true })
        continue
      }
      const state = stateOf(m.channel)
      state.last = nextId(state.last, t)
      const id = formatId(state.last.ms, state.last.seq)
      const stored = storeMessage(id, state.channelJson, m.topic, m.dataJson, envelopeTail(m.runId, m.kind, m.stream))
      state.history.push(stored, t, Buffer.byteLength(m.dataJson))
      if (key !== undefined) idempotency.set(key, id, t)
      const list = fresh.get(state)
      if (list) list.push(stored)
      else fresh.set(state, [stored])
      results.push({ id, duplicate: false })
    }
    if (requestKey !== undefined) requests.set(requestKey, results.map((r) => r.id).join(","), t)
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
    // A channel not known here (never used, forgotten when idle, or this node restarted) holds nothing.
    const state = channels.get(channel)
    const history = state?.history
    history?.expire(now())
    const gap = resumeGap(after, {
      evictedThrough: history?.evictedThrough ?? null,
      holdsResumeId: history?.has(after) ?? false,
      oldest: history?.oldestId() ?? null,
    })
    const newest = state?.last ? formatId(state.last.ms, state.last.seq) : null
    return Promise.resolve({ messages: history?.after(after, limit) ?? [], gap, newest })
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
