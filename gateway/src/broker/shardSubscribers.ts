import calculateSlot from "cluster-key-slot"
import { type Cluster, Redis, type RedisOptions } from "ioredis"
import type { Logger } from "pino"
import { startHealthCheck } from "./healthCheck.ts"
import { unavailable } from "./redisOutcome.ts"
import type { LinkEvents, LiveSubscriptions } from "./redisLinks.ts"

const REPAIR_MS = 250

export interface ShardSubscribersOptions {
  /** Options of every subscriber connection (credentials, TLS, timeouts). */
  connection: RedisOptions
  healthCheckMs: number
  healthCheckMisses: number
  logger: Logger | undefined
  events: LinkEvents
}

interface Shard {
  readonly redis: Redis
  readonly connected: Promise<void>
  readonly names: Set<string>
  readonly health: { stop(): void }
}

/**
 * Sharded Pub/Sub on a Redis Cluster: one subscriber connection per primary
 * that owns a subscribed channel's slot, SSUBSCRIBE per slot. When a
 * connection drops (its primary died) or a slot moves to another primary
 * (resharding, failover), its channels are reported lost, subscribed again
 * where their slot now lives, then restored (the broker catches them up from
 * the stream). ioredis's own sharded subscribers re-subscribe silently; a
 * broker that must never lose a message silently has to know when.
 */
export function createShardSubscribers(cluster: Cluster, options: ShardSubscribersOptions): LiveSubscriptions & { close(): void } {
  const { events, logger } = options
  const wanted = new Map<string, number>() // name → slot
  const owner = new Map<string, string>() // name → node key ("host:port") it is subscribed on
  const shards = new Map<string, Shard>()
  let repairTimer: NodeJS.Timeout | undefined
  let closed = false

  const primaryOf = (slot: number): string | undefined => cluster.slots[slot]?.[0]

  function shardFor(nodeKey: string): Shard {
    const known = shards.get(nodeKey)
    if (known) return known
    const at = nodeKey.lastIndexOf(":")
    const redis = new Redis({
      ...options.connection,
      host: nodeKey.slice(0, at),
      port: Number(nodeKey.slice(at + 1)),
      connectionName: `${options.connection.connectionName ?? "conduit"}-live`,
      lazyConnect: true,
      retryStrategy: () => null, // a dead primary is not retried: its slots move, and `repair` follows them
    })
    const shard: Shard = {
      redis,
      connected: redis.connect(),
      names: new Set(),
      health: startHealthCheck({
        ping: () => redis.ping(),
        canPing: () => redis.status === "ready",
        intervalMs: options.healthCheckMs,
        misses: options.healthCheckMisses,
        logger,
        onDown: () => redis.disconnect(),
      }),
    }
    shard.connected.catch(() => {}) // reported through "close"
    shards.set(nodeKey, shard)
    redis.on("smessage", (name: string, payload: string) => events.message(name, payload))
    redis.on("error", (error: Error) => logger?.debug({ err: error, node: nodeKey }, "redis cluster subscriber error"))
    redis.on("close", () => dropShard(nodeKey, shard))
    return shard
  }

  function dropShard(nodeKey: string, shard: Shard): void {
    if (shards.get(nodeKey) !== shard) return
    shards.delete(nodeKey)
    shard.health.stop()
    shard.redis.disconnect()
    const lost = [...shard.names].filter((name) => owner.get(name) === nodeKey)
    for (const name of lost) owner.delete(name)
    if (lost.length > 0 && !closed) {
      logger?.warn({ node: nodeKey, channels: lost.length }, "redis cluster: lost a shard's subscriptions; following its slots")
      events.lost(lost)
      scheduleRepair()
    }
  }

  /** SSUBSCRIBE `names` where their slots live now, one command per slot (Redis refuses cross-slot ones). */
  async function subscribeWhereOwned(names: string[]): Promise<void> {
    const bySlot = new Map<number, string[]>()
    for (const name of names) {
      const slot = wanted.get(name) ?? calculateSlot(name)
      const list = bySlot.get(slot)
      if (list) list.push(name)
      else bySlot.set(slot, [name])
    }
    await Promise.all(
      [...bySlot].map(async ([slot, group]) => {
        const nodeKey = primaryOf(slot)
        if (nodeKey === undefined) throw unavailable(new Error(`no primary known for slot ${slot}`))
        const shard = shardFor(nodeKey)
        try {
          await shard.connected
          await shard.redis.ssubscribe(...group)
        } catch (error) {
          cluster.refreshSlotsCache() // MOVED, or a dead node: the slot map is stale
          throw unavailable(error)
        }
        for (const name of group) {
          if (!wanted.has(name)) continue // unsubscribed meanwhile
          shard.names.add(name)
          owner.set(name, nodeKey)
        }
      }),
    )
  }

  function scheduleRepair(): void {
    if (repairTimer || closed) return
    repairTimer = setTimeout(() => {
      repairTimer = undefined
      void repair()
    }, REPAIR_MS)
    repairTimer.unref()
  }

  /** Subscribes every wanted name that is not, then has the broker catch them up. */
  async function repair(): Promise<void> {
    const missing = [...wanted.keys()].filter((name) => !owner.has(name))
    if (missing.length === 0) return
    try {
      await subscribeWhereOwned(missing)
    } catch (error) {
      logger?.debug({ err: error }, "redis cluster: re-subscribing failed; retrying")
      scheduleRepair()
    }
    const back = missing.filter((name) => owner.has(name))
    if (back.length > 0) restore(back)
  }

  function restore(names: string[]): void {
    events.restore(names).catch((error: unknown) => {
      logger?.debug({ err: error }, "redis cluster: catching up failed; retrying")
      const timer = setTimeout(() => {
        const still = names.filter((name) => owner.has(name))
        if (still.length > 0) restore(still)
      }, REPAIR_MS)
      timer.unref()
    })
  }

  // Slots move (resharding, a replica promoted): follow each channel to its new primary.
  cluster.on("refresh", () => {
    const moved: string[] = []
    for (const [name, slot] of wanted) {
      const nodeKey = owner.get(name)
      if (nodeKey === undefined || nodeKey === primaryOf(slot)) continue
      owner.delete(name)
      const shard = shards.get(nodeKey)
      shard?.names.delete(name)
      if (shard?.redis.status === "ready") shard.redis.sunsubscribe(name).catch(() => {})
      moved.push(name)
    }
    if (moved.length === 0) return
    events.lost(moved)
    scheduleRepair()
  })

  return {
    async subscribe(names) {
      for (const name of names) wanted.set(name, calculateSlot(name))
      try {
        await subscribeWhereOwned(names)
      } catch (error) {
        for (const name of names) if (!owner.has(name)) wanted.delete(name)
        throw error
      }
    },
    unsubscribe(names) {
      for (const name of names) {
        wanted.delete(name)
        const nodeKey = owner.get(name)
        owner.delete(name)
        const shard = nodeKey === undefined ? undefined : shards.get(nodeKey)
        if (!shard) continue
        shard.names.delete(name)
        if (shard.redis.status === "ready") shard.redis.sunsubscribe(name).catch(() => {})
      }
    },
    close() {
      closed = true
      clearTimeout(repairTimer)
      for (const [nodeKey, shard] of shards) {
        shards.delete(nodeKey)
        shard.health.stop()
        shard.redis.disconnect()
      }
    },
  }
}
