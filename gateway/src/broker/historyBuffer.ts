import { compareIds, parseId } from "@conduit/shared"
import type { StoredMessage } from "./Broker.ts"

/**
 * Retained messages of one channel, bounded by count, age and bytes of data.
 * Remembers the newest id it ever dropped, so a resume from before it is
 * reported as a gap.
 */
export class HistoryBuffer {
  private items: StoredMessage[] = []
  /** Data bytes of each item, parallel to `items`. */
  private sizes: number[] = []
  private head = 0
  private bytes = 0
  /** Newest id evicted so far; null while nothing was. */
  evictedThrough: string | null = null

  constructor(
    private readonly maxCount: number,
    private readonly maxAgeMs: number,
    private readonly maxBytes = Infinity,
  ) {}

  get size(): number {
    return this.items.length - this.head
  }

  /** Appends a message of `bytes` data bytes; the oldest go until every bound holds (the newest always stays). */
  push(message: StoredMessage, nowMs: number, bytes = 0): void {
    this.items.push(message)
    this.sizes.push(bytes)
    this.bytes += bytes
    let n = Math.max(0, this.size - this.maxCount)
    let over = this.bytes - this.maxBytes
    for (let i = this.head; i < this.head + n; i++) over -= this.sizes[i]!
    while (over > 0 && n < this.size - 1) over -= this.sizes[this.head + n++]!
    if (n > 0) this.evict(n)
    this.expire(nowMs)
  }

  /** Drops messages older than the age bound. */
  expire(nowMs: number): void {
    const cutoff = nowMs - this.maxAgeMs
    let n = 0
    while (this.head + n < this.items.length && parseId(this.items[this.head + n]!.id)!.ms < cutoff) n++
    if (n > 0) this.evict(n)
  }

  oldestId(): string | null {
    return this.size > 0 ? this.items[this.head]!.id : null
  }

  /** Whether a message with exactly this id is retained. */
  has(id: string): boolean {
    const at = this.firstAfter(id) - 1
    return at >= this.head && this.items[at]!.id === id
  }

  /** Messages with id > after, oldest first, at most `limit`. */
  after(after: string, limit = Infinity): StoredMessage[] {
    const lo = this.firstAfter(after)
    return this.items.slice(lo, Math.min(this.items.length, lo + limit))
  }

  /** Index of the first retained message with id > `id` (binary search: ids are strictly increasing). */
  private firstAfter(id: string): number {
    let lo = this.head
    let hi = this.items.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareIds(this.items[mid]!.id, id) <= 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  private evict(n: number): void {
    this.evictedThrough = this.items[this.head + n - 1]!.id
    for (let i = this.head; i < this.head + n; i++) this.bytes -= this.sizes[i]!
    this.head += n
    // Compact once the dead prefix dominates, so memory stays bounded.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.sizes = this.sizes.slice(this.head)
      this.head = 0
    }
  }
}
