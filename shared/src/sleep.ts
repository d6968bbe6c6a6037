/**
 * Waits `ms`, or less if `signal` aborts or `wake` is called. It never
 * rejects: an abort ends the wait early and the caller, which holds the
 * signal, decides what that means (the one abort semantic of Conduit's
 * timers: the client's reconnect backoff, `conduit tail`, the functions
 * runtime's in-process queue and retried bookkeeping).
 */
export function sleep(ms: number, signal: AbortSignal): { done: Promise<void>; wake(): void } {
  let wake = () => {}
  const done = new Promise<void>((resolve) => {
    const finish = () => {
      clearTimeout(timer)
      signal.removeEventListener("abort", finish)
      resolve()
    }
    // Past 2^31-1 ms a timer fires at once (TimeoutOverflowWarning): cap it.
    const timer = setTimeout(finish, signal.aborted ? 0 : Math.min(ms, 2 ** 31 - 1))
    signal.addEventListener("abort", finish)
    wake = finish
  })
  return { done, wake }
}
