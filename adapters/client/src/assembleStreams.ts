import { ConduitError, endsStream, type Envelope, type ErrorCode, type StreamTag } from "@conduit/shared"
import type { StreamState, Streams } from "./types.ts"

/** `messages.streams` of a subscription that has seen no stream. */
export const NO_STREAMS: Streams<any> = Object.freeze({})

/** What a stream's state is built from: its take's chunks, an append-only array its successive states share. */
interface Take {
  readonly chunks: unknown[]
  /** The seq the next message of the take should have. */
  readonly nextSeq: number
}

const takes = new WeakMap<StreamState<Envelope>, Take>()

function stateOf(
  m: Envelope,
  tag: StreamTag,
  take: Take,
  count: number,
  fields: { text: string | undefined; done: boolean; error: ConduitError | null; incomplete: boolean },
): StreamState<Envelope> {
  let chunks: readonly unknown[] | undefined
  const state = Object.freeze({
    id: tag.id,
    topic: m.topic,
    take: tag.take,
    ...(m.runId === undefined ? {} : { runId: m.runId }),
    // Built on first read: a stream of n chunks costs O(n) over its life, not per snapshot.
    get chunks() {
      return (chunks ??= Object.freeze(take.chunks.slice(0, count)))
    },
    count,
    text: fields.text,
    done: fields.done,
    error: fields.error,
    incomplete: fields.incomplete,
    lastId: m.id,
  }) as StreamState<Envelope>
  takes.set(state, take)
  return state
}

/** The state after `m`, a message of the stream `current` shows (or of a new take); `current` itself when `m` changes nothing. */
function next(current: StreamState<Envelope> | undefined, m: Envelope, tag: StreamTag): StreamState<Envelope> {
  if (tag.start) return stateOf(m, tag, { chunks: [], nextSeq: 1 }, 0, { text: "", done: false, error: null, incomplete: false })
  if (current && current.take !== tag.take) return current // an older take (a failed attempt still sending): the newest one stands
  if (!current) {
    // The start is not here (older than retained history, or lost in a $gap): show what is.
    const empty = stateOf(m, tag, { chunks: [], nextSeq: tag.seq }, 0, { text: "", done: false, error: null, incomplete: true })
    return next(empty, m, tag)
  }
  if (current.done) return current
  const { chunks, nextSeq } = takes.get(current)!
  const incomplete = current.incomplete || tag.seq !== nextSeq
  if (endsStream(tag)) {
    const error = tag.error ? new ConduitError(tag.error.code as ErrorCode, tag.error.message, { details: { streamId: tag.id } }) : null
    return stateOf(m, tag, { chunks, nextSeq: tag.seq + 1 }, current.count, { text: current.text, done: true, error, incomplete })
  }
  // Appended in place when `current` is the newest state of its take, else to a copy: no state ever changes.
  const shared = chunks.length === current.count ? chunks : chunks.slice(0, current.count)
  shared.push(m.data)
  const text = current.text !== undefined && typeof m.data === "string" ? current.text + m.data : undefined
  return stateOf(m, tag, { chunks: shared, nextSeq: tag.seq + 1 }, current.count + 1, { text, done: false, error: null, incomplete })
}

/**
 * The next `messages.streams`: each stream message of `added` (chunks and
 * markers, in arrival order) applied to its stream, keyed by stream id. A
 * `start` begins a take that replaces the stream's earlier one (a retried
 * run's new attempt shows in place of the failed one, never beside it);
 * chunks of any other take are ignored; a sequence number out of line marks
 * the stream `incomplete`. At most `limit` streams are kept, the oldest
 * started dropped first. The previous value never changes.
 */
export function assembleStreams(previous: Streams<Envelope>, added: readonly Envelope[], limit: number): Streams<Envelope> {
  let streams: Record<string, StreamState<Envelope> | undefined> | undefined
  for (const m of added) {
    const tag = m.stream
    if (!tag) continue
    const current = (streams ?? previous)[tag.id]
    const updated = next(current, m, tag)
    if (updated === current) continue
    const copy = (streams ??= { ...previous })
    // A restarted stream moves to the end: the order of keys is the order streams (re)started.
    if (tag.start) delete copy[tag.id]
    copy[tag.id] = updated
  }
  if (!streams) return previous
  const ids = Object.keys(streams)
  for (let i = 0; i < ids.length - limit; i++) delete streams[ids[i]!]
  return Object.freeze(streams)
}
