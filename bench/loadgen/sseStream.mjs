// Incremental reader of one SSE response, fed raw socket bytes: status line
// and headers, optional chunked transfer coding, then events. It looks for the
// load generator's marker in `data:` lines and reports (channelSeq, sentAtUs)
// once per complete event. Lines end in LF or CRLF (a lone CR is not handled:
// no server under test sends it).

const LF = 10
const CR = 13
const HEADER_END = Buffer.from("\r\n\r\n")
const DATA = Buffer.from("data:")
/** Message data starts `{"lgc":<channel seq>,"lgs":<global seq>,"lgt":<sent at, µs>` (see publisher). */
const MARK_CS = Buffer.from('"lgc":')
const MARK_T = Buffer.from('"lgt":')
const MAX_HEADER_BYTES = 16 * 1024

const HEADERS = 0
const BODY = 1
const DONE = 2
// chunked coding states
const SIZE = 0
const CHUNK = 1
const CHUNK_END = 2

/**
 * @param {(cs: number, sentUs: number) => void} onEvent
 * @param {(status: number) => void} onOpen  called once the headers are in
 */
export function createSseStream(onEvent, onOpen) {
  return { onEvent, onOpen, state: HEADERS, chunked: false, cstate: SIZE, chunkLeft: 0, sizeLine: "", rest: null }
}

let scratch = Buffer.allocUnsafe(256 * 1024)

/** Feeds `bytes` (valid only during this call). Returns false once the response is unusable. */
export function feed(s, bytes) {
  let data = bytes
  if (s.rest !== null && s.state === HEADERS) {
    data = Buffer.concat([s.rest, bytes])
    s.rest = null
  }
  let start = 0
  if (s.state === HEADERS) {
    const end = data.indexOf(HEADER_END)
    if (end === -1) {
      if (data.length > MAX_HEADER_BYTES) return false
      s.rest = Buffer.from(data)
      return true
    }
    const head = data.latin1Slice(0, end).toLowerCase()
    const status = Number(head.slice(9, 12))
    s.chunked = /\r\ntransfer-encoding:[^\r]*chunked/.test(head)
    s.state = BODY
    s.onOpen(status)
    if (status !== 200) return false
    start = end + 4
  }
  if (s.state !== BODY || start >= data.length) return s.state === BODY
  if (!s.chunked) return events(s, data, start, data.length)
  const n = dechunk(s, data, start)
  return n === 0 || events(s, scratch, 0, n)
}

/** Copies the chunk payload of data[start..] into `scratch`; returns its length. */
function dechunk(s, data, start) {
  if (scratch.length < data.length) scratch = Buffer.allocUnsafe(data.length * 2)
  let p = start
  let out = 0
  while (p < data.length && s.state === BODY) {
    if (s.cstate === SIZE) {
      const nl = data.indexOf(LF, p)
      if (nl === -1) {
        s.sizeLine += data.latin1Slice(p, data.length)
        break
      }
      const size = parseInt(s.sizeLine + data.latin1Slice(p, nl), 16)
      s.sizeLine = ""
      p = nl + 1
      if (size === 0 || Number.isNaN(size)) s.state = DONE
      else {
        s.chunkLeft = size
        s.cstate = CHUNK
      }
    } else if (s.cstate === CHUNK) {
      const take = Math.min(s.chunkLeft, data.length - p)
      data.copy(scratch, out, p, p + take)
      out += take
      p += take
      s.chunkLeft -= take
      if (s.chunkLeft === 0) {
        s.cstate = CHUNK_END
        s.chunkLeft = 2
      }
    } else {
      p++ // the CRLF after a chunk's data
      if (--s.chunkLeft === 0) s.cstate = SIZE
    }
  }
  return out
}

/** Parses the events of body[start..end), keeping an unfinished event for the next read. */
function events(s, body, start, end) {
  let data = body
  if (s.rest !== null) {
    data = Buffer.concat([s.rest, body.subarray(start, end)])
    start = 0
    end = data.length
    s.rest = null
  } else if (end !== body.length) {
    data = body.subarray(0, end)
  }
  let p = start
  let eventStart = start
  let cs = -1
  let sentUs = 0
  for (;;) {
    const nl = data.indexOf(LF, p)
    if (nl === -1) break
    let lineEnd = nl
    if (lineEnd > p && data[lineEnd - 1] === CR) lineEnd--
    if (lineEnd === p) {
      // "If the line is empty (a blank line): Dispatch the event."
      if (cs >= 0) s.onEvent(cs, sentUs)
      cs = -1
      eventStart = nl + 1
    } else if (cs < 0 && data[p] === DATA[0] && data.compare(DATA, 0, 5, p, p + 5) === 0) {
      const m = data.indexOf(MARK_CS, p)
      if (m !== -1 && m < lineEnd) {
        cs = readInt(data, m + MARK_CS.length, lineEnd)
        const t = data.indexOf(MARK_T, m)
        sentUs = t !== -1 && t < lineEnd ? readInt(data, t + MARK_T.length, lineEnd) : 0
      }
    }
    p = nl + 1
  }
  if (eventStart < end) s.rest = Buffer.from(data.subarray(eventStart, end))
  return true
}

/** A non-negative decimal integer at data[p..], stopping at the first non-digit. */
function readInt(data, p, end) {
  let v = 0
  for (; p < end; p++) {
    const d = data[p] - 48
    if (d < 0 || d > 9) break
    v = v * 10 + d
  }
  return v
}
