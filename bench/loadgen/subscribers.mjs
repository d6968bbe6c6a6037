// Worker thread: opens its share of the subscriber connections (raw sockets,
// one shared read buffer), checks every delivery and records latency.
import { connect } from "node:net"
import { performance } from "node:perf_hooks"
import { parentPort, workerData } from "node:worker_threads"
import { createCheck, expectedOn, note } from "./deliveryCheck.mjs"
import { createHistogram, record } from "./histogram.mjs"
import { createSseStream, feed } from "./sseStream.mjs"

const { host, port, first, count, msgs, channels, connectConcurrency, subPath, channelPrefix, tokens } = workerData
const readBuffer = Buffer.allocUnsafe(64 * 1024)
const hist = createHistogram()
const conns = []
const totals = { unique: 0, duplicated: 0, reordered: 0, unexpected: 0, closed: 0, failed: 0, ok: 0 }
const failures = new Map()
let firstAt = 0
let lastAt = 0
let nowUs = 0
let finishing = false
let mine = 0 // deliveries this worker expects in all
for (let i = first; i < first + count; i++) mine += expectedOn(i % channels, msgs, channels)
const report = () => parentPort.postMessage({ type: "progress", unique: totals.unique, lastAt })

/** The subscribe request of subscriber `index` on channel `c`; tokens are per channel. */
function requestOf(index, c) {
  const path = subPath.replaceAll("{channel}", encodeURIComponent(channelPrefix + c)).replaceAll("{i}", String(index))
  const auth = tokens ? `Authorization: Bearer ${tokens[c]}\r\n` : ""
  return `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nAccept: text/event-stream\r\n${auth}\r\n`
}

const nowMs = () => performance.timeOrigin + performance.now()

function open(index) {
  return new Promise((resolve) => {
    const c = index % channels
    const conn = { check: createCheck(expectedOn(c, msgs, channels)), socket: null, open: false }
    const stream = createSseStream(
      (cs, sentUs) => {
        if (!note(conn.check, cs)) return
        totals.unique++
        record(hist, (nowUs - sentUs) / 1000)
        if (firstAt === 0) firstAt = nowUs / 1000
        lastAt = nowUs / 1000
        if (totals.unique === mine) report() // the main thread learns of completion at once
      },
      (status) => {
        if (status === 200) {
          conn.open = true
          totals.ok++
        } else fail(`status ${status}`)
        resolve()
      },
    )
    const fail = (why) => {
      if (conn.open || conn.failed) return
      conn.failed = true
      totals.failed++
      failures.set(why, (failures.get(why) ?? 0) + 1)
      resolve()
    }
    const socket = connect({
      host,
      port,
      onread: {
        buffer: readBuffer,
        callback(n, buf) {
          // One clock read per socket read: when these bytes became available to us.
          nowUs = Math.round(nowMs() * 1000)
          if (!feed(stream, buf.subarray(0, n))) socket.destroy()
        },
      },
    })
    conn.socket = socket
    socket.setNoDelay(true)
    socket.on("connect", () => socket.write(requestOf(index, c)))
    socket.on("error", (e) => fail(e.code ?? String(e)))
    socket.on("close", () => {
      if (conn.open && !finishing) totals.closed++
      fail("closed before headers")
    })
    conns.push(conn)
  })
}

async function connectAll() {
  const t0 = nowMs()
  let next = 0
  const lane = async () => {
    while (next < count) await open(first + next++)
  }
  await Promise.all(Array.from({ length: Math.min(connectConcurrency, count) }, lane))
  return nowMs() - t0
}

function finish() {
  finishing = true
  let lost = 0
  let connsWithLoss = 0
  for (const { check } of conns) {
    const missing = check.expected - check.unique
    lost += missing
    if (missing > 0) connsWithLoss++
    totals.duplicated += check.duplicated
    totals.reordered += check.reordered
    totals.unexpected += check.unexpected
  }
  const result = { ...totals, lost, connsWithLoss, firstAt, lastAt, hist, failures: Object.fromEntries(failures) }
  // Reset rather than close: no TIME_WAIT pile-up across runs.
  for (const { socket } of conns) socket.resetAndDestroy()
  return result
}

parentPort.on("message", async (msg) => {
  if (msg.type === "connect") {
    const ms = await connectAll()
    parentPort.postMessage({ type: "connected", ok: totals.ok, failed: totals.failed, ms })
    const tick = setInterval(report, 50)
    tick.unref()
  } else if (msg.type === "elu") {
    parentPort.postMessage({ type: "elu", elu: performance.eventLoopUtilization() })
  } else if (msg.type === "finish") {
    parentPort.postMessage({ type: "result", result: finish() })
    setTimeout(() => process.exit(0), 50)
  }
})
