import type { IncomingMessage } from "node:http"
import { assertBodyFits } from "./assertBodyFits.ts"
import { assertValidHost } from "./assertValidHost.ts"
import { isNdjson } from "./ndjsonLines.ts"

/**
 * Refusals that need no more than the request's head, before any route: a
 * bad `Host`, a declared body over `maxRequestBytes`. An NDJSON body is one
 * long request of many messages: its bound is per line (`ndjsonLines`).
 */
export function assertRequestHead(req: IncomingMessage, maxRequestBytes: number): void {
  assertValidHost(req)
  assertRequestFits(req, maxRequestBytes)
}

/** `assertBodyFits` for every body but NDJSON's. */
export function assertRequestFits(req: IncomingMessage, maxRequestBytes: number): void {
  if (!isNdjson(req.headers["content-type"])) assertBodyFits(req.headers, maxRequestBytes)
}
