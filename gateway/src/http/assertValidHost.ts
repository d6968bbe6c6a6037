import type { IncomingMessage } from "node:http"
import { ConduitError, ErrorCode } from "@conduit/shared"

// RFC 3986 host [":" port]: an IP literal in brackets, or a non-empty reg-name (unreserved, sub-delims, %XX).
const HOST = /^(?:\[[0-9A-Za-z._~!$&'()*+,;=:-]+\]|(?:[0-9A-Za-z._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})+)(?::[0-9]*)?$/

/**
 * RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code
 * to any HTTP/1.1 request message that lacks a Host header field and to any
 * request message that contains more than one Host header field line or a
 * Host header field with an invalid field value." Node keeps the first of
 * several Host lines and checks none of this but presence (answered with an
 * empty body): the raw header lines are counted here.
 */
export function assertValidHost(req: IncomingMessage): void {
  let host: string | undefined
  let lines = 0
  const raw = req.rawHeaders
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === "host") {
      lines++
      host = raw[i + 1]
    }
  }
  if (lines > 1) throw malformed("more than one Host header")
  if (host === undefined) {
    if (req.httpVersion === "1.0") return
    throw malformed("an HTTP/1.1 request needs a Host header")
  }
  // An http URI has a non-empty host (RFC 9110 §4.2.1), so an empty Host is invalid too.
  if (!HOST.test(host)) throw malformed("the Host header is not a valid host[:port]")
}

function malformed(message: string): ConduitError {
  return new ConduitError(ErrorCode.MALFORMED_REQUEST, message)
}
