import type { IncomingHttpHeaders } from "node:http"
import { ConduitError, ErrorCode } from "@conduit/shared"

/**
 * Refuses a request whose declared `Content-Length` is above `limit` with
 * `413 ERR_PAYLOAD_TOO_LARGE`, before a byte of its body is read (body-parser
 * would read, and throw away, the whole body before answering).
 */
export function assertBodyFits(headers: IncomingHttpHeaders, limit: number): void {
  const declared = headers["content-length"]
  if (declared === undefined) return
  const size = Number(declared)
  if (size > limit) {
    throw new ConduitError(ErrorCode.PAYLOAD_TOO_LARGE, `the body is ${size} bytes; the limit is ${limit}`, { details: { limit, size } })
  }
}
