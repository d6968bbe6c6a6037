import { ConduitError } from "./ConduitError.ts"
import { ErrorCode } from "./errorCodes.ts"

/**
 * Where a message sits in a stream (`publish(topicRef, stream)`): the
 * `stream` field of its envelope. The one definition of the wire shape of
 * stream chunks (docs/protocol.md, "Streams").
 *
 * A stream is a run of ordinary messages on one channel and topic, each with
 * its own id (so resume, replay and `$gap` work mid-stream):
 *
 * ```
 * {"seq":0,"start":true}                 data null: the stream began
 * {"seq":1} … {"seq":n}                  data: the chunks, in order
 * {"seq":n+1,"end":true}                 data null: the source finished
 * {"seq":n+1,"error":{code,message}}     data null: it failed or was aborted
 * ```
 *
 * each with `id` and `take`. Publishing a stream id again (a retried run's
 * next attempt) starts a new `take`: its `start` replaces what the earlier
 * take showed, and chunks of another take than the newest are ignored.
 */
export interface StreamTag {
  /** The stream: chunks with one id are one stream. Stable across the attempts of a run. */
  readonly id: string
  /** This publish of the stream; a newer take of the same id replaces the older one. */
  readonly take: string
  /** 0 for `start`, then 1, 2, … per message of the take, the end or error marker included. */
  readonly seq: number
  readonly start?: true
  readonly end?: true
  /** The source failed, or its run's attempt ended first (`ERR_STREAM_ABORTED`). */
  readonly error?: { readonly code: string; readonly message: string }
}

export const STREAM_ID_MAX = 256
export const STREAM_TAKE_MAX = 64
const ERROR_CODE_MAX = 64
const ERROR_MESSAGE_MAX = 1024

/** A marker (start, end or error) carries no chunk: its `data` is null and no schema applies to it. */
export function isStreamMarker(tag: StreamTag): boolean {
  return tag.start === true || tag.end === true || tag.error !== undefined
}

/** Whether the tag ends its take (end or error). */
export function endsStream(tag: StreamTag): boolean {
  return tag.end === true || tag.error !== undefined
}

function bad(message: string): ConduitError {
  return new ConduitError(ErrorCode.INVALID_BODY, `stream: ${message}`, { details: { field: "stream" } })
}

function boundedString(value: unknown, max: number): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= max
}

/**
 * Checks a publisher's `stream` field and returns it in wire form (only the
 * known fields, in wire order); `ERR_INVALID_BODY` when it is not a tag, a
 * marker's data is not null, or `start` is not seq 0.
 */
export function checkStreamTag(value: unknown, data: unknown): StreamTag {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad("must be an object { id, take, seq, start?|end?|error? }")
  const { id, take, seq, start, end, error } = value as Record<string, unknown>
  if (!boundedString(id, STREAM_ID_MAX)) throw bad(`id must be a string of 1-${STREAM_ID_MAX} characters`)
  if (!boundedString(take, STREAM_TAKE_MAX)) throw bad(`take must be a string of 1-${STREAM_TAKE_MAX} characters`)
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) throw bad("seq must be an integer ≥ 0")
  if (start !== undefined && start !== true) throw bad("start must be true when given")
  if (end !== undefined && end !== true) throw bad("end must be true when given")
  const markers = (start ? 1 : 0) + (end ? 1 : 0) + (error === undefined ? 0 : 1)
  if (markers > 1) throw bad("at most one of start, end and error")
  if ((start === true) !== (seq === 0)) throw bad("seq 0 is the start marker, and only it")
  if (markers === 1 && data !== null) throw bad("a start, end or error marker has data null")
  const tag: { id: string; take: string; seq: number; start?: true; end?: true; error?: { code: string; message: string } } = { id, take, seq }
  if (start) tag.start = true
  if (end) tag.end = true
  if (error !== undefined) {
    const { code, message } = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>
    if (!boundedString(code, ERROR_CODE_MAX) || typeof message !== "string" || message.length > ERROR_MESSAGE_MAX) {
      throw bad(`error must be { code (1-${ERROR_CODE_MAX} characters), message (at most ${ERROR_MESSAGE_MAX}) }`)
    }
    tag.error = { code, message }
  }
  return tag
}
