import { ConduitError, ErrorCode } from "@conduit/shared"
import type { ErrorRequestHandler, Response } from "express"
import { toConduitError } from "./toConduitError.ts"

export function sendError(res: Response, error: ConduitError): void {
  if (error.code === ErrorCode.RATE_LIMITED && typeof error.details.retryAfter === "number") {
    res.setHeader("Retry-After", String(error.details.retryAfter))
  }
  res.status(error.status).json(error.toJSON())
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
