import { Redis, type RedisOptions } from "ioredis"
import type { Logger } from "pino"

/** How live messages travel: sharded (SPUBLISH/SSUBSCRIBE, Redis ≥ 7) or plain Pub/Sub. */
export type PubSubMode = "S" | "P"

export interface RedisConnectionsOptions {
  url: string
  shardedPubSub: boolean | "auto"
  commandTimeoutMs: number
  healthCheckMs: number
  redisOptions: RedisOptions
  logger: Logger | undefined
  /**
   * Runs after every (re)connect, before readiness is reported: re-subscribes
   * live channels. Failure keeps the broker not ready and is retried.
   */
  restore: () => Promise<void>
}

/** The two connections of a Redis broker and their joint readiness. */
export interface RedisConnections {
  /** Commands and scripts. */
  readonly cmd: Redis
  /** Subscriber mode only. */
  readonly sub: Redis
  mode(): PubSubMode | null
  isReady(): boolean
  onReadyChange(listener: (ready: boolean) => void): () => void
  whenReady(timeoutMs: number): Promise<boolean>
  close(): Promise<void>
}

const RETRY_RESTORE_MS = 500

/**
 * Opens a command and a subscriber connection. Commands never wait for a
 * connection (no offline queue, no retries, no re-sending after reconnect:
 * a publish answered 503 must not happen later) and time out; the caller is
 * told when both connections are up, and when either goes down.
 */
export function createRedisConnections(options: RedisConnectionsOptions): RedisConnections {
  const { logger } = options
  const connectionOptions: RedisOptions = {
    ...options.redisOptions,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false, // `restore` re-subscribes, then catches up from the stream
    commandTimeout: options.commandTimeoutMs,
  }
  // Named in CLIENT LIST: "conduit-cmd", "conduit-sub" (or after redisOptions.connectionName).
  const name = options.redisOptions.connectionName ?? "conduit"
  const cmd = new Redis(options.url, { ...connectionOptions, connectionName: `${name}-cmd` })
  const sub = new Redis(options.url, { ...connectionOptions, connectionName: `${name}-sub` })
  const listeners = new Set<(ready: boolean) => void>()
  let mode: PubSubMode | null = null
  let ready = false
  let restoring = false
  let closed = false
  let warnedDown = false
  // Bumped whenever a connection drops: a restore that raced a drop is redone.
  let epoch = 0

  const setReady = (value: boolean): void => {
    if (value === ready) return
    ready = value
    if (value) {
      warnedDown = false
      logger?.info({ mode: mode === "S" ? "sharded" : "plain" }, "redis broker ready")
    } else if (!closed) logger?.warn("redis broker unavailable: streams closed, publishes refused until it is back")
    for (const listener of [...listeners]) listener(value)
  }

  const update = (): void => {
    const healthy = !closed && cmd.status === "ready" && sub.status === "ready" && mode !== null
    if (!healthy) return setReady(false)
    if (ready || restoring) return
    restoring = true
    const started = epoch
    options.restore().then(
      () => {
        restoring = false
        if (started === epoch) setReady(!closed && cmd.status === "ready" && sub.status === "ready")
        else update()
      },
      (error: unknown) => {
        restoring = false
        logger?.warn({ err: error }, "redis broker: restoring subscriptions failed; retrying")
        setTimeout(update, RETRY_RESTORE_MS).unref()
      },
    )
  }

  const detectMode = async (): Promise<void> => {
    if (options.shardedPubSub !== "auto") mode = options.shardedPubSub ? "S" : "P"
    else mode = Number(/redis_version:(\d+)/.exec(await cmd.info("server"))?.[1] ?? 0) >= 7 ? "S" : "P"
  }

  cmd.on("ready", () => {
    detectMode().then(update, (error: unknown) => {
      logger?.warn({ err: error }, "redis broker: version check failed")
      update()
    })
  })
  sub.on("ready", update)
  // A half-open connection (a partition, a hung server) looks ready until TCP
  // keepalive notices, hours later; the subscriber would hear nothing, silently.
  // A PING unanswered within the command timeout drops it: ioredis reconnects.
  const pinging = new Set<Redis>()
  const health = setInterval(() => {
    for (const connection of [cmd, sub]) {
      if (connection.status !== "ready" || pinging.has(connection)) continue
      pinging.add(connection)
      connection
        .ping()
        .catch(() => {
          if (connection.status !== "ready" || closed) return
          logger?.warn("redis did not answer PING in time: reconnecting")
          connection.disconnect(true)
        })
        .finally(() => pinging.delete(connection))
    }
  }, options.healthCheckMs)
  health.unref()

  for (const connection of [cmd, sub]) {
    connection.on("close", () => {
      epoch++
      update()
    })
    connection.on("error", (error: Error) => {
      // Reconnect attempts fail every few seconds while Redis is away: say it once.
      if (!warnedDown && !closed) logger?.warn({ err: error }, "redis connection error")
      else logger?.debug({ err: error }, "redis connection error")
      warnedDown = true
    })
  }

  return {
    cmd,
    sub,
    mode: () => mode,
    isReady: () => ready,
    onReadyChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    whenReady(timeoutMs) {
      if (ready) return Promise.resolve(true)
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          listeners.delete(onChange)
          resolve(false)
        }, timeoutMs)
        const onChange = (value: boolean): void => {
          if (!value) return
          clearTimeout(timer)
          listeners.delete(onChange)
          resolve(true)
        }
        listeners.add(onChange)
      })
    },
    async close() {
      closed = true
      clearInterval(health)
      listeners.clear()
      ready = false
      await Promise.all(
        [cmd, sub].map(async (connection) => {
          if (connection.status !== "ready") return connection.disconnect()
          await connection.quit().catch(() => connection.disconnect())
        }),
      )
    },
  }
}
