/** Open streams per key (a client address), refused past `max`. */
export interface StreamQuota {
  readonly max: number
  /** Counts one more stream for `key`; false (nothing counted) when it already has `max`. */
  acquire(key: string): boolean
  release(key: string): void
  /** Keys with at least one open stream (for tests and metrics). */
  readonly size: number
}

export function createStreamQuota(max: number): StreamQuota {
  const open = new Map<string, number>()
  return {
    max,
    acquire(key) {
      const n = open.get(key) ?? 0
      if (n >= max) return false
      open.set(key, n + 1)
      return true
    },
    release(key) {
      const n = open.get(key) ?? 0
      if (n <= 1) open.delete(key)
      else open.set(key, n - 1)
    },
    get size() {
      return open.size
    },
  }
}
