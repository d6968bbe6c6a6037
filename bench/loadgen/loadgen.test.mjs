// Self-test of the load generator's parsing and bookkeeping: `node --test bench/`.
import assert from "node:assert/strict"
import { test } from "node:test"
import { createCheck, expectedOn, note } from "./deliveryCheck.mjs"
import { createHistogram, quantile, record } from "./histogram.mjs"
import { createSseStream, feed } from "./sseStream.mjs"

const BODY =
  'retry: 1000\n\n' +
  'id: 1-0\nevent: bench\ndata: {"id":"1-0","data":{"lgc":0,"lgs":0,"lgt":1700000000000123,"pad":"x"}}\n\n' +
  ': ping\n\n' +
  'event: $close\ndata: {"reason":"shutdown"}\n\n' +
  'id: 1-1\r\ndata: {"lgc":1,"lgt":42}\r\n\r\n' +
  'data: {"lgc":2,"lgt":7}\n' // unfinished: no blank line yet

function collect(raw, step) {
  const events = []
  let status = null
  const s = createSseStream((cs, t) => events.push([cs, t]), (st) => (status = st))
  const bytes = Buffer.from(raw)
  for (let i = 0; i < bytes.length; i += step) feed(s, bytes.subarray(i, Math.min(bytes.length, i + step)))
  return { events, status }
}

const chunked = (head, body, size) =>
  head + body.match(new RegExp(`[\\s\\S]{1,${size}}`, "g")).map((c) => `${Buffer.byteLength(c).toString(16)}\r\n${c}\r\n`).join("")

test("reads marked events from identity and chunked bodies, whatever the read boundaries", () => {
  const expected = [[0, 1700000000000123], [1, 42]]
  const identity = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + BODY
  const viaChunks = chunked("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", BODY, 7)
  for (const step of [1, 2, 3, 5, 64, 100_000]) {
    assert.deepEqual(collect(identity, step), { events: expected, status: 200 }, `identity, reads of ${step}`)
    assert.deepEqual(collect(viaChunks, step), { events: expected, status: 200 }, `chunked, reads of ${step}`)
  }
})

test("reports the status of a refused subscribe and reads nothing after it", () => {
  assert.deepEqual(collect('HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\n{}data: {"lgc":0}\n\n', 4), { events: [], status: 401 })
})

test("counts loss, duplicates, reordering and unexpected sequence numbers", () => {
  const check = createCheck(5)
  for (const cs of [0, 2, 1, 2, 4, 9]) note(check, cs)
  assert.equal(check.unique, 4) // 0, 1, 2, 4; 3 is lost
  assert.equal(check.expected - check.unique, 1)
  assert.equal(check.duplicated, 1)
  assert.equal(check.reordered, 1) // 1 after 2
  assert.equal(check.unexpected, 1)
})

test("spreads messages round-robin over channels", () => {
  assert.deepEqual([0, 1, 2].map((c) => expectedOn(c, 10, 3)), [4, 3, 3])
  assert.equal(expectedOn(5, 3, 10), 0)
})

test("histogram quantiles are within 2% of the exact values", () => {
  const h = createHistogram()
  for (let i = 1; i <= 10_000; i++) record(h, i / 100) // 0.01 .. 100 ms
  for (const [q, exact] of [[0.5, 50], [0.9, 90], [0.99, 99]]) {
    const got = quantile(h, q)
    assert.ok(Math.abs(got - exact) / exact < 0.02, `p${q * 100}: ${got} vs ${exact}`)
  }
})
