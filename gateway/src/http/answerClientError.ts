import { type ServerResponse, STATUS_CODES } from "node:http"
import type { Socket } from "node:net"
import { ConduitError, ErrorCode } from "@conduit/shared"
import { breakConnection } from "./awaitTurn.ts"

const ANSWERS: Record<string, [ErrorCode, number, string]> = {
  HPE_HEADER_OVERFLOW: [ErrorCode.MALFORMED_REQUEST, 431, "request headers too large"],
  ERR_HTTP_REQUEST_TIMEOUT: [ErrorCode.TIMEOUT, 408, "request headers not received in time"],
}

/**
 * The server's `clientError` handler: a request Node's HTTP parser refuses
 * (CR or NUL in a header, oversized headers, headers too slow) gets a JSON
 * error with a stable code like every other refusal, then the connection
 * closes. An earlier request on the connection that is being answered keeps
 * its answer, sent first: its client must not read the error as refusing a
 * request that was executed. Requests parked behind it are dropped unrun.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // Node's parser reports the same error again on every later chunk: answer once.
  if (!breakConnection(socket)) return
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy()
    return
  }
  const [code, status, message] = ANSWERS[error.code ?? ""] ?? [ErrorCode.MALFORMED_REQUEST, 400, "malformed HTTP request"]
  const answer = () => writeRawError(socket, new ConduitError(code, message), status)
  // Node's own handler checks the same internal: the response that holds the socket now.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
  if (!inFlight || inFlight.writableFinished) return answer()
  if (!inFlight.req.complete) {
    // The error is in that request's own body: it cannot have run; answer it now, unless its answer began (a stream).
    if (inFlight.headersSent) socket.destroy()
    else answer()
    return
  }
  inFlight.once("finish", () => (socket.writable ? answer() : socket.destroy()))
}

/**
 * Writes a JSON error answer straight to a socket no response object owns
 * (a parser error, `CONNECT`), then destroys it once written: a client that
 * keeps sending (a slowloris) must not hold it half-open.
 */
export function writeRawError(socket: Socket, error: ConduitError, status = error.status): void {
  const body = JSON.stringify(error.toJSON())
  socket.write(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  )
}
