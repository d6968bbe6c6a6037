import { compareIds, type GapEventData, isStartId } from "@conduit/shared"

/** What a broker knows of a channel when a subscriber resumes from an id. */
export interface RetainedState {
  /**
   * Newest id known to be gone: evicted (then every older one is gone too), or
   * lost by the backend (a Redis failover: the id a node last delivered, which
   * the promoted replica never got). Null when nothing is.
   */
  evictedThrough: string | null
  /** Whether the channel still holds a message with exactly the resume id. */
  holdsResumeId: boolean
  /** Oldest retained id; null when nothing is retained. */
  oldest: string | null
}

/**
 * The one rule both brokers follow for `$gap`. A resume from the start misses
 * something when anything is gone. A resume from exactly the newest gone id
 * misses nothing (everything after it is retained); from before it, it does.
 * From a newer id, it misses nothing when the channel still holds that
 * message; any other id was never held here (a forgotten channel, an earlier
 * life of it, data the backend lost, or a forged id): what came after it is
 * unknown, and that is said rather than guessed.
 */
export function resumeGap(after: string, state: RetainedState): GapEventData | null {
  const gap = { lastEventId: after, oldest: state.oldest }
  const gone = state.evictedThrough
  if (isStartId(after)) return gone === null ? null : gap
  if (gone !== null) {
    const order = compareIds(after, gone)
    if (order === 0) return null
    if (order < 0) return gap
  }
  return state.holdsResumeId ? null : gap
}
