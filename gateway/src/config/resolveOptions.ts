import { ConduitError, DEFAULTS, ErrorCode } from "@conduit/shared"
import type { GatewayOptions } from "./GatewayOptions.ts"

type OptionalOption = "signingKey" | "signingKeyFallback" | "broker" | "redisUrl" | "redisCluster" | "redisPrefix" | "logger" | "logLevel"
export type ResolvedOptions = Required<Omit<GatewayOptions, OptionalOption>> & Pick<GatewayOptions, OptionalOption>

/** Fills defaults and refuses unsafe or malformed settings (`ERR_CONFIG`). */
export function resolveOptions(options: GatewayOptions): ResolvedOptions {
  const production = options.production ?? process.env.NODE_ENV === "production"
  const key = options.signingKey || undefined
  if (production && (!key || Buffer.byteLength(key) < DEFAULTS.minSigningKeyBytes)) {
    throw new ConduitError(
      ErrorCode.CONFIG,
      `in production CONDUIT_SIGNING_KEY must be set to at least ${DEFAULTS.minSigningKeyBytes} bytes`,
    )
  }
  const resolved: ResolvedOptions = {
    ...options,
    signingKey: key,
    signingKeyFallback: options.signingKeyFallback || undefined,
    dev: options.dev ?? (!key && !production),
    production,
    channels: options.channels ?? [],
    historySize: options.historySize ?? DEFAULTS.historySize,
    historyTtlMs: options.historyTtlMs ?? DEFAULTS.historyTtlMs,
    historyBytes: options.historyBytes ?? DEFAULTS.historyBytes,
    idempotencyKeys: options.idempotencyKeys ?? DEFAULTS.idempotencyKeys,
    requestKeyTtlMs: options.requestKeyTtlMs ?? DEFAULTS.requestKeyTtlMs,
    heartbeatMs: options.heartbeatMs ?? DEFAULTS.heartbeatMs,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULTS.maxMessageBytes,
    maxBatchMessages: options.maxBatchMessages ?? DEFAULTS.maxBatchMessages,
    maxRequestBytes: options.maxRequestBytes ?? 16 * 1024 * 1024,
    slowConsumerBytes: options.slowConsumerBytes ?? DEFAULTS.slowConsumerBytes,
    tokenTtlSeconds: options.tokenTtlSeconds ?? DEFAULTS.tokenTtlSeconds,
    maxTokenTtlSeconds: options.maxTokenTtlSeconds ?? DEFAULTS.maxTokenTtlSeconds,
    enforceTokenExpiry: options.enforceTokenExpiry ?? false,
    corsOrigins: options.corsOrigins ?? [],
    retryMs: options.retryMs ?? DEFAULTS.retryMs,
    drainTimeoutMs: options.drainTimeoutMs ?? 5000,
    maxStreamsPerIp: options.maxStreamsPerIp ?? 0,
    publishRatePerSecond: options.publishRatePerSecond ?? 0,
    headersTimeoutMs: options.headersTimeoutMs ?? 10_000,
    redisPubSub: options.redisPubSub ?? "auto",
  }
  if (resolved.redisUrl && resolved.redisCluster?.length) {
    throw new ConduitError(ErrorCode.CONFIG, "set CONDUIT_REDIS_URL (one server) or CONDUIT_REDIS_CLUSTER (seed nodes), not both")
  }
  if (!["sharded", "plain", "auto"].includes(resolved.redisPubSub)) {
    throw new ConduitError(ErrorCode.CONFIG, "redisPubSub must be sharded, plain or auto", { details: { option: "redisPubSub", value: resolved.redisPubSub } })
  }
  if (production && resolved.dev) {
    throw new ConduitError(ErrorCode.CONFIG, "dev mode cannot be enabled in production")
  }
  if (!resolved.dev && !key) {
    // Without dev mode and without a key nothing can publish or mint: the gateway would answer 401 to everything.
    throw new ConduitError(ErrorCode.CONFIG, "dev mode is off (CONDUIT_DEV=0) but no CONDUIT_SIGNING_KEY is set: set a key, or leave dev mode on")
  }
  for (const name of ["historySize", "historyTtlMs", "historyBytes", "idempotencyKeys", "requestKeyTtlMs", "heartbeatMs", "maxMessageBytes", "maxBatchMessages", "maxRequestBytes", "slowConsumerBytes", "tokenTtlSeconds", "maxTokenTtlSeconds", "retryMs", "headersTimeoutMs"] as const) {
    const value = resolved[name]
    if (!Number.isInteger(value) || value <= 0) {
      throw new ConduitError(ErrorCode.CONFIG, `${name} must be a positive integer`, { details: { option: name, value } })
    }
  }
  if (resolved.tokenTtlSeconds > resolved.maxTokenTtlSeconds) {
    throw new ConduitError(ErrorCode.CONFIG, "tokenTtlSeconds must not exceed maxTokenTtlSeconds", {
      details: { tokenTtlSeconds: resolved.tokenTtlSeconds, maxTokenTtlSeconds: resolved.maxTokenTtlSeconds },
    })
  }
  if (resolved.historyBytes < resolved.maxMessageBytes) {
    throw new ConduitError(ErrorCode.CONFIG, "historyBytes must be at least maxMessageBytes: the newest message is always retained", {
      details: { option: "historyBytes", value: resolved.historyBytes, maxMessageBytes: resolved.maxMessageBytes },
    })
  }
  for (const name of ["maxStreamsPerIp", "publishRatePerSecond"] as const) {
    const value = resolved[name]
    if (!Number.isInteger(value) || value < 0) {
      throw new ConduitError(ErrorCode.CONFIG, `${name} must be a non-negative integer (0 = no limit)`, { details: { option: name, value } })
    }
  }
  return resolved
}
