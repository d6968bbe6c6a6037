import { randomUUID } from "node:crypto"
import { setTimeout as wait } from "node:timers/promises"
import { backoffDelay, ConduitError, DEFAULTS, ErrorCode, type PublishInput } from "@conduit/shared"

export interface PublishRetryOptions {
  /**
   * Send every publish request with a random request key (`Idempotency-Key`),
   * so that a retry can never publish it twice: the gateway answers a repeat
   * with the first ids. One key per request, remembered by the gateway for
   * `requestKeyTtlMs` (a minute), so keys never cap a sustained publish rate.
   * A message's own `idempotencyKey` is sent as given, and remembered for the
   * retention window as documented. @default true
   */
  idempotencyKeys?: boolean
  /** Retries of a publish that did not happen (503) or whose outcome is unknown (504, network). @default 6 */
  retries?: number
  /** First delay between attempts, ms; it doubles, with jitter. @default 100 */
  initialDelayMs?: number
  /** Longest delay between attempts, ms. @default 2000 */
  maxDelayMs?: number
  /**
   * No retry of an uncertain outcome is sent later than this after the first
   * attempt: it must stay below the gateway's `requestKeyTtlMs`, or a retry
   * could arrive after its key was forgotten. @default 30000
   */
  windowMs?: number
  /** Waits between attempts, for tests. @default node:timers/promises setTimeout */
  sleep?: (ms: number) => Promise<unknown>
}

/** One attempt: the request's inputs and its request key (the same on every attempt). */
export type PublishSend = (inputs: PublishInput[], requestKey: string | undefined) => Promise<string[]>

/** The gateway could not take the publish: it did not happen, so a retry is always safe. */
const NOT_PUBLISHED = new Set<ErrorCode>([ErrorCode.BROKER_UNAVAILABLE, ErrorCode.SHUTTING_DOWN])
/** It may have happened: a retry is safe only with a request key, or a key on every message. */
const MAYBE_PUBLISHED = new Set<ErrorCode>([ErrorCode.OUTCOME_UNKNOWN, ErrorCode.NETWORK])

/**
 * Sends a publish request, and sends it again while the answer is "not
 * published" or "outcome unknown" (the publish-outcome rule): with the same
 * request key, the gateway publishes it once however many attempts reach it,
 * so the caller sees exactly one id per message or an error.
 */
export async function publishWithRetry(send: PublishSend, inputs: PublishInput[], options: PublishRetryOptions = {}): Promise<string[]> {
  const requestKey = options.idempotencyKeys === false ? undefined : randomUUID()
  const everyMessageKeyed = inputs.every((m) => m.idempotencyKey !== undefined)
  const retries = options.retries ?? 6
  const windowMs = Math.min(options.windowMs ?? 30_000, DEFAULTS.requestKeyTtlMs)
  const sleep = options.sleep ?? wait
  const started = Date.now()
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(inputs, requestKey)
    } catch (error) {
      const code = error instanceof ConduitError ? error.code : undefined
      // Past the window only message keys (remembered far longer) still make a retry safe.
      const safeIfUnknown = everyMessageKeyed || (requestKey !== undefined && Date.now() - started < windowMs)
      const retriable = code !== undefined && (NOT_PUBLISHED.has(code) || (safeIfUnknown && MAYBE_PUBLISHED.has(code)))
      if (!retriable || attempt >= retries) throw error
      await sleep(backoffDelay(attempt, options.initialDelayMs ?? 100, options.maxDelayMs ?? 2000))
    }
  }
}
