import type { IncomingMessage } from "node:http"
import type { Readable } from "node:stream"
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib"
import { ConduitError, ErrorCode } from "@conduit/shared"
import getRawBody from "raw-body"

const DECODERS: Record<string, () => Readable & NodeJS.WritableStream> = {
  gzip: createGunzip,
  "x-gzip": createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
}

/** Whether the request carries a body (RFC 9112 §6.3: Transfer-Encoding, or a Content-Length above 0). */
export function hasBody(req: IncomingMessage): boolean {
  const declared = req.headers["content-length"]
  return req.headers["transfer-encoding"] !== undefined || (declared !== undefined && Number(declared) > 0)
}

/** True while a request's body has bytes the server has not read: answering now must close the connection. */
export function hasUnreadBody(req: IncomingMessage): boolean {
  return !req.complete && hasBody(req)
}

/**
 * Reads a request body, inflated when `Content-Encoding` says gzip, deflate or
 * br, and fails the moment it passes `limit` (counted inflated: a gzip bomb
 * stops at the limit). Unlike body-parser, which reads and drops the rest of
 * an oversized chunked body before answering, it stops reading: the answer
 * goes out at once and closes the connection (the body is still unread).
 * Rejects with `413 ERR_PAYLOAD_TOO_LARGE`, `400 ERR_INVALID_BODY` (corrupt or
 * truncated compressed data, a body shorter than its Content-Length, an
 * aborted request) or `415 ERR_UNSUPPORTED_MEDIA_TYPE` (another encoding).
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const inflating = inflated(req)
  if (inflating === null) return read(req, { limit, length: req.headers["content-length"] })
  try {
    return await read(inflating, { limit })
  } finally {
    req.unpipe(inflating)
    inflating.destroy()
  }
}

/**
 * The body as it was before `Content-Encoding` (gzip, deflate, br) compressed
 * it: a decoder the request is piped into, or null for an identity body;
 * `415 ERR_UNSUPPORTED_MEDIA_TYPE` for another encoding. The caller destroys the decoder.
 */
export function inflated(req: IncomingMessage): (Readable & NodeJS.WritableStream) | null {
  const encoding = (req.headers["content-encoding"] ?? "identity").trim().toLowerCase()
  if (encoding === "identity") return null
  const decoder = DECODERS[encoding]
  if (decoder === undefined) {
    throw new ConduitError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `unsupported Content-Encoding "${encoding}": send gzip, deflate, br or none`, {
      details: { encoding },
    })
  }
  const inflating = decoder()
  req.pipe(inflating)
  return inflating
}

async function read(stream: Readable, options: { limit: number; length?: string | undefined }): Promise<Buffer> {
  try {
    return await getRawBody(stream, options)
  } catch (error) {
    const { type } = error as { type?: string }
    if (type === "entity.too.large") {
      throw new ConduitError(ErrorCode.PAYLOAD_TOO_LARGE, `the body is over the limit of ${options.limit} bytes`, {
        details: { limit: options.limit },
        cause: error,
      })
    }
    // A short or aborted body, or zlib's error for corrupt or truncated compressed data.
    throw new ConduitError(ErrorCode.INVALID_BODY, `the request body could not be read: ${(error as Error).message}`, { cause: error })
  }
}
