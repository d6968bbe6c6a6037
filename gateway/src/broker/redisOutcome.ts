import { ConduitError, ErrorCode } from "@conduit/shared"
import { ReplyError } from "ioredis"

// Redis's answers that mean "not now": the command was refused before it ran.
const TRANSIENT = new Set(["LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "READONLY", "NOREPLICAS", "OOM", "MISCONF"])

/** ioredis refuses a command it could not write (no offline queue): it never reached Redis. */
const notSent = (message: string): boolean => message.includes("enableOfflineQueue")

/**
 * What a failed publish means, as its caller must be told (the publish-outcome
 * rule): `ERR_BROKER_UNAVAILABLE` (503) only when it did not happen and cannot
 * happen later; `ERR_BROKER_FAILED` (500) when Redis refused it for good;
 * otherwise (sent, no answer) `ERR_OUTCOME_UNKNOWN` (504): retry with the same
 * idempotency key.
 */
export function publishError(error: unknown): ConduitError {
  if (error instanceof ConduitError) return error
  const message = error instanceof Error ? error.message : String(error)
  if (notSent(message)) return unavailable(error)
  if (error instanceof ReplyError) {
    const code = message.split(" ", 1)[0]!
    if (TRANSIENT.has(code)) return new ConduitError(ErrorCode.BROKER_UNAVAILABLE, `redis refused the publish for now (${code}); nothing was published, retry`, { cause: error })
    const hint = code === "MOVED" || code === "ASK" ? " (this Redis is a cluster node: configure CONDUIT_REDIS_CLUSTER)" : ""
    return new ConduitError(ErrorCode.BROKER_FAILED, `redis refused the publish: ${message}${hint}; nothing was published`, { cause: error })
  }
  return new ConduitError(ErrorCode.OUTCOME_UNKNOWN, "redis did not confirm the publish: it may or may not have happened; retry with the same idempotencyKey", { cause: error })
}

/** A read (or any command that changes nothing a retry would repeat) failed: retry later. */
export function unavailable(cause?: unknown): ConduitError {
  return cause instanceof ConduitError ? cause : new ConduitError(ErrorCode.BROKER_UNAVAILABLE, "redis unavailable; retry", { cause })
}
