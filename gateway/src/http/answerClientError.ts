import type { Socket } from "node:net"
import { ErrorCode } from "@conduit/shared"

const ANSWERS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, "Request Header Fields Too Large", "request headers too large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request Timeout", "request headers not received in time"],
}

/**
 * The server's `clientError` handler: a request Node's HTTP parser refuses
 * (CR or NUL in a header, oversized headers, headers too slow) gets a JSON
 * error with a stable code like every other refusal, then the connection closes.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy()
    return
  }
  const [status, reason, message] = ANSWERS[error.code ?? ""] ?? [400, "Bad Request", "malformed HTTP request"]
  const code = status === 408 ? ErrorCode.TIMEOUT : ErrorCode.MALFORMED_REQUEST
  const body = JSON.stringify({ error: { code, message } })
  // Written, then the socket destroyed: a client that keeps sending (a slowloris) must not hold it half-open.
  socket.write(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  )
}
