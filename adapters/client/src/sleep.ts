/** Waits `ms`, or less if `signal` aborts or `wake` is called; never rejects. */
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
