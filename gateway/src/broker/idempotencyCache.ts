/** Remembers idempotency keys → message ids for the retention window. */
export class IdempotencyCache {
  private readonly entries = new Map<string, { id: string; expiresAt: number }>()

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1_000_000,
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

  set(key: string, id: string, nowMs: number): void {
    // Map iteration order is insertion order: the first entry is the oldest.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
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
