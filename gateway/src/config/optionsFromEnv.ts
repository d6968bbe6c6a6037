import { ConduitError, ErrorCode } from "@conduit/shared"
import type { GatewayOptions } from "./GatewayOptions.ts"

export interface ListenOptions {
  port: number
  host: string
}

/** Reads the `CONDUIT_*` variables that set `createGateway` and `listen` options (`.env.example` lists every variable and what it sets). */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayOptions & ListenOptions {
  const int = (name: string): number | undefined => {
    const raw = env[name]
    if (raw === undefined || raw === "") return undefined
    const value = Number(raw)
    if (!Number.isInteger(value)) throw new ConduitError(ErrorCode.CONFIG, `${name} must be an integer, got "${raw}"`)
    return value
  }
  const flag = (name: string): boolean | undefined => {
    const raw = env[name]
    if (raw === undefined || raw === "") return undefined
    return raw === "1" || raw.toLowerCase() === "true"
  }
  const list = (name: string): string[] | undefined => {
    const items = env[name]?.split(",").map((s) => s.trim()).filter(Boolean)
    return items && items.length > 0 ? items : undefined
  }
  const origins = list("CONDUIT_CORS_ORIGINS")
  return {
    port: int("CONDUIT_PORT") ?? 8288,
    host: env.CONDUIT_HOST || "127.0.0.1",
    signingKey: env.CONDUIT_SIGNING_KEY || undefined,
    signingKeyFallback: env.CONDUIT_SIGNING_KEY_FALLBACK || undefined,
    dev: flag("CONDUIT_DEV"),
    redisUrl: env.CONDUIT_REDIS_URL || undefined,
    redisCluster: list("CONDUIT_REDIS_CLUSTER"),
    redisPrefix: env.CONDUIT_REDIS_PREFIX || undefined,
    redisPubSub: (env.CONDUIT_REDIS_PUBSUB || undefined) as GatewayOptions["redisPubSub"],
    historySize: int("CONDUIT_HISTORY_SIZE"),
    historyTtlMs: int("CONDUIT_HISTORY_TTL_MS"),
    historyBytes: int("CONDUIT_HISTORY_BYTES"),
    idempotencyKeys: int("CONDUIT_IDEMPOTENCY_KEYS"),
    requestKeyTtlMs: int("CONDUIT_REQUEST_KEY_TTL_MS"),
    heartbeatMs: int("CONDUIT_HEARTBEAT_MS"),
    maxMessageBytes: int("CONDUIT_MAX_MESSAGE_BYTES"),
    maxRequestBytes: int("CONDUIT_MAX_REQUEST_BYTES"),
    slowConsumerBytes: int("CONDUIT_SLOW_CONSUMER_BYTES"),
    tokenTtlSeconds: int("CONDUIT_TOKEN_TTL_SECONDS"),
    maxTokenTtlSeconds: int("CONDUIT_MAX_TOKEN_TTL_SECONDS"),
    enforceTokenExpiry: flag("CONDUIT_ENFORCE_TOKEN_EXPIRY"),
    maxStreamsPerIp: int("CONDUIT_MAX_STREAMS_PER_IP"),
    publishRatePerSecond: int("CONDUIT_PUBLISH_RATE"),
    headersTimeoutMs: int("CONDUIT_HEADERS_TIMEOUT_MS"),
    corsOrigins: origins,
    logLevel: env.CONDUIT_LOG_LEVEL || undefined,
  }
}
