import { compareIds, ConduitError, DEFAULTS, ErrorCode } from "@conduit/shared"
import calculateSlot from "cluster-key-slot"
import type { RedisOptions } from "ioredis"
import type { Logger } from "pino"
import type { Broker, BrokerInterruption, BrokerListener, PreparedMessage, PublishOptions, PublishResult, ReadResult, StoredMessage } from "./Broker.ts"
import { createClusterLinks } from "./clusterLinks.ts"
import type { LiveModeSetting } from "./liveMode.ts"
import { MessageCache } from "./messageCache.ts"
import { redisKeysOf, type RedisChannelKeys } from "./redisKeys.ts"
import type { LinkEvents, LinksOptions, RedisLinks } from "./redisLinks.ts"
import { messageOfEntry, messagesOfLive, type StreamEntry } from "./redisMessages.ts"
import { publishError, unavailable } from "./redisOutcome.ts"
import { createPublishesInFlight } from "./publishesInFlight.ts"
import { createReplayReads, type RawRead } from "./replayReads.ts"
import { resumeGap } from "./resumeGap.ts"
import { createStandaloneLinks } from "./standaloneLinks.ts"
import { envelopeTail } from "./storedMessage.ts"

export interface RedisBrokerOptions {
  /** One server: `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. Either this or `cluster`. */
  url?: string
  /** A Redis Cluster: seed nodes (`host:port` or `redis://…`; credentials and TLS of the first apply to all). */
  cluster?: readonly string[]
  /** Prepended to every key and Pub/Sub channel, so deployments can share one Redis. @default "conduit:" */
  prefix?: string
  /** Messages retained per channel (exact). @default 1000 */
  historySize?: number
  /** Age bound of retained messages, ms; idempotency keys are remembered as long. @default 300000 */
  historyTtlMs?: number
  /** How long a publish request's key (`Idempotency-Key`, the SDK's retries) is remembered, ms. @default 60000 */
  requestKeyTtlMs?: number
  /** Bytes of serialized `data` retained per channel; the oldest go first. @default 16777216 */
  historyBytes?: number
  /**
   * Live mode: sharded Pub/Sub (SPUBLISH, Redis ≥ 7, the only one on a
   * cluster) or plain. Every node of a deployment uses the one recorded in
   * Redis (`<prefix>pubsub`) by the first; "auto" follows it (or picks sharded
   * where Redis has it), a different explicit setting refuses to run.
   * @default "auto"
   */
  pubSub?: LiveModeSetting
  /** A Redis command unanswered after this fails (a publish then answers "outcome unknown"). @default 5000 */
  commandTimeoutMs?: number
  /** Interval of the health PING, on its own connection (a hung Redis or a half-open connection: not ready, reconnect). @default 5000 */
  healthCheckMs?: number
  /** Health PINGs unanswered in a row before Redis counts as gone: one slow answer is not an outage. @default 3 */
  healthCheckMisses?: number
  /** Replay reads in flight at once per node; more wait (and merge, for one channel). @default 4 */
  replayConcurrency?: number
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
  /** Each listener, with what to call when its subscription can no longer be vouched for. */
  readonly listeners: Map<BrokerListener, BrokerInterruption | undefined>
  /** This node's one copy of each message of the channel it built (live or replayed). */
  readonly cache: MessageCache
  subscribed: Promise<unknown>
  /** Newest id delivered: repeats (after a re-subscribe) are dropped, a catch-up starts here. */
  lastId: string | null
  /** Live messages held while a catch-up read is in flight (or the subscription is lost). */
  held: StoredMessage[] | null
}

type ScriptReply = (string | number)[]

const MARKS_AT_ONCE = 16

/**
 * The scale-out broker. Any node may publish to or serve any channel: the
 * publish script appends to the channel's stream and publishes the same
 * messages on its Pub/Sub channel atomically, so every node sees them in id
 * order; a subscriber resuming on another node reads the stream first.
 */
export function createRedisBroker(options: RedisBrokerOptions): RedisBroker {
  if ((options.url === undefined) === (options.cluster === undefined || options.cluster.length === 0)) {
    throw new ConduitError(ErrorCode.CONFIG, "a Redis broker needs either url (one server) or cluster (seed nodes), not both")
  }
  const prefix = options.prefix ?? "conduit:"
  const historySize = options.historySize ?? DEFAULTS.historySize
  const historyTtlMs = options.historyTtlMs ?? DEFAULTS.historyTtlMs
  const historyBytes = options.historyBytes ?? DEFAULTS.historyBytes
  const requestKeyTtlMs = options.requestKeyTtlMs ?? DEFAULTS.requestKeyTtlMs
  const { logger } = options
  const live = new Map<string, LiveChannel>() // by Pub/Sub channel name
  /** Channels whose subscription was lost, with the newest id delivered then: checked for data Redis lost. */
  const suspects = new Map<string, string>()

  const events: LinkEvents = { message: onLive, lost, restore }
  const linksOptions: LinksOptions = {
    prefix,
    pubSub: options.pubSub ?? "auto",
    commandTimeoutMs: options.commandTimeoutMs ?? 5000,
    healthCheckMs: options.healthCheckMs ?? 5000,
    healthCheckMisses: options.healthCheckMisses ?? 3,
    redisOptions: options.redisOptions ?? {},
    logger,
    events,
  }
  const links: RedisLinks = options.url === undefined ? createClusterLinks(options.cluster!, linksOptions) : createStandaloneLinks(options.url, linksOptions)
  const inFlight = createPublishesInFlight()
  const replays = createReplayReads({ concurrency: options.replayConcurrency ?? 4, fullLimit: historySize, run: readScript })

  function onLive(name: string, payload: string): void {
    const ch = live.get(name)
    if (!ch) return
    let messages: StoredMessage[]
    try {
      messages = messagesOfLive(ch.channelJson, payload).map((m) => ch.cache.add(m))
    } catch (error) {
      logger?.error({ err: error, channel: ch.channel }, "redis broker: unreadable live message dropped")
      return
    }
    if (ch.held) ch.held.push(...messages)
    else deliver(ch, messages)
  }

  function deliver(ch: LiveChannel, messages: StoredMessage[]): void {
    const fresh = ch.lastId === null ? messages : messages.filter((m) => compareIds(m.id, ch.lastId!) > 0)
    if (fresh.length === 0) return
    ch.lastId = fresh.at(-1)!.id
    for (const listener of ch.listeners.keys()) {
      try {
        listener(fresh)
      } catch (error) {
        logger?.error({ err: error, channel: ch.channel }, "broker listener threw")
      }
    }
  }

  /** Subscriptions stopped: hold what arrives until caught up, and remember where each channel was. */
  function lost(names: string[] | "all"): void {
    const channels = names === "all" ? [...live.values()] : names.flatMap((name) => live.get(name) ?? [])
    for (const ch of channels) {
      if (ch.lastId !== null) suspects.set(ch.channel, ch.lastId)
      ch.held ??= []
    }
  }

  /** Subscriptions are back: record what Redis lost, then catch every live channel up from the stream. */
  async function restore(names: string[] | "all"): Promise<void> {
    const channels = names === "all" ? [...live.values()] : names.flatMap((name) => live.get(name) ?? [])
    await markLosses(names === "all" ? [...suspects.keys()] : channels.map((ch) => ch.channel).filter((c) => suspects.has(c)))
    if (names === "all" && channels.length > 0) await links.live.subscribe(channels.map((ch) => ch.keys.live))
    await Promise.all(channels.map(catchUp))
  }

  /**
   * A channel this node delivered up to an id the stream no longer holds lost
   * messages in Redis (a primary died before its replica got them): record
   * it, so a resume from before that id is told ($gap), here and on every node.
   */
  async function markLosses(channels: string[]): Promise<void> {
    for (let i = 0; i < channels.length; i += MARKS_AT_ONCE) {
      await Promise.all(
        channels.slice(i, i + MARKS_AT_ONCE).map(async (channel) => {
          const lastId = suspects.get(channel)
          if (lastId === undefined) return
          const keys = redisKeysOf(prefix, channel)
          const marked = await links.cmd.conduitMarkLoss(3, keys.stream, keys.meta, keys.index, lastId)
          if (marked === 1) logger?.warn({ channel, lastId }, "redis lost messages this node had delivered: resumes from before them get $gap")
          if (suspects.get(channel) === lastId) suspects.delete(channel)
        }),
      )
    }
  }

  /**
   * Delivers what a channel missed while its subscription was down, or tells
   * its listeners it cannot. Until it succeeds, live messages stay held (a
   * failed attempt is retried, and reads them from the stream again).
   */
  async function catchUp(ch: LiveChannel): Promise<void> {
    const held = (ch.held ??= [])
    if (ch.lastId === null) {
      ch.held = null
      return interrupt(ch) // nothing delivered yet: no id to catch up from
    }
    for (;;) {
      const { messages, gap } = await read(ch.channel, ch.lastId)
      if (gap) {
        ch.held = null
        return interrupt(ch)
      }
      deliver(ch, messages)
      if (messages.length < historySize) break // else more may follow than one read returns
    }
    if (ch.held === held) ch.held = null
    deliver(ch, held)
  }

  function interrupt(ch: LiveChannel): void {
    ch.lastId = null
    const calls = [...ch.listeners.values()]
    if (calls.includes(undefined)) logger?.warn({ channel: ch.channel }, "redis broker: a subscription may have lost live messages it cannot recover")
    for (const onInterrupted of calls) onInterrupted?.()
  }

  function dropIfIdle(ch: LiveChannel): void {
    if (ch.listeners.size > 0 || live.get(ch.keys.live) !== ch) return
    live.delete(ch.keys.live)
    links.live.unsubscribe([ch.keys.live])
  }

  async function subscribe(channel: string, listener: BrokerListener, onInterrupted?: BrokerInterruption): Promise<() => void> {
    if (!links.isReady()) throw unavailable()
    const keys = redisKeysOf(prefix, channel)
    let ch = live.get(keys.live)
    if (!ch) {
      ch = {
        channel,
        keys,
        channelJson: JSON.stringify(channel),
        listeners: new Map(),
        cache: new MessageCache(historySize, historyBytes),
        subscribed: links.live.subscribe([keys.live]),
        lastId: null,
        held: null,
      }
      live.set(keys.live, ch)
    }
    const joined = ch
    joined.listeners.set(listener, onInterrupted)
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

  /** One script call for channels that may share one (all of them on one server, one slot's on a cluster). */
  async function publishGroup(groups: [string, number[]][], messages: PreparedMessage[], results: PublishResult[], requestKey: string | undefined): Promise<void> {
    const keyList: string[] = []
    for (const [channel] of groups) {
      const keys = redisKeysOf(prefix, channel)
      keyList.push(keys.stream, keys.meta, keys.index)
    }
    const args: (string | number)[] = [links.mode() ?? "P", historySize, historyTtlMs, historyBytes, groups.length, requestKey === undefined ? 0 : requestKeyTtlMs]
    for (const [channel, indexes] of groups) {
      const keys = redisKeysOf(prefix, channel)
      args.push(keys.live, indexes.length)
      for (const i of indexes) {
        const m = messages[i]!
        if (m.idempotencyKey !== undefined) keyList.push(keys.idempotency(m.idempotencyKey))
        args.push(m.topic, envelopeTail(m.runId, m.kind, m.stream), m.dataJson, m.idempotencyKey === undefined ? 0 : keyList.length)
      }
    }
    // In the slot of the group's first channel: a retry groups the same messages the same way, so finds it.
    if (requestKey !== undefined) keyList.push(redisKeysOf(prefix, groups[0]![0]).request(requestKey))
    const reply = (await links.cmd.conduitPublish(keyList.length, ...keyList, ...args)) as ScriptReply
    let r = 0
    for (const [, indexes] of groups) {
      for (const i of indexes) {
        results[i] = { id: String(reply[r]), duplicate: reply[r + 1] === 1 }
        r += 2
      }
    }
  }

  async function publish(messages: PreparedMessage[], publishOptions: PublishOptions = {}): Promise<PublishResult[]> {
    if (!links.isReady() || links.mode() === null) throw unavailable()
    const done = inFlight.start(messages)
    try {
      return await publishNow(messages, publishOptions.requestKey)
    } finally {
      done()
    }
  }

  async function publishNow(messages: PreparedMessage[], requestKey: string | undefined): Promise<PublishResult[]> {
    const byChannel = new Map<string, number[]>()
    messages.forEach((m, i) => {
      const list = byChannel.get(m.channel)
      if (list) list.push(i)
      else byChannel.set(m.channel, [i])
    })
    const results: PublishResult[] = new Array(messages.length)
    if (!links.cluster) {
      // One script: the whole request is published, or none of it.
      try {
        await publishGroup([...byChannel], messages, results, requestKey)
      } catch (error) {
        throw publishError(error)
      }
      return results
    }
    // A cluster runs a script per slot: each slot's part is all or nothing, the batch as a whole cannot be.
    const bySlot = new Map<number, [string, number[]][]>()
    for (const entry of byChannel) {
      const slot = calculateSlot(entry[0])
      const list = bySlot.get(slot)
      if (list) list.push(entry)
      else bySlot.set(slot, [entry])
    }
    for (const slot of bySlot.keys()) if (!links.canSend(slot)) throw unavailable(new Error(`no connection to the primary of slot ${slot} yet`))
    const outcomes = await Promise.allSettled([...bySlot.values()].map((groups) => publishGroup(groups, messages, results, requestKey)))
    const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [publishError(o.reason)] : []))
    if (failures.length === 0) return results
    const noneDone = failures.length === outcomes.length && failures.every((f) => f.code !== ErrorCode.OUTCOME_UNKNOWN)
    if (noneDone) throw failures[0]!
    throw new ConduitError(
      ErrorCode.OUTCOME_UNKNOWN,
      "part of the batch may have been published (a batch over several Redis Cluster slots is all or nothing per slot); retry with the same idempotency keys",
      { cause: failures[0] },
    )
  }

  async function readScript(channel: string, after: string, limit: number): Promise<RawRead> {
    const keys = redisKeysOf(prefix, channel)
    const reply = (await links.reads.conduitRead(3, keys.stream, keys.meta, keys.index, after, limit, historySize, historyTtlMs, historyBytes)) as [string, number, string, StreamEntry[], string]
    return { evictedThrough: reply[0] || null, holdsResumeId: reply[1] === 1, oldest: reply[2] || null, entries: reply[3], newest: reply[4] || null }
  }

  async function read(channel: string, after: string, limit?: number): Promise<ReadResult> {
    let raw: RawRead
    try {
      if (suspects.has(channel)) await markLosses([channel]) // a resume here must see what Redis lost
      raw = await replays.read(channel, after, limit)
    } catch (error) {
      throw unavailable(error)
    }
    const ch = live.get(redisKeysOf(prefix, channel).live)
    const channelJson = ch?.channelJson ?? JSON.stringify(channel)
    const messages = raw.entries.map((entry) => (ch ? ch.cache.intern(entry[0], () => messageOfEntry(channelJson, entry)) : messageOfEntry(channelJson, entry)))
    return { messages, gap: resumeGap(after, raw), newest: raw.newest }
  }

  return {
    publish,
    subscribe,
    read,
    isReady: links.isReady,
    whenPublished: inFlight.whenPublished,
    onReadyChange: links.onReadyChange,
    whenReady: (timeoutMs = 10_000) => links.whenReady(timeoutMs),
    close: () => {
      live.clear()
      return links.close()
    },
  }
}
