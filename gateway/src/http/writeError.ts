import type { ServerResponse } from "node:http"
import type { ConduitError } from "@conduit/shared"

/**
 * Answers `error` as JSON on a response no Express handler owns (the server's
 * `checkContinue`, `connect`), then closes the connection.
 */
export function writeError(res: ServerResponse, error: ConduitError, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(error.toJSON())
  res.writeHead(error.status, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    Connection: "close",
  })
  res.end(body)
}
