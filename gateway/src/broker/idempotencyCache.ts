import { ConduitError, ErrorCode } from "@conduit/shared"

/**
 * Remembers idempotency keys → message ids for the retention window, and at
 * most `maxEntries` at a time. It never forgets a key early to make room:
 * a publish that would need more room is refused (`ERR_RATE_LIMITED`, with
 * `retryAfter` until the oldest key expires), so a retry inside the window
 * is always answered with the original id.
 */
export class IdempotencyCache {
  // Map iteration order is insertion order, and every entry lives ttlMs: the first entry expires first.
  private readonly entries = new Map<string, { id: string; expiresAt: number }>()

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: string, nowMs: number): string | undefined {
    const hit = this.entries.get(key)
    if (!hit) return undefined
    if (hit.expiresAt <= nowMs) {
      this.entries.delete(key)
      return undefined
    }
    return hit.id
  }

  /** Throws unless `count` more keys fit (after dropping expired ones). */
  reserve(count: number, nowMs: number): void {
    if (count === 0 || this.entries.size + count <= this.maxEntries) return
    this.sweep(nowMs)
    if (this.entries.size + count <= this.maxEntries) return
    const oldest = this.entries.values().next().value
    const retryAfter = Math.max(1, Math.ceil(((oldest?.expiresAt ?? nowMs) - nowMs) / 1000))
    throw new ConduitError(
      ErrorCode.RATE_LIMITED,
      `the gateway remembers at most ${this.maxEntries} idempotency keys per retention window; retry once older keys expire`,
      { details: { limit: this.maxEntries, retryAfter } },
    )
  }

  set(key: string, id: string, nowMs: number): void {
    this.entries.set(key, { id, expiresAt: nowMs + this.ttlMs })
  }

  /** Drops expired entries; called from the broker's sweep. */
  sweep(nowMs: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > nowMs) break
      this.entries.delete(key)
    }
  }
}
