/**
 * A queue that keeps steps in arrival order when some of them are
 * asynchronous (a message behind an async schema check): a step runs at
 * once while nothing is pending, else after everything queued before it.
 * A synchronous stream of steps never waits a microtask.
 */
export function createInOrder(): (step: () => void | Promise<void>) => void {
  let pending: Promise<void> | null = null
  const track = (work: Promise<void>) => {
    const next: Promise<void> = work.finally(() => {
      if (pending === next) pending = null
    })
    pending = next
  }
  return (step) => {
    if (pending) return track(pending.then(step))
    const result = step()
    if (result instanceof Promise) track(result)
  }
}
