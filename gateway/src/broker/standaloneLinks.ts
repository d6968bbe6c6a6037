import { isConduitError } from "@conduit/shared"
import { Redis } from "ioredis"
import { startHealthCheck } from "./healthCheck.ts"
import { agreeLiveMode, type LiveMode } from "./liveMode.ts"
import { createReadiness } from "./readiness.ts"
import { connectionOptions, liveModeKey, type LinksOptions, type RedisLinks, withScripts } from "./redisLinks.ts"

const RETRY_RESTORE_MS = 500
// The live mode is checked again every this many health checks: a record lost
// to a flush is written again, and a node started meanwhile with another mode is refused.
const MODE_CHECK_EVERY = 10

/**
 * One Redis server: a connection for publishes, one for replay reads, one in
 * subscriber mode, and one for the health check alone. Ready once all four
 * are up, the live mode is agreed and live channels are restored; any one
 * dropping, or the health check failing, turns it not ready.
 */
export function createStandaloneLinks(url: string, options: LinksOptions): RedisLinks {
  const { logger, events } = options
  // Named in CLIENT LIST: "conduit-cmd", "conduit-reads", "conduit-sub", "conduit-health" (or after redisOptions.connectionName).
  const name = options.redisOptions.connectionName ?? "conduit"
  const open = (role: string): Redis => new Redis(url, { ...connectionOptions(options), connectionName: `${name}-${role}` })
  const cmd = withScripts(open("cmd"))
  const reads = withScripts(open("reads"))
  const sub = open("sub")
  const health = open("health")
  const all = [cmd, reads, sub, health] as Redis[]
  let mode: LiveMode | null = null
  let restoring = false
  let closed = false
  let warnedDown = false
  let checks = 0
  let refusal: string | null = null // the last live-mode refusal logged, said once
  // Bumped whenever a connection drops: a restore that raced a drop is redone.
  let epoch = 0

  const readiness = createReadiness((value) => {
    if (value) {
      warnedDown = false
      logger?.info({ mode }, "redis broker ready")
    } else {
      events.lost("all")
      if (!closed) logger?.warn("redis broker unavailable: streams closed, publishes refused until it is back")
    }
  })
  const setReady = readiness.set

  const allUp = (): boolean => !closed && all.every((c) => c.status === "ready")

  const update = (): void => {
    if (!allUp() || mode === null) return setReady(false)
    if (readiness.isReady() || restoring) return
    restoring = true
    const started = epoch
    events.restore("all").then(
      () => {
        restoring = false
        if (started === epoch) setReady(allUp() && mode !== null)
        else update()
      },
      (error: unknown) => {
        restoring = false
        logger?.warn({ err: error }, "redis broker: restoring subscriptions failed; retrying")
        setTimeout(update, RETRY_RESTORE_MS).unref()
      },
    )
  }

  const checkMode = (): void => {
    agreeLiveMode(health, liveModeKey(options.prefix), options.pubSub).then(
      (agreed) => {
        mode = agreed
        refusal = null
        update()
      },
      (error: unknown) => {
        mode = null
        if (isConduitError(error) && error.message !== refusal) logger?.error({ code: error.code, err: error }, (refusal = error.message))
        else logger?.debug({ err: error }, "redis broker: live mode check failed")
        update()
      },
    )
  }

  health.on("ready", checkMode)
  for (const connection of [cmd, reads, sub]) connection.on("ready", update)
  const check = startHealthCheck({
    ping: () => health.ping(),
    canPing: () => health.status === "ready",
    intervalMs: options.healthCheckMs,
    misses: options.healthCheckMisses,
    logger,
    onDown: () => {
      logger?.warn("redis stopped answering: reconnecting")
      for (const connection of all) if (connection.status === "ready") connection.disconnect(true)
    },
  })
  const modeTimer = setInterval(() => {
    if (health.status === "ready" && (mode === null || ++checks % MODE_CHECK_EVERY === 0)) checkMode()
  }, options.healthCheckMs)
  modeTimer.unref()

  const onLive = (channel: string, payload: string): void => events.message(channel, payload)
  sub.on("smessage", onLive)
  sub.on("message", onLive)
  for (const connection of all) {
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
    reads,
    cluster: false,
    live: {
      async subscribe(names) {
        await (mode === "sharded" ? sub.ssubscribe(...names) : sub.subscribe(...names))
      },
      unsubscribe(names) {
        if (sub.status !== "ready") return // a dropped connection forgets its subscriptions anyway
        const done = mode === "sharded" ? sub.sunsubscribe(...names) : sub.unsubscribe(...names)
        done.catch(() => {})
      },
    },
    mode: () => (mode === null ? null : mode === "sharded" ? "S" : "P"),
    canSend: () => true,
    isReady: readiness.isReady,
    onReadyChange: readiness.onReadyChange,
    whenReady: readiness.whenReady,
    async close() {
      closed = true
      check.stop()
      clearInterval(modeTimer)
      readiness.clear()
      await Promise.all(
        all.map(async (connection) => {
          if (connection.status !== "ready") return connection.disconnect()
          await connection.quit().catch(() => connection.disconnect())
        }),
      )
    },
  }
}
