import { isFinishedRunStatus } from "@conduit/shared"
import type { ReadGate } from "./readGate.ts"
import type { RealtimeSubscription } from "./types.ts"

export interface MessageIteratorOptions {
  /** Held while the iterator has `maxBuffered` messages unread. */
  gate: ReadGate
  maxBuffered: number
  /** End after the snapshot in which the run turned terminal. */
  untilRunEnds: boolean
}

/**
 * `for await (const message of subscription)`: every data message from the
 * ones already held on, in order. Ends when the subscription is closed (or,
 * with `untilRunEnds`, when its run ends), throws its error when it is refused
 * for good or the run failed; leaving the loop (`break`, `return`, a throw)
 * lets the stream close. Holds the stream's reading while `maxBuffered`
 * messages wait unread.
 */
export function messageIterator<M>(subscription: RealtimeSubscription<M>, options: MessageIteratorOptions): AsyncIterator<M> {
  const { gate, maxBuffered, untilRunEnds } = options
  const holder = {}
  const buffer: M[] = []
  let read = 0
  let wake: (() => void) | null = null
  let ended = false
  const take = () => {
    const snapshot = subscription.getSnapshot()
    const { connectionStatus, runStatus } = snapshot
    ended = connectionStatus === "closed" || connectionStatus === "error" || (untilRunEnds && isFinishedRunStatus(runStatus))
    return snapshot
  }
  for (const m of take().messages.all) buffer.push(m)
  const unsubscribe = subscription.subscribe(() => {
    if (ended) return
    for (const m of take().messages.delta) buffer.push(m)
    if (buffer.length - read >= maxBuffered) gate.hold(holder)
    wake?.()
  })
  if (buffer.length - read >= maxBuffered) gate.hold(holder)
  const finish = (): IteratorReturnResult<undefined> => {
    unsubscribe()
    gate.release(holder)
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
          if (buffer.length - read <= maxBuffered / 2) gate.release(holder)
          return { done: false, value }
        }
        if (ended) {
          const { connectionStatus, runStatus, error } = subscription.getSnapshot()
          finish()
          if ((connectionStatus === "error" || runStatus === "failed") && error) throw error
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
