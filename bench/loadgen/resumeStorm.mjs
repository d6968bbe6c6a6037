#!/usr/bin/env node
// A resume storm against a running gateway: a channel with a full history,
// bystanders on other channels with publishes flowing to them, then many
// subscribers resuming the full channel at once. One JSON line on stdout.
//
//   --hold  the resumed subscribers never read: what their replays cost the
//           server in memory (RSS after --settle ms, minus RSS before).
import { randomBytes } from "node:crypto"
import { setTimeout as sleep } from "node:timers/promises"
import { parseArgs } from "node:util"
import { Worker } from "node:worker_threads"
import { createHistogram, record, summarize } from "./histogram.mjs"
import { cpuSeconds, rssKb } from "./procStats.mjs"
import { subscriber, until } from "./rawSubscriber.mjs"

const { values: a } = parseArgs({
  options: {
    port: { type: "string" },
    key: { type: "string" },
    pid: { type: "string" },
    history: { type: "string", default: "1000" },
    resumes: { type: "string", default: "1000" },
    payload: { type: "string", default: "256" },
    bystanders: { type: "string", default: "100" },
    "bystander-channels": { type: "string", default: "10" },
    /** Publishes per second to the bystanders' channels; 0 = none. */
    rate: { type: "string", default: "200" },
    hold: { type: "boolean", default: false },
    settle: { type: "string", default: "3000" },
    timeout: { type: "string", default: "120" },
  },
})
const num = (k) => {
  const v = Number(a[k])
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${k} must be a non-negative number`)
  return v
}
if (!a.port) throw new Error("--port is required")
const host = "127.0.0.1"
const port = num("port")
const target = { host, port }
const cfg = {
  history: num("history"),
  resumes: num("resumes"),
  payload: num("payload"),
  bystanders: num("bystanders"),
  bystanderChannels: Math.max(1, num("bystander-channels")),
  rate: num("rate"),
  settleMs: num("settle"),
  timeoutMs: num("timeout") * 1000,
}
const pids = a.pid ? a.pid.split(",").map(Number) : []
const base = `http://${host}:${port}`
const prefix = `storm${randomBytes(3).toString("hex")}-`
const hot = `${prefix}hot`
const calm = (c) => `${prefix}calm${c}`
const keyHeader = a.key ? { authorization: `Bearer ${a.key}` } : {}

async function post(path, body) {
  const res = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...keyHeader }, body: JSON.stringify(body) })
  return { status: res.status, body: await res.json().catch(() => null) }
}

/** A subscription token per channel (none in dev mode). */
async function tokenFor(channel) {
  if (!a.key) return null
  const res = await post("/v1/tokens", { channel, topics: ["*"], expiresIn: 3600 })
  if (res.status !== 200) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.token
}

async function main() {
  // 1. The hot channel's history.
  const pad = "x".repeat(Math.max(0, cfg.payload - 20))
  const ids = []
  for (let i = 0; i < cfg.history; i += 100) {
    const n = Math.min(100, cfg.history - i)
    const res = await post("/v1/publish", { messages: Array.from({ length: n }, (_, j) => ({ channel: hot, topic: "t", data: { i: i + j, pad } })) })
    if (res.status !== 202) throw new Error(`history publish: ${res.status} ${JSON.stringify(res.body)}`)
    ids.push(...res.body.ids)
  }

  // 2. Bystanders: live subscribers of other channels, each checking its messages arrive once, in order.
  const calmTokens = await Promise.all(Array.from({ length: cfg.bystanderChannels }, (_, c) => tokenFor(calm(c))))
  const bystanders = []
  for (let b = 0; b < cfg.bystanders; b++) {
    const c = b % cfg.bystanderChannels
    const seen = []
    const s = subscriber(target, calm(c), calmTokens[c], undefined, { onData: (text) => { for (const m of text.matchAll(/"data":\{"n":(\d+)\}/g)) seen.push(Number(m[1])) } })
    s.channel = c
    s.seen = seen
    bystanders.push(s)
  }
  await Promise.all(bystanders.map((s) => s.opened))
  const bystanderRefused = bystanders.filter((s) => s.status !== 200).length

  // 3. Publishes to the bystanders' channels, at a fixed rate, for the whole storm.
  const latency = createHistogram()
  const sent = new Array(cfg.bystanderChannels).fill(0)
  const acked = Array.from({ length: cfg.bystanderChannels }, () => [])
  let publishFailed = 0
  const failedStatuses = {} // status (or "network") → count
  let publishing = true
  const inFlight = new Set()
  const publisher = (async () => {
    if (cfg.rate === 0) return
    const interval = 1000 / cfg.rate
    const start = performance.now()
    for (let k = 0; publishing; k++) {
      const c = k % cfg.bystanderChannels
      const n = sent[c]++
      const t0 = performance.now()
      const p = post("/v1/publish", { channel: calm(c), topic: "t", data: { n } }).then(
        (res) => {
          if (res.status === 202) acked[c].push(n)
          else {
            publishFailed++
            failedStatuses[res.status] = (failedStatuses[res.status] ?? 0) + 1
          }
          record(latency, performance.now() - t0)
        },
        () => {
          publishFailed++
          failedStatuses.network = (failedStatuses.network ?? 0) + 1
        },
      )
      inFlight.add(p)
      p.finally(() => inFlight.delete(p))
      await sleep(Math.max(0, start + (k + 1) * interval - performance.now()))
    }
  })()

  // 4. The storm: every resume at once, half from the start, half from an id of the history.
  await sleep(200)
  const rssBefore = pids.reduce((sum, pid) => sum + (rssKb(pid) ?? 0), 0)
  const cpu0 = pids.map(cpuSeconds)
  const hotToken = await tokenFor(hot)
  const froms = Array.from({ length: cfg.resumes }, (_, i) => (i % 2 === 0 || ids.length === 0 ? "0" : ids[(i * 7919) % ids.length]))
  const expected = froms.map((from) => (from === "0" ? ids.length : ids.length - 1 - ids.indexOf(from)))
  const t0 = performance.now()
  const worker = new Worker(new URL("./resumers.mjs", import.meta.url), {
    workerData: { target, channel: hot, token: hotToken, froms, expected, hold: a.hold, settleMs: cfg.settleMs, timeoutMs: cfg.timeoutMs },
  })
  const storm = await new Promise((resolve, reject) => {
    worker.once("message", resolve)
    worker.once("error", reject)
  })
  const stormMs = performance.now() - t0
  const rssAfter = pids.reduce((sum, pid) => sum + (rssKb(pid) ?? 0), 0)
  const cpu1 = pids.map(cpuSeconds)
  worker.postMessage("close")

  publishing = false
  await publisher
  await Promise.all(inFlight)
  // Let the last publishes reach the bystanders.
  await Promise.all(bystanders.map((s) => until(s, () => s.seen.length >= acked[s.channel].length, 5000)))

  // Publishes to one channel overlap (fixed rate), so their order is not checked, only loss and repeats.
  let lost = 0
  let duplicated = 0
  for (const s of bystanders) {
    const unique = new Set(s.seen)
    lost += acked[s.channel].filter((n) => !unique.has(n)).length
    duplicated += s.seen.length - unique.size
  }
  const cpuS = cpu1.reduce((sum, c, i) => sum + (c && cpu0[i] ? c.user + c.sys - cpu0[i].user - cpu0[i].sys : 0), 0)
  const result = {
    config: { ...cfg, hold: a.hold },
    resumes: storm,
    bystanders: {
      count: bystanders.length,
      refused: bystanderRefused,
      disconnects: bystanders.filter((s) => s.ended || s.closeEvent).length,
      lost,
      duplicated,
    },
    publishes: { ok: sent.reduce((x, y) => x + y, 0) - publishFailed, failed: publishFailed, failedStatuses, latencyMs: summarize(latency) },
    server: { rssBeforeKb: rssBefore, rssAfterKb: rssAfter, rssDeltaKb: rssAfter - rssBefore, cpuPct: Math.round((cpuS / (stormMs / 1000)) * 100) },
  }
  for (const s of bystanders) s.close()
  console.log(JSON.stringify(result))
}

main().catch((error) => {
  console.error(error.stack ?? error)
  process.exit(1)
})
