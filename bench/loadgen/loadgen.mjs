#!/usr/bin/env node
// Conduit's own fan-out load generator: N SSE subscribers, M published
// messages, one JSON line of results on stdout. See ../README.md.
import { randomBytes } from "node:crypto"
import { setTimeout as sleep } from "node:timers/promises"
import { parseArgs } from "node:util"
import { Worker } from "node:worker_threads"
import { expectedOn } from "./deliveryCheck.mjs"
import { createHistogram, merge, summarize } from "./histogram.mjs"
import { cpuSeconds, machineTicks, rssKb } from "./procStats.mjs"
import { publish } from "./publisher.mjs"
import { publishViaNdjson, publishViaSdk } from "./viaPublishers.mjs"
import { targets } from "./targets.mjs"

const { values: a } = parseArgs({
  options: {
    target: { type: "string", default: "conduit" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string" },
    subs: { type: "string", default: "100" },
    channels: { type: "string", default: "1" },
    msgs: { type: "string", default: "100" },
    rate: { type: "string", default: "0" },
    batch: { type: "string", default: "1" },
    payload: { type: "string", default: "256" },
    lanes: { type: "string", default: "4" },
    depth: { type: "string", default: "2" },
    workers: { type: "string", default: "1" },
    "connect-concurrency": { type: "string", default: "256" },
    settle: { type: "string", default: "500" },
    "drain-idle": { type: "string", default: "3000" },
    timeout: { type: "string", default: "120" },
    pid: { type: "string" },
    key: { type: "string" },
    topic: { type: "string", default: "bench" },
    label: { type: "string", default: "" },
    /** How messages are published: raw HTTP requests (`http`), the Conduit SDK (`sdk`), one NDJSON request (`ndjson`). */
    via: { type: "string", default: "http" },
  },
})
const num = (k) => {
  const v = Number(a[k])
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${k} must be a non-negative number`)
  return v
}
const target = targets[a.target]
if (!target) throw new Error(`--target must be one of ${Object.keys(targets).join(", ")}`)
if (!a.port) throw new Error("--port is required")
if (!["127.0.0.1", "localhost", "::1"].includes(a.host)) throw new Error("loopback hosts only")
const cfg = {
  host: a.host,
  port: num("port"),
  subs: num("subs"),
  channels: Math.max(1, num("channels")),
  msgs: num("msgs"),
  rate: num("rate"),
  batch: Math.max(1, num("batch")),
  payload: num("payload"),
  lanes: Math.max(1, num("lanes")),
  depth: Math.max(1, num("depth")),
  workers: Math.max(1, num("workers")),
  connectConcurrency: Math.max(1, num("connect-concurrency")),
  settleMs: num("settle"),
  drainIdleMs: num("drain-idle"),
  timeoutMs: num("timeout") * 1000,
  /** Server processes (comma-separated): RSS and CPU are summed over them. */
  pids: a.pid ? a.pid.split(",").map(Number) : [],
}
const channelPrefix = `lg${randomBytes(3).toString("hex")}-`
const channelName = (c) => channelPrefix + c
const authHeader = a.key ? `Authorization: Bearer ${a.key}\r\n` : ""

/** Real subscription tokens, one per channel, minted by the gateway itself. */
async function mintTokens() {
  if (a.target !== "conduit" || !a.key) return null
  const tokens = new Array(cfg.channels)
  let next = 0
  const lane = async () => {
    while (next < cfg.channels) {
      const c = next++
      const res = await fetch(`http://${cfg.host}:${cfg.port}/v1/tokens`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${a.key}` },
        body: JSON.stringify({ channel: channelName(c), topics: [a.topic], expiresIn: 3600 }),
      })
      if (res.status !== 200 && res.status !== 201) throw new Error(`POST /v1/tokens: ${res.status} ${await res.text()}`)
      tokens[c] = (await res.json()).token
    }
  }
  await Promise.all(Array.from({ length: 16 }, lane))
  return tokens
}

function startWorkers(tokens) {
  const workers = []
  const per = Math.ceil(cfg.subs / cfg.workers)
  for (let first = 0; first < cfg.subs; first += per) {
    const count = Math.min(per, cfg.subs - first)
    const worker = new Worker(new URL("./subscribers.mjs", import.meta.url), {
      workerData: {
        host: cfg.host,
        port: cfg.port,
        first,
        count,
        msgs: cfg.msgs,
        channels: cfg.channels,
        connectConcurrency: Math.ceil(cfg.connectConcurrency / cfg.workers),
        subPath: target.subPath(a.topic),
        channelPrefix,
        tokens,
      },
    })
    const w = { worker, unique: 0, lastAt: 0, waiters: new Map() }
    worker.on("message", (m) => {
      if (m.type === "progress") {
        w.unique = m.unique
        w.lastAt = m.lastAt
      } else w.waiters.get(m.type)?.(m)
    })
    worker.on("error", (e) => {
      console.error(`loadgen worker failed: ${e.stack ?? e}`)
      process.exit(2)
    })
    workers.push(w)
  }
  return workers
}

function ask(w, type, reply) {
  return new Promise((resolve) => {
    w.waiters.set(reply, resolve)
    w.worker.postMessage({ type })
  })
}

function serverRss() {
  const kb = cfg.pids.map(rssKb)
  return kb.length > 0 && kb.every((v) => v !== null) ? kb.reduce((a, b) => a + b, 0) : null
}

function serverCpu() {
  const all = cfg.pids.map(cpuSeconds)
  if (all.length === 0 || all.some((c) => c === null)) return null
  return { user: all.reduce((a, c) => a + c.user, 0), sys: all.reduce((a, c) => a + c.sys, 0) }
}

const round = (v, d = 0) => (v === null || v === undefined ? null : Math.round(v * 10 ** d) / 10 ** d)

async function main() {
  const started = new Date().toISOString()
  const tokens = await mintTokens()
  await sleep(200)
  const rssBefore = serverRss()
  const workers = startWorkers(tokens)
  const connected = await Promise.all(workers.map((w) => ask(w, "connect", "connected")))
  const connect = { ok: 0, failed: 0, ms: 0 }
  for (const c of connected) {
    connect.ok += c.ok
    connect.failed += c.failed
    connect.ms = Math.max(connect.ms, Math.round(c.ms))
  }
  await sleep(cfg.settleMs)
  const rssConnected = serverRss()

  let expected = 0
  for (let i = 0; i < cfg.subs; i++) expected += expectedOn(i % cfg.channels, cfg.msgs, cfg.channels)
  let pub = null
  const cpu0 = { server: serverCpu(), client: process.cpuUsage(), machine: machineTicks(), at: performance.now() }
  const elu0 = await Promise.all(workers.map((w) => ask(w, "elu", "elu")))
  let endedBy = "idle"
  if (cfg.msgs > 0) {
    const via = { ...cfg, key: a.key, channelName, topic: a.topic }
    const publishing = (
      a.via === "sdk"
        ? publishViaSdk(via)
        : a.via === "ndjson"
          ? publishViaNdjson(via)
          : publish({ ...cfg, headers: authHeader, requestOf: (items) => target.requestOf(items, channelName, a.topic) })
    ).then((p) => (pub = p))
    endedBy = await waitForDeliveries(workers, expected, publishing)
  }
  const cpu1 = { server: serverCpu(), client: process.cpuUsage(cpu0.client), machine: machineTicks(), at: performance.now() }
  const elu1 = await Promise.all(workers.map((w) => ask(w, "elu", "elu")))
  const rssAfter = serverRss()
  const results = (await Promise.all(workers.map((w) => ask(w, "finish", "result")))).map((m) => m.result)

  const hist = createHistogram()
  const d = { expected, unique: 0, lost: 0, duplicated: 0, reordered: 0, unexpected: 0, connsWithLoss: 0, closed: 0, firstAt: Infinity, lastAt: 0 }
  const failures = {}
  for (const r of results) {
    merge(hist, r.hist)
    for (const k of ["unique", "lost", "duplicated", "reordered", "unexpected", "connsWithLoss", "closed"]) d[k] += r[k]
    if (r.firstAt) d.firstAt = Math.min(d.firstAt, r.firstAt)
    d.lastAt = Math.max(d.lastAt, r.lastAt)
    for (const [why, n] of Object.entries(r.failures)) failures[why] = (failures[why] ?? 0) + n
  }
  const windowMs = pub && d.unique > 0 ? d.lastAt - pub.startedAt : null
  const wall = (cpu1.at - cpu0.at) / 1000
  const serverCpuS = cpu0.server && cpu1.server ? cpu1.server.user + cpu1.server.sys - cpu0.server.user - cpu0.server.sys : null
  const out = {
    tool: "conduit-loadgen",
    label: a.label,
    target: a.target,
    started,
    config: { subs: cfg.subs, channels: cfg.channels, msgs: cfg.msgs, rate: cfg.rate, batch: cfg.batch, payload: cfg.payload, lanes: cfg.lanes, depth: cfg.depth, workers: cfg.workers, tokens: tokens !== null, via: a.via },
    connect: { ...connect, failures },
    server: {
      rssBeforeKb: rssBefore,
      rssConnectedKb: rssConnected,
      rssAfterKb: rssAfter,
      bytesPerIdleConn: rssBefore && rssConnected && connect.ok ? Math.round(((rssConnected - rssBefore) * 1024) / connect.ok) : null,
    },
    publish: pub && {
      messages: pub.sent,
      ok: pub.ok,
      errors: pub.errors,
      firstError: pub.firstError,
      ms: round(pub.endedAt - pub.startedAt),
      msgsPerS: round((pub.sent * 1000) / (pub.endedAt - pub.startedAt)),
      reqLatencyMs: pub.reqLatencyMs,
      scheduleLagMs: pub.scheduleLagMs,
    },
    deliveries: {
      expected: d.expected,
      unique: d.unique,
      lost: d.lost,
      duplicated: d.duplicated,
      reordered: d.reordered,
      unexpected: d.unexpected,
      connsWithLoss: d.connsWithLoss,
      closedByServer: d.closed,
      windowMs: round(windowMs),
      perS: windowMs ? round((d.unique * 1000) / windowMs) : null,
      endedBy,
    },
    latencyMs: summarize(hist),
    cpu: {
      windowS: round(wall, 2),
      serverPctOfCore: serverCpuS === null ? null : round((serverCpuS / wall) * 100),
      serverSysPct: serverCpuS === null ? null : round(((cpu1.server.sys - cpu0.server.sys) / wall) * 100),
      clientPctOfCore: round(((cpu1.client.user + cpu1.client.system) / 1e6 / wall) * 100),
      clientEluWorkers: elu1.map((e, i) => round(performance.eventLoopUtilization(e.elu, elu0[i].elu).utilization, 3)),
      machineBusyPct: round(((cpu1.machine.busy - cpu0.machine.busy) / (cpu1.machine.total - cpu0.machine.total)) * 100),
    },
  }
  process.stdout.write(`${JSON.stringify(out)}\n`)
  process.exit(0)
}

/** Resolves when every expected delivery arrived, or nothing arrived for a while after publishing, or at the timeout. */
async function waitForDeliveries(workers, expected, publishing) {
  let published = false
  let publishError = null
  publishing.then(
    () => (published = true),
    (e) => {
      publishError = e
      published = true
    },
  )
  const deadline = performance.now() + cfg.timeoutMs
  let last = -1
  let lastChange = performance.now()
  for (;;) {
    await sleep(20)
    const unique = workers.reduce((s, w) => s + w.unique, 0)
    if (publishError) {
      console.error(`loadgen: ${publishError.message}`)
      return "publish_error"
    }
    if (published && unique >= expected) return "complete"
    if (unique !== last) {
      last = unique
      lastChange = performance.now()
    } else if (published && performance.now() - lastChange > cfg.drainIdleMs) return "idle"
    if (performance.now() > deadline) return "timeout"
  }
}

main().catch((e) => {
  console.error(`loadgen: ${e.stack ?? e}`)
  process.exit(1)
})
