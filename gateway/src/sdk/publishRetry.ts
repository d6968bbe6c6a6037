import { randomUUID } from "node:crypto"
import { setTimeout as wait } from "node:timers/promises"
import { backoffDelay } from "@conduit/client"
import { ConduitError, ErrorCode, type PublishInput } from "@conduit/shared"

export interface PublishRetryOptions {
  /**
   * Give every message without an `idempotencyKey` a random one, so that a
   * retry can never publish it twice: the gateway answers a repeat with the
   * original id. Keys are remembered for the retention window. @default true
   */
  idempotencyKeys?: boolean
  /** Retries of a publish that did not happen (503) or whose outcome is unknown (504, network). @default 6 */
  retries?: number
  /** First delay between attempts, ms; it doubles, with jitter. @default 100 */
  initialDelayMs?: number
  /** Longest delay between attempts, ms. @default 2000 */
  maxDelayMs?: number
  /** Waits between attempts, for tests. @default node:timers/promises setTimeout */
  sleep?: (ms: number) => Promise<unknown>
}

/** The gateway could not take the publish: it did not happen, so a retry is always safe. */
const NOT_PUBLISHED = new Set<ErrorCode>([ErrorCode.BROKER_UNAVAILABLE, ErrorCode.SHUTTING_DOWN])
/** It may have happened: a retry is safe only with an idempotency key on every message. */
const MAYBE_PUBLISHED = new Set<ErrorCode>([ErrorCode.OUTCOME_UNKNOWN, ErrorCode.NETWORK])

/** The inputs, each with an idempotency key (its own, or a fresh random one). */
export function withIdempotencyKeys(inputs: readonly PublishInput[]): PublishInput[] {
  return inputs.map((input) => (input.idempotencyKey === undefined ? { ...input, idempotencyKey: randomUUID() } : input))
}

/**
 * Sends a publish, and sends it again while the answer is "not published"
 * or "outcome unknown" (the publish-outcome rule): with the same keys, the
 * gateway publishes each message once however many attempts reach it, so
 * the caller sees exactly one id per message or an error.
 */
export async function publishWithRetry(
  send: (inputs: PublishInput[]) => Promise<string[]>,
  inputs: PublishInput[],
  options: PublishRetryOptions = {},
): Promise<string[]> {
  const keyed = options.idempotencyKeys === false ? inputs : withIdempotencyKeys(inputs)
  const safeIfUnknown = keyed.every((m) => m.idempotencyKey !== undefined)
  const retries = options.retries ?? 6
  const sleep = options.sleep ?? wait
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(keyed)
    } catch (error) {
      const code = error instanceof ConduitError ? error.code : undefined
      const retriable = code !== undefined && (NOT_PUBLISHED.has(code) || (safeIfUnknown && MAYBE_PUBLISHED.has(code)))
      if (!retriable || attempt >= retries) throw error
      await sleep(backoffDelay(attempt, options.initialDelayMs ?? 100, options.maxDelayMs ?? 2000))
    }
  }
}
