/** When a subscription makes its next snapshot. */
export interface EmitSchedule {
  /** Something changed: make a snapshot soon (changes until then join it). */
  request(): void
  /** Make it now (what must not wait: a run's end, `close()`). */
  now(): void
}

/**
 * `intervalMs` 0: one snapshot per microtask, so a burst parsed from one read
 * is one snapshot. Above 0 (`bufferInterval`): the first change waits that
 * long and everything received meanwhile arrives together.
 */
export function createEmitSchedule(intervalMs: number, emit: () => void): EmitSchedule {
  let pending = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const run = () => {
    if (!pending) return
    pending = false
    clearTimeout(timer)
    emit()
  }
  return {
    request() {
      if (pending) return
      pending = true
      if (intervalMs > 0) timer = setTimeout(run, intervalMs)
      else queueMicrotask(run)
    },
    now() {
      pending = true
      run()
    },
  }
}
