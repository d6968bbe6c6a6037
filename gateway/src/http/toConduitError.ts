import { ConduitError, ErrorCode } from "@conduit/shared"

// body-parser error types → our codes.
const BODY_ERRORS: Record<string, ErrorCode> = {
  "entity.parse.failed": ErrorCode.INVALID_JSON,
  "entity.too.large": ErrorCode.PAYLOAD_TOO_LARGE,
  "encoding.unsupported": ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  "charset.unsupported": ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  "request.aborted": ErrorCode.INVALID_BODY,
  "request.size.invalid": ErrorCode.INVALID_BODY,
  "stream.encoding.set": ErrorCode.INTERNAL,
}

/**
 * Normalizes anything thrown into a ConduitError. What the request parsers
 * throw is the client's mistake and keeps a 4xx code: a path parameter whose
 * percent-encoding does not decode (the router's `URIError`), and what the
 * host app's body-parser throws when the router is mounted after it (its
 * `type`s, or zlib's error for a corrupt gzip body, tagged 400). Only the
 * rest is `ERR_INTERNAL`.
 */
export function toConduitError(error: unknown): ConduitError {
  if (error instanceof ConduitError) return error
  const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown }
  if (typeof type === "string" && type in BODY_ERRORS) {
    const limit = (error as { limit?: number }).limit
    return new ConduitError(BODY_ERRORS[type]!, (error as Error).message, {
      details: type === "entity.too.large" && limit !== undefined ? { limit } : {},
      cause: error,
    })
  }
  if (error instanceof URIError) {
    return new ConduitError(ErrorCode.MALFORMED_REQUEST, "the path is not valid percent-encoded UTF-8", { cause: error })
  }
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new ConduitError(ErrorCode.INVALID_BODY, `the request body could not be decoded: ${(error as Error).message}`, { cause: error })
  }
  return new ConduitError(ErrorCode.INTERNAL, "internal error", { cause: error })
}
