import type { Readable } from "node:stream"
import { ConduitError, ErrorCode } from "@conduit/shared"
import { assertUtf8Charset } from "./assertJsonContentType.ts"

const NDJSON_TYPE = /^application\/x-ndjson\s*(?:;|$)/i
const LF = 0x0a
const CR = 0x0d

/** `Content-Type: application/x-ndjson` (newline-delimited JSON: one message per line). */
export function isNdjson(header: string | undefined): boolean {
  return header !== undefined && NDJSON_TYPE.test(header.trim())
}

/** An NDJSON content type in UTF-8 (a `charset` other than UTF-8: `415 ERR_UNSUPPORTED_MEDIA_TYPE`). */
export function assertNdjsonContentType(header: string): void {
  assertUtf8Charset(header)
}

/** The complete lines of one read of the body, each with its 1-based line number; blank lines are skipped. */
export interface LineBatch {
  lines: Buffer[]
  numbers: number[]
}

/**
 * Splits an NDJSON body into lines as it arrives, one batch per read, so
 * each line can be handled as soon as it is complete. A line ends at LF (a
 * CR before it is dropped), and the last one at the end of the body; LF
 * never occurs inside a UTF-8 sequence, so lines are split on bytes. A line
 * longer than `maxLineBytes` fails with `413 ERR_PAYLOAD_TOO_LARGE` and its
 * number, as soon as it is that long; a body that cannot be read (aborted,
 * corrupt compression) with `400 ERR_INVALID_BODY`.
 */
export async function* ndjsonLines(body: Readable, maxLineBytes: number): AsyncGenerator<LineBatch> {
  let partial: Buffer[] = []
  let partialBytes = 0
  let number = 0
  const add = (batch: LineBatch, line: Buffer) => {
    number++
    const end = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length
    if (end > maxLineBytes) throw tooLong(number, maxLineBytes)
    if (end > 0) {
      batch.lines.push(end === line.length ? line : line.subarray(0, end))
      batch.numbers.push(number)
    }
  }
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      const batch: LineBatch = { lines: [], numbers: [] }
      let at = 0
      for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, at)) {
        const piece = chunk.subarray(at, lf)
        add(batch, partialBytes === 0 ? piece : Buffer.concat([...partial, piece]))
        partial = []
        partialBytes = 0
        at = lf + 1
      }
      if (at < chunk.length) {
        partial.push(chunk.subarray(at))
        partialBytes += chunk.length - at
        // + 1: a CR that may end it is not counted against the line.
        if (partialBytes > maxLineBytes + 1) throw tooLong(number + 1, maxLineBytes)
      }
      if (batch.lines.length > 0) yield batch
    }
  } catch (error) {
    if (error instanceof ConduitError) throw error
    throw new ConduitError(ErrorCode.INVALID_BODY, `the request body could not be read: ${(error as Error).message}`, {
      details: { line: number + 1 },
      cause: error,
    })
  }
  if (partialBytes > 0) {
    const batch: LineBatch = { lines: [], numbers: [] }
    add(batch, Buffer.concat(partial))
    if (batch.lines.length > 0) yield batch
  }
}

function tooLong(line: number, limit: number): ConduitError {
  return new ConduitError(ErrorCode.PAYLOAD_TOO_LARGE, `line ${line} is over the limit of ${limit} bytes`, { details: { line, limit } })
}
