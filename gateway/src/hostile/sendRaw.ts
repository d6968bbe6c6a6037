import { connect } from "node:net"
import type { HostileRequest } from "./hostileCases.ts"

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface RawExchange {
  /** Every answer on the wire, in order, informational ones (`100 Continue`) included. */
  responses: RawResponse[]
  /** The first final (non-1xx) answer. */
  final: RawResponse | undefined
  /** Whether the server closed the connection (false: the reader gave up, e.g. on an open stream). */
  closed: boolean
}

// Only a bound for cases that fail: a passing case ends when the server closes or its answers arrived.
const GIVE_UP_MS = 5000

/**
 * Sends a request byte for byte over a socket (Node's HTTP client refuses
 * the malformed headers this suite needs) and reads every answer until the
 * server closes, or until `request.answers` answers arrived (an open stream
 * never closes).
 */
export function sendRaw(port: number, request: HostileRequest): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1")
    const chunks: Buffer[] = []
    const isHead = request.raw === undefined && request.method === "HEAD"
    let done = false
    const finish = (closed: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      const responses = parseResponses(Buffer.concat(chunks), isHead)
      resolve({ responses, final: responses.find((r) => r.status >= 200), closed })
    }
    const timer = setTimeout(() => finish(false), GIVE_UP_MS)
    socket.on("data", (c) => {
      chunks.push(c)
      if (request.answers !== undefined && parseResponses(Buffer.concat(chunks), isHead).length >= request.answers) finish(false)
    })
    socket.on("error", () => {}) // the server may answer and close before a huge body is written
    socket.on("close", () => finish(true))
    socket.write(request.raw ?? serialize(request))
  })
}

function serialize(request: HostileRequest): Buffer {
  const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body)
  const headers = { Host: "127.0.0.1", Connection: "close", ...request.headers, ...(body ? { "Content-Length": String(body.length) } : {}) }
  const head = `${request.method} ${request.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`
  return body ? Buffer.concat([Buffer.from(head, "latin1"), body]) : Buffer.from(head, "latin1")
}

/**
 * Splits the bytes read into answers. A body is framed by Content-Length or
 * chunked encoding, else runs to the end; a HEAD answer and 1xx have none.
 * An answer counts as soon as its head arrived.
 */
function parseResponses(bytes: Buffer, firstIsHead: boolean): RawResponse[] {
  const raw = bytes.toString("latin1")
  const responses: RawResponse[] = []
  let at = 0
  while (at < raw.length) {
    const end = raw.indexOf("\r\n\r\n", at)
    if (end < 0 || !raw.startsWith("HTTP/", at)) break
    const [statusLine, ...lines] = raw.slice(at, end).split("\r\n")
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const i = line.indexOf(":")
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
    }
    const status = Number(statusLine!.split(" ")[1])
    at = end + 4
    let body = ""
    const bodiless = status < 200 || status === 204 || status === 304 || (firstIsHead && !responses.some((r) => r.status >= 200))
    if (!bodiless) {
      if (headers["content-length"] !== undefined) {
        body = raw.slice(at, at + Number(headers["content-length"]))
        at += body.length
      } else if (headers["transfer-encoding"] === "chunked") {
        ;[body, at] = dechunk(raw, at)
      } else {
        body = raw.slice(at)
        at = raw.length
      }
    }
    responses.push({ status, headers, body: Buffer.from(body, "latin1").toString("utf8") })
  }
  return responses
}

function dechunk(text: string, from: number): [string, number] {
  let out = ""
  let at = from
  for (;;) {
    const lineEnd = text.indexOf("\r\n", at)
    if (lineEnd < 0) return [out, text.length]
    const size = Number.parseInt(text.slice(at, lineEnd), 16)
    if (!size) return [out, Math.min(text.length, lineEnd + 4)]
    out += text.slice(lineEnd + 2, lineEnd + 2 + size)
    at = lineEnd + 2 + size + 2
  }
}
