/**
 * Delay before reconnect attempt `attempt` (0 for the first retry):
 * exponential from `baseMs` (the server's `retry:` when it sent one), capped at
 * `maxMs`, with "equal jitter" — a random point in the upper half — so a
 * gateway restart does not bring every client back in the same millisecond.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}
