/**
 * Delay before retry `attempt` (0 for the first): exponential from `baseMs`,
 * capped at `maxMs`, then jittered down by up to `jitter` of itself, so
 * clients (or runs) that failed together do not all come back in the same
 * millisecond. The default, 0.5, is "equal jitter": a random point in the
 * upper half. The one backoff of Conduit: the client's reconnects, the SDK's
 * publish retries and the functions runtime's `exponentialBackoff`.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random, jitter = 0.5): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.round(ceiling * (1 - jitter) + random() * jitter * ceiling)
}
