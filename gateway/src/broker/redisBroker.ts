import { compareIds, ConduitError, ErrorCode } from "@conduit/shared"
import type { Redis, RedisOptions } from "ioredis"
import type { Logger } from "pino"
import type { Broker, BrokerListener, PreparedMessage, PublishResult, ReadResult, StoredMessage } from "./Broker.ts"
import { createRedisConnections } from "./redisConnections.ts"
import { redisKeysOf, type RedisChannelKeys } from "./redisKeys.ts"
import { envelopeTail, messageOfEntry, messagesOfLive, type StreamEntry } from "./redisMessages.ts"
import { PUBLISH_SCRIPT, READ_SCRIPT } from "./redisScripts.ts"

export interface RedisBrokerOptions {
  /** `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. */
  url: string
  /** Prepended to every key and Pub/Sub channel, so deployments can share one Redis. @default "conduit:" */
  prefix?: string
  /** Messages retained per channel (exact). @default 1000 */
  historySize?: number
  /** Age bound of retained messages, ms; idempotency keys are remembered as long. @default 300000 */
  historyTtlMs?: number
  /** Sharded Pub/Sub (SPUBLISH/SSUBSCRIBE); "auto" uses it on Redis ≥ 7. @default "auto" */
  shardedPubSub?: boolean | "auto"
  /** A Redis command unanswered after this fails (a publish then answers 503). @default 5000 */
  commandTimeoutMs?: number
  /** Interval of the PING that detects a hung Redis or half-open connection (then: not ready, reconnect). @default 5000 */
  healthCheckMs?: number
  /** More ioredis options (TLS, retryStrategy, …). Offline queueing and re-sending stay off. @default {} */
  redisOptions?: RedisOptions
  /** Where readiness changes and connection errors are logged. @default none */
  logger?: Logger
}

/** A broker backed by Redis: Streams hold history and assign ids, Pub/Sub fans out to every node. */
export interface RedisBroker extends Broker {
  /** Resolves true once Redis is reachable and subscriptions are live, false after `timeoutMs`. */
  whenReady(timeoutMs?: number): Promise<boolean>
  onReadyChange(listener: (ready: boolean) => void): () => void
}

interface LiveChannel {
  readonly channel: string
  readonly keys: RedisChannelKeys
  readonly channelJson: string
  readonly listeners: Set<BrokerListener>
  subscribed: Promise<unknown>
  /** Newest id delivered: repeats (after a re-subscribe) are dropped, a catch-up starts here. */
  lastId: string | null
  /** Live messages held while a catch-up read is in flight. */
  held: StoredMessage[] | null
}

type ScriptReply = (string | number)[]
type Scripted = Redis & Record<"conduitPublish" | "conduitRead", (numKeys: number, ...args: (string | number)[]) => Promise<unknown>>

const unavailable = (cause?: unknown): ConduitError =>
  cause instanceof ConduitError ? cause : new ConduitError(ErrorCode.BROKER_UNAVAILABLE, "redis unavailable; retry", { cause })

/**
 * The scale-out broker. Any node may publish to or serve any channel: the
 * publish script appends to the channel's stream and publishes the same
 * messages on its Pub/Sub channel atomically, so every node sees them in id
 * order; a subscriber resuming on another node reads the stream first.
 */
export function createRedisBroker(options: RedisBrokerOptions): RedisBroker {
  const prefix = options.prefix ?? "conduit:"
  const historySize = options.historySize ?? 1000
  const historyTtlMs = options.historyTtlMs ?? 300_000
  const live = new Map<string, LiveChannel>() // by Pub/Sub channel name
  const links = createRedisConnections({
    url: options.url,
    shardedPubSub: options.shardedPubSub ?? "auto",
    commandTimeoutMs: options.commandTimeoutMs ?? 5000,
    healthCheckMs: options.healthCheckMs ?? 5000,
    redisOptions: options.redisOptions ?? {},
    logger: options.logger,
    restore,
  })
  const cmd = links.cmd as Scripted
  cmd.defineCommand("conduitPublish", { lua: PUBLISH_SCRIPT })
  cmd.defineCommand("conduitRead", { lua: READ_SCRIPT })
  const onLive = (name: string, payload: string): void => {
    const ch = live.get(name)
    if (!ch) return
    const messages = messagesOfLive(ch.channelJson, payload)
    if (ch.held) ch.held.push(...messages)
    else deliver(ch, messages)
  }
  links.sub.on("smessage", onLive)
  links.sub.on("message", onLive)

  function deliver(ch: LiveChannel, messages: StoredMessage[]): void {
    const fresh = ch.lastId === null ? messages : messages.filter((m) => compareIds(m.id, ch.lastId!) > 0)
    if (fresh.length === 0) return
    ch.lastId = fresh.at(-1)!.id
    for (const listener of ch.listeners) {
      try {
        listener(fresh)
      } catch (error) {
        options.logger?.error({ err: error, channel: ch.channel }, "broker listener threw")
      }
    }
  }

  const subscribeNames = (names: string[]): Promise<unknown> =>
    links.mode() === "S" ? links.sub.ssubscribe(...names) : links.sub.subscribe(...names)

  function dropIfIdle(ch: LiveChannel): void {
    if (ch.listeners.size > 0 || live.get(ch.keys.live) !== ch) return
    live.delete(ch.keys.live)
    if (links.sub.status !== "ready") return
    const done = links.mode() === "S" ? links.sub.sunsubscribe(ch.keys.live) : links.sub.unsubscribe(ch.keys.live)
    done.catch(() => {}) // a dropped connection forgets its subscriptions anyway
  }

  /** After a reconnect: subscribe again, then deliver what a listener missed meanwhile. */
  async function restore(): Promise<void> {
    const channels = [...live.values()]
    if (channels.length === 0) return
    await subscribeNames(channels.map((ch) => ch.keys.live))
    await Promise.all(
      channels.map(async (ch) => {
        if (ch.lastId === null) return
        const held: StoredMessage[] = []
        ch.held = held
        try {
          deliver(ch, (await read(ch.channel, ch.lastId)).messages)
          deliver(ch, held)
        } finally {
          // On failure the held messages are dropped: the next attempt reads them from the stream.
          ch.held = null
        }
      }),
    )
  }

  async function subscribe(channel: string, listener: BrokerListener): Promise<() => void> {
    if (!links.isReady()) throw unavailable()
    const keys = redisKeysOf(prefix, channel)
    let ch = live.get(keys.live)
    if (!ch) {
      const created: LiveChannel = {
        channel,
        keys,
        channelJson: JSON.stringify(channel),
        listeners: new Set(),
        subscribed: subscribeNames([keys.live]),
        lastId: null,
        held: null,
      }
      live.set(keys.live, (ch = created))
    }
    const joined = ch
    joined.listeners.add(listener)
    try {
      await joined.subscribed
    } catch (error) {
      joined.listeners.delete(listener)
      dropIfIdle(joined)
      throw unavailable(error)
    }
    return () => {
      joined.listeners.delete(listener)
      dropIfIdle(joined)
    }
  }

  async function publishChannel(channel: string, messages: PreparedMessage[]): Promise<PublishResult[]> {
    const keys = redisKeysOf(prefix, channel)
    const keyList = [keys.stream, keys.meta]
    const args: (string | number)[] = [keys.live, links.mode() ?? "P", historySize, historyTtlMs]
    for (const m of messages) {
      if (m.idempotencyKey !== undefined) keyList.push(keys.idempotency(m.idempotencyKey))
      args.push(m.topic, envelopeTail(m.runId, m.kind), m.dataJson, m.idempotencyKey === undefined ? 0 : keyList.length)
    }
    const reply = (await cmd.conduitPublish(keyList.length, ...keyList, ...args)) as ScriptReply
    return messages.map((_, i) => ({ id: String(reply[2 * i]), duplicate: reply[2 * i + 1] === 1 }))
  }

  async function publish(messages: PreparedMessage[]): Promise<PublishResult[]> {
    if (!links.isReady()) throw unavailable()
    // One script call per channel; calls share the connection, so each channel keeps input order.
    const byChannel = new Map<string, number[]>()
    messages.forEach((m, i) => {
      const list = byChannel.get(m.channel)
      if (list) list.push(i)
      else byChannel.set(m.channel, [i])
    })
    const results: PublishResult[] = new Array(messages.length)
    try {
      await Promise.all(
        [...byChannel].map(async ([channel, indexes]) => {
          const done = await publishChannel(channel, indexes.map((i) => messages[i]!))
          indexes.forEach((i, j) => (results[i] = done[j]!))
        }),
      )
    } catch (error) {
      throw unavailable(error)
    }
    return results
  }

  async function read(channel: string, after: string, limit?: number): Promise<ReadResult> {
    const keys = redisKeysOf(prefix, channel)
    const start = after === "0" || after === "0-0" ? "0" : after
    let reply: ScriptReply
    try {
      reply = (await cmd.conduitRead(2, keys.stream, keys.meta, start, limit ?? historySize, historySize, historyTtlMs)) as ScriptReply
    } catch (error) {
      throw unavailable(error)
    }
    if (reply[0] === 0) {
      // Nothing known of the channel (never used, expired, or Redis lost its data): a real id may have missed messages.
      return { messages: [], gap: start === "0" ? null : { lastEventId: after, oldest: null }, newest: null }
    }
    const channelJson = JSON.stringify(channel)
    const entries = reply[3] as unknown as StreamEntry[]
    return {
      messages: entries.map((entry) => messageOfEntry(channelJson, entry)),
      gap: reply[1] === 1 ? { lastEventId: after, oldest: (reply[2] as string) || null } : null,
      newest: (reply[4] as string) || null,
    }
  }

  return {
    publish,
    subscribe,
    read,
    isReady: links.isReady,
    onReadyChange: links.onReadyChange,
    whenReady: (timeoutMs = 10_000) => links.whenReady(timeoutMs),
    close: () => {
      live.clear()
      return links.close()
    },
  }
}
