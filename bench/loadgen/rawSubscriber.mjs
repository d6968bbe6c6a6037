// A raw SSE subscriber for the resume storm: counts data frames without
// parsing them, notices `$close` and the socket ending. Shared by the storm's
// main thread (bystanders) and its worker (the resumes).
import { connect } from "node:net"

const FRAME_START = Buffer.from("\n\nid: ")
const CLOSE_EVENT = Buffer.from("event: $close")

/**
 * Every data frame follows a blank line (the first one the `retry:` frame).
 * `read: false` stops reading once the headers are in (what a replay costs
 * the server when nobody reads it); `onData(text)` gets the body when given.
 */
export function subscriber({ host, port }, channel, token, lastEventId, { read = true, onData } = {}) {
  const s = { status: 0, frames: 0, closed: false, closeEvent: false, ended: false, tail: Buffer.alloc(0), socket: null }
  s.opened = new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      const headers = [`GET /v1/subscribe?channel=${encodeURIComponent(channel)} HTTP/1.1`, `Host: ${host}:${port}`, "Accept: text/event-stream"]
      if (token) headers.push(`Authorization: Bearer ${token}`)
      if (lastEventId !== undefined) headers.push(`Last-Event-ID: ${lastEventId}`)
      socket.write(`${headers.join("\r\n")}\r\n\r\n`)
    })
    s.socket = socket
    let head = ""
    socket.on("data", (chunk) => {
      if (s.status === 0) {
        head += chunk.latin1Slice()
        const end = head.indexOf("\r\n\r\n")
        if (end === -1) return
        s.status = Number(head.slice(9, 12))
        resolve()
        if (!read) socket.pause()
        chunk = Buffer.from(head.slice(end + 4), "latin1")
      }
      const text = Buffer.concat([s.tail, chunk])
      for (let at = text.indexOf(FRAME_START); at !== -1; at = text.indexOf(FRAME_START, at + 1)) s.frames++
      if (text.includes(CLOSE_EVENT)) s.closeEvent = true
      s.tail = text.subarray(Math.max(0, text.length - FRAME_START.length + 1))
      onData?.(chunk.toString())
      s.onProgress?.()
    })
    const gone = () => {
      s.ended = true
      resolve()
      s.onProgress?.()
    }
    socket.on("close", gone)
    socket.on("error", gone)
  })
  s.close = () => s.socket.resetAndDestroy()
  return s
}

export function until(s, predicate, timeoutMs) {
  if (predicate()) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs)
    s.onProgress = () => {
      if (!predicate() && !s.ended) return
      clearTimeout(timer)
      resolve(predicate())
    }
  })
}
