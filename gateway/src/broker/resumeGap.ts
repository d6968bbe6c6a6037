import type { GapEventData } from "@conduit/shared"

/** "0" (or "0-0") asks for all retained history rather than resuming after a message. */
export const isStartId = (id: string): boolean => id === "0" || id === "0-0"

/** What a broker knows of a channel when a subscriber resumes from an id. */
export interface RetainedState {
  /** Newest id known to be gone (evicted, or lost by the backend); null when none is. */
  evictedThrough: string | null
  /** Whether the channel still holds a message with exactly the resume id. */
  holdsResumeId: boolean
  /** Oldest retained id; null when nothing is retained. */
  oldest: string | null
}

/**
 * The one rule both brokers follow for `$gap`. A resume from the start misses
 * something when anything was evicted. A resume from an id misses nothing
 * when the channel still holds that message, or when it is exactly the newest
 * evicted one (everything after it is retained). Any other id was evicted, or
 * was never held here (a forgotten channel, an earlier life of it, data the
 * backend lost, or a forged id): what came after it is unknown, and that is
 * said rather than guessed.
 */
export function resumeGap(after: string, state: RetainedState): GapEventData | null {
  if (isStartId(after)) return state.evictedThrough === null ? null : { lastEventId: after, oldest: state.oldest }
  if (state.holdsResumeId || after === state.evictedThrough) return null
  return { lastEventId: after, oldest: state.oldest }
}
