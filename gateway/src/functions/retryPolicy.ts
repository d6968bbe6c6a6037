import { backoffDelay, ConduitError, ErrorCode, isConduitError, retryableCodes } from "@conduit/shared"
import type { RunError } from "./RunStore.ts"

export interface BackoffOptions {
  /** Delay before the first retry, ms. @default 1000 */
  baseMs?: number
  /** Longest delay, ms. @default 60000 */
  maxMs?: number
  /** Spread: the delay is scaled by a random factor in `[1 - jitter, 1]`. @default 0.2 */
  jitter?: number
  /** @default Math.random */
  random?: () => number
}

/**
 * `baseMs · 2^(retry-1)`, capped, with jitter so runs that failed together do
 * not all retry in the same millisecond. `retry` is 1 before the second attempt.
 */
export function exponentialBackoff(options: BackoffOptions = {}): (retry: number) => number {
  const { baseMs = 1000, maxMs = 60_000, jitter = 0.2, random = Math.random } = options
  // backoffDelay jitters up from the low end; this option's `random` has always scaled down from the ceiling.
  const down = () => 1 - random()
  return (retry) => backoffDelay(Math.max(0, retry - 1), baseMs, maxMs, down, jitter)
}

const FATAL = new Set<string>([ErrorCode.RUN_FAILED, ErrorCode.RUN_CANCELLED, ErrorCode.CONFIG])

/**
 * Whether another attempt could succeed. Not retried: errors that would fail
 * the same way again, i.e. a `ConduitError` whose code is a client error
 * (`ERR_VALIDATION`, `ERR_UNKNOWN_TOPIC`, `ERR_PAYLOAD_TOO_LARGE`,
 * `ERR_INVALID_KEY`, …), `ERR_CONFIG`, and `ERR_RUN_FAILED`, which a handler
 * throws to fail its run now. Everything else (plain errors, network, broker down, 5xx) is.
 */
export function isRetriable(error: unknown): boolean {
  if (!isConduitError(error)) return true
  if (FATAL.has(error.code)) return false
  if (retryableCodes.has(error.code)) return true
  const status = error.status
  return status < 400 || status >= 500
}

/** `{ code, message }` for any thrown value: ConduitError codes kept, anything else `ERR_RUN_FAILED`. */
export function toRunError(error: unknown): RunError {
  if (isConduitError(error)) return { code: error.code, message: error.message }
  if (error instanceof Error) return { code: ErrorCode.RUN_FAILED, message: error.message || error.name }
  return { code: ErrorCode.RUN_FAILED, message: `non-error thrown: ${String(error)}` }
}

/** The error a step throws once the run was cancelled: handlers should let it propagate. */
export function cancelledError(runId: string): ConduitError {
  return new ConduitError(ErrorCode.RUN_CANCELLED, `run ${runId} was cancelled`, { details: { runId } })
}
