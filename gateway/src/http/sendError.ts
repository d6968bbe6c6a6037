import { ConduitError, ErrorCode } from "@conduit/shared"
import type { ErrorRequestHandler, Response } from "express"
import { hasUnreadBody } from "./readBody.ts"
import { toConduitError } from "./toConduitError.ts"

export function sendError(res: Response, error: ConduitError): void {
  if (error.code === ErrorCode.RATE_LIMITED && typeof error.details.retryAfter === "number") {
    res.setHeader("Retry-After", String(error.details.retryAfter))
  }
  res.status(error.status).json(error.toJSON())
}

/**
 * The last middleware: every error leaves as `{ error: { code, message } }`.
 * One answered before its body was read closes the connection: Node would
 * otherwise read the rest of the body (any size) to keep the connection alive.
 */
export function errorHandler(onError: (error: ConduitError) => void): ErrorRequestHandler {
  return (error, req, res, next) => {
    const normalized = toConduitError(error)
    onError(normalized)
    if (res.headersSent) return next(error)
    if (hasUnreadBody(req)) res.setHeader("Connection", "close")
    sendError(res, normalized)
  }
}
