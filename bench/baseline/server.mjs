#!/usr/bin/env node
// The floor to compare against: a minimal Node SSE server with no framework,
// no auth, no envelope, no history. Each published body is framed once as
// `data: <body>\n\n` and written to every subscriber of its channel, either
// straight to the socket (`--write socket`, the default) or through
// `res.write` (`--write res`). No coalescing: one write per message per subscriber.
//
//   GET  /sub?channel=C     SSE stream
//   POST /pub?channel=C     body = message data → 202
//   POST /pubs              body = [{"channel":C,"data":…}, …] → 202
//   GET  /healthz
import { createServer } from "node:http"
import { parseArgs } from "node:util"

const { values } = parseArgs({
  options: { port: { type: "string", default: "7401" }, host: { type: "string", default: "127.0.0.1" }, write: { type: "string", default: "socket" } },
})
const viaSocket = values.write !== "res"
/** @type {Map<string, Set<import("node:http").ServerResponse>>} */
const channels = new Map()
const HEADERS = { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" }

function subscribe(channel, req, res) {
  // Identity body so the socket can be written directly; it ends when the connection does.
  if (viaSocket) res.useChunkedEncodingByDefault = false
  res.writeHead(200, HEADERS)
  res.flushHeaders()
  req.socket.setNoDelay(true)
  let subs = channels.get(channel)
  if (!subs) channels.set(channel, (subs = new Set()))
  subs.add(res)
  res.on("close", () => {
    subs.delete(res)
    if (subs.size === 0) channels.delete(channel)
  })
}

function send(channel, data) {
  const subs = channels.get(channel)
  if (!subs) return
  const frame = Buffer.from(`data: ${data}\n\n`)
  if (viaSocket) for (const res of subs) res.socket?.write(frame)
  else for (const res of subs) res.write(frame)
}

function readBody(req, then) {
  const parts = []
  req.on("data", (c) => parts.push(c))
  req.on("end", () => then(Buffer.concat(parts).toString()))
}

const accepted = (res) => res.writeHead(202, { "Content-Type": "application/json", "Content-Length": 2 }).end("{}")

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x")
  const channel = url.searchParams.get("channel")
  if (req.method === "GET" && url.pathname === "/sub" && channel) return subscribe(channel, req, res)
  if (req.method === "POST" && url.pathname === "/pub" && channel)
    return readBody(req, (body) => {
      send(channel, body)
      accepted(res)
    })
  if (req.method === "POST" && url.pathname === "/pubs")
    return readBody(req, (body) => {
      for (const m of JSON.parse(body)) send(m.channel, JSON.stringify(m.data))
      accepted(res)
    })
  if (url.pathname === "/healthz") return res.end("ok")
  res.writeHead(404).end()
})
server.keepAliveTimeout = 60_000
server.listen(Number(values.port), values.host, () => console.log(`baseline (${values.write} writes) on http://${values.host}:${values.port}`))
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => process.exit(0))
