import { ConduitError, ErrorCode, isConduitError } from "@conduit/shared"
import { Cluster, type ClusterNode, type ClusterOptions } from "ioredis"
import { agreeLiveMode } from "./liveMode.ts"
import { createReadiness } from "./readiness.ts"
import { connectionOptions, liveModeKey, type LinksOptions, type RedisLinks, withScripts } from "./redisLinks.ts"
import { createShardSubscribers } from "./shardSubscribers.ts"

const MODE_RETRY_MS = 1000

/** `host:port`, `redis://[user:password@]host:port` or `rediss://…` → an ioredis seed node (credentials and TLS go to every node). */
export function parseSeed(seed: string): { node: ClusterNode; auth: { username?: string; password?: string; tls?: object } } {
  const url = new URL(seed.includes("://") ? seed : `redis://${seed}`)
  if (!url.hostname || !url.port) throw new ConduitError(ErrorCode.CONFIG, `a Redis Cluster seed must be host:port or a redis:// URL, got "${seed}"`)
  return {
    node: { host: url.hostname, port: Number(url.port) },
    auth: {
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.protocol === "rediss:" ? { tls: {} } : {}),
    },
  }
}

/**
 * A Redis Cluster through ioredis' Cluster client: one client for publishes,
 * one for replay reads (each keeps a connection per primary), and sharded
 * subscribers per primary (`createShardSubscribers`). Scripts run per slot:
 * a channel's keys share a hash tag. Ready while both clients are; one
 * shard failing over does not make the whole node unready (its channels
 * pause, then catch up), the whole cluster being unreachable does.
 */
export function createClusterLinks(seeds: readonly string[], options: LinksOptions): RedisLinks {
  const { logger, events } = options
  if (options.pubSub === "plain") {
    throw new ConduitError(ErrorCode.CONFIG, "a Redis Cluster carries live messages over sharded Pub/Sub: CONDUIT_REDIS_PUBSUB=plain is not supported there")
  }
  const parsed = seeds.map(parseSeed)
  const base = { ...connectionOptions(options), ...parsed[0]?.auth }
  const name = options.redisOptions.connectionName ?? "conduit"
  const clusterOptions = (role: string): ClusterOptions => ({
    redisOptions: { ...base, connectionName: `${name}-${role}` },
    enableOfflineQueue: false,
    // A command in flight when its connection closed may have run: never re-send it (the caller is told "unknown").
    retryDelayOnFailover: 0,
    // Refusals before running (CLUSTERDOWN, TRYAGAIN, MOVED, ASK) are safe to retry while a failover settles.
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    maxRedirections: 16,
    slotsRefreshInterval: 2000,
    scaleReads: "master",
    clusterRetryStrategy: (attempt) => Math.min(100 * attempt, 2000),
  })
  const nodes = parsed.map((p) => p.node)
  const cmd = withScripts(new Cluster(nodes, clusterOptions("cmd")))
  const reads = withScripts(new Cluster(nodes, clusterOptions("reads")))
  const live = createShardSubscribers(cmd, {
    connection: base,
    healthCheckMs: options.healthCheckMs,
    healthCheckMisses: options.healthCheckMisses,
    logger,
    events,
  })
  let agreed = false
  let closed = false
  let modeTimer: NodeJS.Timeout | undefined

  const readiness = createReadiness((value) => {
    if (value) logger?.info({ mode: "sharded", cluster: true }, "redis broker ready")
    else {
      events.lost("all")
      if (!closed) logger?.warn("redis cluster unavailable: streams closed, publishes refused until it is back")
    }
  })
  const update = (): void => readiness.set(!closed && agreed && cmd.status === "ready" && reads.status === "ready")

  const checkMode = (): void => {
    if (closed || agreed || cmd.status !== "ready") return
    agreeLiveMode(cmd, liveModeKey(options.prefix), options.pubSub).then(
      () => {
        agreed = true
        update()
      },
      (error: unknown) => {
        if (isConduitError(error)) logger?.error({ code: error.code, err: error }, error.message)
        else logger?.debug({ err: error }, "redis cluster: live mode check failed; retrying")
        modeTimer = setTimeout(checkMode, MODE_RETRY_MS)
        modeTimer.unref()
      },
    )
  }

  /** The connection to the primary serving `slot`, on `client`. */
  const primaryConnection = (client: Cluster, slot: number) => {
    const key = client.slots[slot]?.[0]
    return key === undefined ? undefined : client.nodes("master").find((n) => `${n.options.host}:${n.options.port}` === key)
  }
  // Node connections open lazily, on their first command, which a cluster without an offline queue
  // refuses: open them as soon as the slot map names them (at start, after a failover or resharding).
  // (Not while the cluster itself is connecting: it replaces its node connections then.)
  const connectPrimaries = (client: Cluster): void => {
    if (client.status !== "ready") return
    for (const node of client.nodes("master")) if (node.status === "wait") node.connect().catch(() => {})
  }

  for (const client of [cmd, reads]) {
    client.on("refresh", () => connectPrimaries(client))
    client.on("ready", () => {
      connectPrimaries(client)
      checkMode()
      update()
    })
    client.on("end", update)
    client.on("close", update)
    client.on("error", (error: Error) => logger?.debug({ err: error }, "redis cluster error"))
    client.on("node error", (error: Error, key: string) => logger?.debug({ err: error, node: key }, "redis cluster node error"))
  }

  return {
    cmd,
    reads,
    live,
    cluster: true,
    mode: () => (agreed ? "S" : null),
    canSend(slot) {
      connectPrimaries(cmd)
      return primaryConnection(cmd, slot)?.status === "ready"
    },
    isReady: readiness.isReady,
    onReadyChange: readiness.onReadyChange,
    whenReady: readiness.whenReady,
    async close() {
      closed = true
      clearTimeout(modeTimer)
      readiness.clear()
      live.close()
      await Promise.all([cmd, reads].map((c) => c.quit().catch(() => c.disconnect())))
    },
  }
}
