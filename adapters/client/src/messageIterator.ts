import type { RealtimeSubscription } from "./types.ts"

/**
 * `for await (const message of subscription)`: every data message from the
 * ones already held on, in order. Ends when the subscription is closed,
 * throws its error when it is refused for good; leaving the loop (`break`,
 * `return`, a throw) lets the stream close.
 */
export function messageIterator<M>(subscription: RealtimeSubscription<M>): AsyncIterator<M> {
  const buffer: M[] = [...subscription.getSnapshot().messages.all]
  let read = 0
  let wake: (() => void) | null = null
  let ended = false
  const unsubscribe = subscription.subscribe(() => {
    const snapshot = subscription.getSnapshot()
    buffer.push(...snapshot.messages.delta)
    if (snapshot.connectionStatus === "closed" || snapshot.connectionStatus === "error") ended = true
    wake?.()
  })
  const finish = (): IteratorReturnResult<undefined> => {
    unsubscribe()
    ended = true
    buffer.length = read = 0
    return { done: true, value: undefined }
  }
  return {
    async next(): Promise<IteratorResult<M>> {
      for (;;) {
        if (read < buffer.length) {
          const value = buffer[read++] as M
          if (read > 1024 && read * 2 > buffer.length) buffer.splice(0, read), (read = 0)
          return { done: false, value }
        }
        if (ended) {
          const { connectionStatus, error } = subscription.getSnapshot()
          finish()
          if (connectionStatus === "error" && error) throw error
          return { done: true, value: undefined }
        }
        await new Promise<void>((resolve) => (wake = resolve))
        wake = null
      }
    },
    async return(): Promise<IteratorResult<M>> {
      return finish()
    },
  }
}
