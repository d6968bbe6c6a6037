import { compareIds } from "@conduit/shared"
import type { StoredMessage } from "./Broker.ts"

/**
 * Retained messages of one channel, bounded by count and age. Remembers the
 * newest id it ever dropped, so a resume from before it is reported as a gap.
 */
export class HistoryBuffer {
  private items: StoredMessage[] = []
  private head = 0
  /** Newest id evicted so far; null while nothing was. */
  evictedThrough: string | null = null

  constructor(
    private readonly maxCount: number,
    private readonly maxAgeMs: number,
  ) {}

  get size(): number {
    return this.items.length - this.head
  }

  push(message: StoredMessage, nowMs: number): void {
    this.items.push(message)
    if (this.size > this.maxCount) this.evict(this.size - this.maxCount)
    this.expire(nowMs)
  }

  /** Drops messages older than the age bound. */
  expire(nowMs: number): void {
    const cutoff = nowMs - this.maxAgeMs
    let n = 0
    while (this.head + n < this.items.length && msOf(this.items[this.head + n]!) < cutoff) n++
    if (n > 0) this.evict(n)
  }

  oldestId(): string | null {
    return this.size > 0 ? this.items[this.head]!.id : null
  }

  /** Messages with id > after, oldest first, at most `limit`. */
  after(after: string, limit = Infinity): StoredMessage[] {
    // Binary search: ids are strictly increasing.
    let lo = this.head
    let hi = this.items.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareIds(this.items[mid]!.id, after) <= 0) lo = mid + 1
      else hi = mid
    }
    return this.items.slice(lo, Math.min(this.items.length, lo + limit))
  }

  private evict(n: number): void {
    this.evictedThrough = this.items[this.head + n - 1]!.id
    this.head += n
    // Compact once the dead prefix dominates, so memory stays bounded.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
  }
}

function msOf(m: StoredMessage): number {
  const id = m.id
  return Number(id.slice(0, id.indexOf("-")))
}
