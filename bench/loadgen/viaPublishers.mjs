// Publishers for the loadgen's --via: the Conduit SDK (one `conduit.publish`
// per message, all called at once: its coalescer batches them) and one
// NDJSON request carrying every message as a line. Same message data and
// result shape as publisher.mjs, so the delivery checks are the same.
import { request } from "node:http"
import { performance } from "node:perf_hooks"
import { createHistogram, record, summarize } from "./histogram.mjs"

const messageOf = (j, channels, pad, sentUs) => `{"lgc":${Math.floor(j / channels)},"lgs":${j},"lgt":${sentUs},"pad":"${pad}"}`
const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000)

/**
 * `msgs` calls of `conduit.publish(topicRef, data)` from this process, all
 * started at once (a token stream's shape: the caller does not wait per
 * message), over HTTP with the SDK's defaults: coalesced into batch
 * requests, a request key on each. Needs the sources (`--import ./scripts/useSources.mjs --import tsx`).
 */
export async function publishViaSdk({ host, port, msgs, channels, payload, key, channelName, topic }) {
  const { Conduit } = await import("@conduit/gateway")
  const { channel } = await import("@conduit/shared")
  const { z } = await import("zod")
  const conduit = new Conduit({ url: `http://${host}:${port}`, ...(key ? { signingKey: key } : {}) })
  const defs = Array.from({ length: channels }, (_, c) => channel({ name: channelName(c), topics: { [topic]: { schema: z.unknown() } } })())
  const pad = "x".repeat(Math.max(0, payload - 64))
  const latency = createHistogram()
  const stats = { sent: 0, ok: 0, errors: 0, firstError: null, startedAt: performance.timeOrigin + performance.now(), endedAt: 0 }
  const calls = []
  for (let j = 0; j < msgs; j++) {
    const started = performance.now()
    const data = JSON.parse(messageOf(j, channels, pad, nowUs()))
    calls.push(
      conduit.publish(defs[j % channels][topic], data).then(
        () => {
          stats.ok++
          record(latency, performance.now() - started)
        },
        (error) => {
          stats.errors++
          stats.firstError ??= String(error?.message ?? error)
        },
      ),
    )
    stats.sent++
  }
  await Promise.all(calls)
  stats.endedAt = performance.timeOrigin + performance.now()
  await conduit.close()
  return { ...stats, reqLatencyMs: summarize(latency), scheduleLagMs: null }
}

/**
 * One `POST /v1/publish` with `Content-Type: application/x-ndjson`: every
 * message a line, written in slices of 1,000 lines as fast as the socket
 * takes them; `lgt` is the time its slice was written.
 */
export function publishViaNdjson({ host, port, msgs, channels, payload, key, channelName, topic }) {
  const pad = "x".repeat(Math.max(0, payload - 64))
  const names = Array.from({ length: channels }, (_, c) => JSON.stringify(channelName(c)))
  const topicJson = JSON.stringify(topic)
  const stats = { sent: 0, ok: 0, errors: 0, firstError: null, startedAt: performance.timeOrigin + performance.now(), endedAt: 0 }
  const latency = createHistogram()
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const req = request({ host, port, method: "POST", path: "/v1/publish", headers: { "Content-Type": "application/x-ndjson", ...(key ? { Authorization: `Bearer ${key}` } : {}) } }, (res) => {
      let text = ""
      res.setEncoding("utf8")
      res.on("data", (c) => (text += c))
      res.on("end", () => {
        stats.endedAt = performance.timeOrigin + performance.now()
        record(latency, performance.now() - started)
        const body = JSON.parse(text)
        if (res.statusCode === 202) stats.ok = body.published
        else {
          stats.ok = body.error?.published ?? 0
          stats.errors = msgs - stats.ok
          stats.firstError = `${res.statusCode} ${text.slice(0, 300)}`
        }
        resolve({ ...stats, reqLatencyMs: summarize(latency), scheduleLagMs: null })
      })
    })
    req.on("error", reject)
    let j = 0
    const pump = () => {
      while (j < msgs) {
        const sentUs = nowUs()
        let slice = ""
        for (const end = Math.min(msgs, j + 1000); j < end; j++) {
          slice += `{"channel":${names[j % channels]},"topic":${topicJson},"data":${messageOf(j, channels, pad, sentUs)}}\n`
          stats.sent++
        }
        if (!req.write(slice)) return void req.once("drain", pump)
      }
      req.end()
    }
    pump()
  })
}
