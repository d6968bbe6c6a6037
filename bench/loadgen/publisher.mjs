// Publishes `msgs` messages over keep-alive HTTP/1.1 lanes (raw sockets,
// requests pipelined up to `depth` per lane). Message j goes to channel
// j % channels, and channel c always to lane c % lanes: each channel's
// messages reach the server in order, so any reordering seen is the server's.
import { connect } from "node:net"
import { performance } from "node:perf_hooks"
import { createHistogram, record, summarize } from "./histogram.mjs"

/**
 * @param {object} o
 * @param {(items: {channel: number, data: string}[]) => {path: string, body: string}} o.requestOf
 *   the request carrying these messages (one, or a batch)
 */
export function publish(o) {
  const { host, port, msgs, channels, rate, batch, depth, headers, requestOf, payload, timeoutMs } = o
  const laneCount = Math.max(1, Math.min(o.lanes, channels))
  const pad = "x".repeat(Math.max(0, payload - 64))
  const reqLatency = createHistogram()
  const lag = createHistogram()
  const stats = { sent: 0, ok: 0, errors: 0, firstError: null, startedAt: 0, endedAt: 0 }
  const queues = Array.from({ length: laneCount }, () => [])
  for (let j = 0; j < msgs; j++) queues[(j % channels) % laneCount].push(j)

  return new Promise((resolve, reject) => {
    let lanesLeft = laneCount
    const t0 = performance.now()
    stats.startedAt = performance.timeOrigin + t0
    const dueAt = (j) => (rate > 0 ? t0 + (j * 1000) / rate : 0)
    const guard = setTimeout(() => done(new Error(`publishing did not finish in ${timeoutMs} ms`)), timeoutMs)
    const lanes = queues.map((queue) => startLane(queue))

    function done(error) {
      clearTimeout(guard)
      for (const lane of lanes) lane.socket.destroy()
      stats.endedAt = performance.timeOrigin + performance.now()
      if (error) reject(error)
      else resolve({ ...stats, reqLatencyMs: summarize(reqLatency), scheduleLagMs: rate > 0 ? summarize(lag) : null })
    }

    function startLane(queue) {
      const lane = { queue, pos: 0, inflight: [], text: "", timer: null, finished: queue.length === 0 }
      lane.socket = connect({ host, port }, () => pump(lane))
      lane.socket.setNoDelay(true)
      lane.socket.setEncoding("latin1")
      lane.socket.on("data", (chunk) => onData(lane, chunk))
      lane.socket.on("error", (e) => done(new Error(`publisher connection: ${e.message}`)))
      if (lane.finished) lanesLeft--
      return lane
    }

    function pump(lane) {
      lane.timer = null
      while (lane.inflight.length < depth && lane.pos < lane.queue.length) {
        const now = performance.now()
        const due = dueAt(lane.queue[lane.pos])
        if (due > now) {
          lane.timer = setTimeout(pump, due - now, lane)
          return
        }
        const items = []
        const sentUs = Math.round((performance.timeOrigin + now) * 1000)
        while (items.length < batch && lane.pos < lane.queue.length && dueAt(lane.queue[lane.pos]) <= now) {
          const j = lane.queue[lane.pos++]
          if (rate > 0) record(lag, now - dueAt(j))
          const cs = Math.floor(j / channels)
          items.push({ channel: j % channels, data: `{"lgc":${cs},"lgs":${j},"lgt":${sentUs},"pad":"${pad}"}` })
        }
        const { path, body } = requestOf(items)
        lane.socket.write(
          `POST ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/json\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        )
        lane.inflight.push(now)
        stats.sent += items.length
      }
    }

    function onData(lane, chunk) {
      lane.text += chunk
      for (;;) {
        const end = lane.text.indexOf("\r\n\r\n")
        if (end === -1) return
        const head = lane.text.slice(0, end)
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)
        if (!length) return done(new Error(`publish response without Content-Length: ${head.slice(0, 200)}`))
        const total = end + 4 + Number(length[1])
        if (lane.text.length < total) return
        const status = Number(head.slice(9, 12))
        if (status >= 200 && status < 300) stats.ok++
        else {
          stats.errors++
          stats.firstError ??= `${status} ${lane.text.slice(end + 4, total).slice(0, 300)}`
        }
        lane.text = lane.text.slice(total)
        record(reqLatency, performance.now() - lane.inflight.shift())
        if (lane.pos === lane.queue.length && lane.inflight.length === 0) {
          if (!lane.finished) {
            lane.finished = true
            if (--lanesLeft === 0) return done(null)
          }
        } else if (lane.timer === null) pump(lane)
      }
    }
  })
}
