import { compareIds } from "@conduit/shared"
import type { StreamEntry } from "./redisMessages.ts"
import type { RetainedState } from "./resumeGap.ts"

/** What one read script call answers. */
export interface RawRead extends RetainedState {
  /** Entries after the requested id, oldest first, at most the requested limit. */
  entries: StreamEntry[]
  /** Newest id the channel has had, retained or gone; null when Redis knows none. */
  newest: string | null
}

export interface ReplayReadsOptions {
  /** Reads in flight at once; the rest wait their turn (no command timeout runs while they wait). */
  concurrency: number
  /** The limit of a read that asks for "everything retained" (the history size). */
  fullLimit: number
  run: (channel: string, after: string, limit: number) => Promise<RawRead>
}

interface Request {
  after: string
  resolve: (read: RawRead) => void
  reject: (error: unknown) => void
}

interface Group {
  channel: string
  limit: number
  /** Only full reads merge; a limited one (the history route) runs alone. */
  mergeable: boolean
  requests: Request[]
}

// The start parses as 0-0, before every message id.
const before = (a: string, b: string): boolean => compareIds(a, b) < 0

/**
 * Replay reads, bounded and shared. A resume storm (a thousand subscribers
 * reconnecting at once) must not queue a thousand large replies on Redis and
 * its connection, where every command behind them times out: at most
 * `concurrency` reads run, one per channel at a time, and the full reads of
 * one channel waiting for their turn become one read from the oldest
 * requested id, each request answered from it. Only waiting requests merge:
 * one that arrives while its channel is being read waits for the next read,
 * so every answer is read after its request was made (the subscribe route's
 * no-gap guarantee).
 */
export function createReplayReads(options: ReplayReadsOptions): { read(channel: string, after: string, limit?: number): Promise<RawRead> } {
  const queue: Group[] = []
  const waiting = new Map<string, Group>() // mergeable groups not started yet, by channel
  const reading = new Set<string>() // channels with a read in flight: the next one waits, gathering requests
  let active = 0

  function pump(): void {
    for (let i = 0; i < queue.length && active < options.concurrency; ) {
      const group = queue[i]!
      if (reading.has(group.channel)) {
        i++
        continue
      }
      queue.splice(i, 1)
      if (waiting.get(group.channel) === group) waiting.delete(group.channel)
      active++
      reading.add(group.channel)
      run(group).finally(() => {
        active--
        reading.delete(group.channel)
        pump()
      })
    }
  }

  async function run(group: Group): Promise<void> {
    let from = group.requests[0]!.after
    for (const r of group.requests) if (before(r.after, from)) from = r.after
    let raw: RawRead
    try {
      // One more than asked for: then "nothing past the limit" is known, and later ids are answered from this read too.
      raw = await options.run(group.channel, from, group.mergeable ? group.limit + 1 : group.limit)
    } catch (error) {
      for (const r of group.requests) r.reject(error)
      return
    }
    if (!group.mergeable) return group.requests[0]!.resolve(raw)
    const complete = raw.entries.length <= group.limit
    for (const [i, r] of group.requests.entries()) {
      // Each answer starts a replay (a thousand socket writes): one per event-loop turn, so
      // publishes, live messages and Redis replies (their command timeouts run) are not kept waiting.
      if (i > 0) await new Promise(setImmediate)
      const answer = r.after === from ? raw : complete ? sliceAfter(raw, r.after) : null
      if (answer) r.resolve({ ...answer, entries: answer.entries.slice(0, group.limit) })
      else enqueue(group.channel, r, group.limit, false) // its answer may lie past what was read: read alone
    }
  }

  function enqueue(channel: string, request: Request, limit: number, mergeable: boolean): void {
    const open = mergeable ? waiting.get(channel) : undefined
    if (open) {
      open.requests.push(request)
      return
    }
    const group: Group = { channel, limit, mergeable, requests: [request] }
    if (mergeable) waiting.set(channel, group)
    queue.push(group)
    pump()
  }

  return {
    read(channel, after, limit) {
      // A read for the channel's position alone (a live-only subscribe) returns no entries:
      // nothing to bound or share, so it does not wait behind a storm of replays.
      if (limit === 0) return options.run(channel, after, 0)
      return new Promise((resolve, reject) => {
        const full = limit === undefined || limit >= options.fullLimit
        enqueue(channel, { after, resolve, reject }, full ? options.fullLimit : limit, full)
      })
    },
  }
}

/** The answer for a later id, from a read of everything after an earlier one. */
function sliceAfter(raw: RawRead, after: string): RawRead {
  const { entries } = raw
  let lo = 0
  let hi = entries.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareIds(entries[mid]![0], after) <= 0) lo = mid + 1
    else hi = mid
  }
  return { ...raw, holdsResumeId: lo > 0 && entries[lo - 1]![0] === after, entries: entries.slice(lo) }
}
