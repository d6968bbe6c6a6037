import { ConduitError, encodeSseFrame, type Envelope, ErrorCode, idTimeMs, type StreamTag } from "@conduit/shared"
import type { StoredMessage } from "./Broker.ts"

// Every node builds a message's bytes itself (the Redis broker from the parts
// Redis holds, since Redis assigns the id): one function, so the same parts
// always give the same bytes on every node and in both brokers.

/** The envelope after `createdAt`: `,"runId":…,"stream":{…},"kind":"…"}`. Never holds a raw line break. */
export function envelopeTail(runId: string | undefined, kind: Envelope["kind"], stream?: StreamTag): string {
  const run = runId === undefined ? "" : `,"runId":${JSON.stringify(runId)}`
  return `${run}${stream === undefined ? "" : `,"stream":${JSON.stringify(stream)}`},"kind":"${kind}"}`
}

const LINE_BREAK = /[\r\n]/
const DATA_FIELD = "\ndata: "

/**
 * A message's stored form: its SSE frame, built once. The envelope JSON is
 * assembled around the already-serialized `data` (key order is the wire
 * order) and `createdAt` is the id's time. `channelJson` is
 * `JSON.stringify(channel)`, computed once per channel by the caller.
 */
export function storeMessage(id: string, channelJson: string, topic: string, dataJson: string, tail: string): StoredMessage {
  const createdAt = isoTimeOf(idTimeMs(id))
  const json = `{"id":"${id}","channel":${channelJson},"topic":${JSON.stringify(topic)},"data":${oneLine(dataJson)},"createdAt":"${createdAt}"${tail}`
  // encodeSseFrame owns the frame format and refuses CR, LF or NUL in id and event; the JSON is one line (oneLine).
  return { id, topic, frame: Buffer.from(encodeSseFrame({ id, event: topic, dataLine: json })) }
}

// Date#toISOString costs more than the rest of a small message together; the messages of one batch share their millisecond.
let lastMs = Number.NaN
let lastIso = ""
function isoTimeOf(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms
    lastIso = new Date(ms).toISOString()
  }
  return lastIso
}

/** The envelope JSON of a stored message, read from its frame (a view: nothing is copied). */
export function messageJson(message: StoredMessage): Buffer {
  const { frame } = message
  return frame.subarray(frame.indexOf(DATA_FIELD) + DATA_FIELD.length, frame.length - 2)
}

/**
 * JSON.stringify never writes a raw line break, so data is one `data:` line
 * and the frame holds the JSON as is. Data from elsewhere (a Redis stream
 * written by hand) is normalized, or refused when it is not JSON.
 */
function oneLine(dataJson: string): string {
  if (!LINE_BREAK.test(dataJson)) return dataJson
  try {
    return JSON.stringify(JSON.parse(dataJson))
  } catch (error) {
    throw new ConduitError(ErrorCode.INVALID_FRAME, "stored data is not JSON", { cause: error })
  }
}
