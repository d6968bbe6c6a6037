import { ConduitError, ErrorCode } from "@conduit/shared"
import type { ErrorRequestHandler, Response } from "express"

export function sendError(res: Response, error: ConduitError): void {
  if (error.code === ErrorCode.RATE_LIMITED && typeof error.details.retryAfter === "number") {
    res.setHeader("Retry-After", String(error.details.retryAfter))
  }
  res.status(error.status).json(error.toJSON())
}

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

/** Normalizes anything thrown into a ConduitError. */
export function toConduitError(error: unknown): ConduitError {
  if (error instanceof ConduitError) return error
  const type = (error as { type?: unknown })?.type
  if (typeof type === "string" && type in BODY_ERRORS) {
    const limit = (error as { limit?: number }).limit
    return new ConduitError(BODY_ERRORS[type]!, (error as Error).message, {
      details: type === "entity.too.large" && limit !== undefined ? { limit } : {},
      cause: error,
    })
  }
  return new ConduitError(ErrorCode.INTERNAL, "internal error", { cause: error })
}

/** The last middleware: every error leaves as `{ error: { code, message } }`. */
export function errorHandler(onError: (error: ConduitError) => void): ErrorRequestHandler {
  return (error, _req, res, next) => {
    const normalized = toConduitError(error)
    onError(normalized)
    if (res.headersSent) return next(error)
    sendError(res, normalized)
  }
}
