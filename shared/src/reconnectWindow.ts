import type { CloseReason } from "./controlEvents.ts"

/**
 * When a client reconnects after `$close <reason>`, in multiples of the base
 * delay (the gateway's `retry:`, 1 s by default): a uniformly random point in
 * `[min, max] × base`. A gateway that closes every stream at once (a deploy, a
 * lost Redis) then sees its 10,000 clients, and their token factories, come
 * back spread over seconds rather than within one. The window grows with what
 * the reason says about the gateway: a fresh token or a resume from history
 * is wanted at once, a restarting node needs a moment, a broker that is down
 * needs longer.
 */
const WINDOWS: Record<CloseReason, readonly [min: number, max: number]> = {
  token_expired: [0, 0],
  slow_consumer: [0, 0],
  shutdown: [1, 5],
  broker_unavailable: [2, 15],
}

/** The window, in ms, for a reason and a base delay. */
export function reconnectWindow(reason: CloseReason, baseMs: number): { minMs: number; maxMs: number } {
  const [min, max] = WINDOWS[reason] ?? WINDOWS.shutdown
  return { minMs: min * baseMs, maxMs: max * baseMs }
}

/** A delay drawn from the reason's window (0 for the reasons that reconnect at once). */
export function reconnectDelay(reason: CloseReason, baseMs: number, random: () => number = Math.random): number {
  const { minMs, maxMs } = reconnectWindow(reason, baseMs)
  return Math.round(minMs + random() * (maxMs - minMs))
}
