import { connect } from "node:net"
import type { HostileRequest } from "./hostileCases.ts"

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/**
 * Sends a request byte for byte over a socket (Node's HTTP client refuses
 * the malformed headers this suite needs) and reads the answer until the
 * server closes. Not for streams that stay open.
 */
export function sendRaw(port: number, request: HostileRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1")
    const chunks: Buffer[] = []
    const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body)
    const headers = { Host: "127.0.0.1", Connection: "close", ...request.headers, ...(body ? { "Content-Length": String(body.length) } : {}) }
    const head = `${request.method} ${request.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`
    socket.on("data", (c) => chunks.push(c))
    socket.on("error", () => {}) // the server may answer and close before a huge body is written
    socket.on("close", () => {
      const raw = Buffer.concat(chunks).toString("latin1")
      const end = raw.indexOf("\r\n\r\n")
      if (end < 0) return reject(new Error(`no HTTP answer: ${JSON.stringify(raw.slice(0, 200))}`))
      const [statusLine, ...lines] = raw.slice(0, end).split("\r\n")
      const parsed: Record<string, string> = {}
      for (const line of lines) {
        const i = line.indexOf(":")
        parsed[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
      }
      let text = raw.slice(end + 4)
      if (parsed["transfer-encoding"] === "chunked") text = dechunk(text)
      resolve({ status: Number(statusLine!.split(" ")[1]), headers: parsed, body: Buffer.from(text, "latin1").toString("utf8") })
    })
    socket.write(head)
    if (body) socket.write(body)
  })
}

function dechunk(text: string): string {
  let out = ""
  let at = 0
  for (;;) {
    const lineEnd = text.indexOf("\r\n", at)
    if (lineEnd < 0) return out
    const size = Number.parseInt(text.slice(at, lineEnd), 16)
    if (!size) return out
    out += text.slice(lineEnd + 2, lineEnd + 2 + size)
    at = lineEnd + 2 + size + 2
  }
}
