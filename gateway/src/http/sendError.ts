import type { IncomingMessage, ServerResponse } from "node:http"
import { type ConduitError, ErrorCode } from "@conduit/shared"
import type { ErrorRequestHandler } from "express"
import { hasUnreadBody } from "./readBody.ts"
import { toConduitError } from "./toConduitError.ts"

/**
 * Answers `{ error: { code, message, ... } }` with the code's status, on any
 * response (the Express router's and the fast path's alike). One answered
 * before its body was read closes the connection: Node would otherwise read
 * the rest of the body (any size) to keep the connection alive. A response
 * whose head already left (a stream) can only be cut.
 */
export function sendError(req: IncomingMessage, res: ServerResponse, error: ConduitError): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const body = JSON.stringify(error.toJSON())
  const headers: Record<string, string | number> = { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body) }
  if (error.code === ErrorCode.RATE_LIMITED && typeof error.details.retryAfter === "number") headers["Retry-After"] = String(error.details.retryAfter)
  if (hasUnreadBody(req)) headers.Connection = "close"
  res.writeHead(error.status, headers).end(body)
}

/** What a route's caller does with anything it threw: normalize it (`toConduitError`), tell `onError`, answer it. */
export function refusalHandler(onError: (error: ConduitError) => void): (req: IncomingMessage, res: ServerResponse, error: unknown) => void {
  return (req, res, error) => {
    const normalized = toConduitError(error)
    onError(normalized)
    sendError(req, res, normalized)
  }
}

/** The last Express middleware: every error leaves as `{ error: { code, message } }` (`sendError`). */
export function errorHandler(onError: (error: ConduitError) => void): ErrorRequestHandler {
  const refuse = refusalHandler(onError)
  return (error, req, res, _next) => refuse(req, res, error)
}
