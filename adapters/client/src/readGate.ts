/**
 * Backpressure from consumers to the socket: while anyone holds the gate the
 * stream is not read, so unread bytes pile up in the kernel and then on the
 * gateway, whose slow-consumer bound ends the stream (the client resumes
 * from history once it reads again) instead of this process buffering
 * without limit.
 */
export interface ReadGate {
  /** Stops reading until every holder released. Holding twice counts once. */
  hold(holder: object): void
  release(holder: object): void
  readonly held: boolean
  /** Resolves once nothing holds the gate (at once when nothing does), or when `signal` aborts. */
  whenOpen(signal: AbortSignal): Promise<void>
}

export function createReadGate(): ReadGate {
  const holders = new Set<object>()
  const waiters = new Set<() => void>()
  return {
    hold: (holder) => void holders.add(holder),
    release(holder) {
      if (!holders.delete(holder) || holders.size > 0) return
      for (const wake of [...waiters]) wake()
    },
    get held() {
      return holders.size > 0
    },
    whenOpen(signal) {
      if (holders.size === 0 || signal.aborted) return Promise.resolve()
      return new Promise((resolve) => {
        const wake = () => {
          waiters.delete(wake)
          signal.removeEventListener("abort", wake)
          resolve()
        }
        waiters.add(wake)
        signal.addEventListener("abort", wake)
      })
    },
  }
}
