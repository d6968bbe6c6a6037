import { gzipSync } from "node:zlib"
import { type HostileCase, type HostileRequest, KEY, msg } from "./hostileCases.ts"

/** An NDJSON publish of `lines` joined by LF. */
const ndjson = (lines: Array<string | Buffer> | Buffer, headers: Record<string, string> = {}): HostileRequest => ({
  method: "POST",
  path: "/v1/publish",
  headers: { "Content-Type": "application/x-ndjson", Authorization: `Bearer ${KEY}`, ...headers },
  body: Buffer.isBuffer(lines) ? lines : Buffer.concat(lines.flatMap((l, i) => (i === 0 ? [Buffer.from(l)] : [Buffer.from("\n"), Buffer.from(l)]))),
})
const ok = (n: number) => msg(`ndjson ${n}`)
const marker = (over: Record<string, unknown>, data: unknown = null) => msg(data, { stream: { id: "s", take: "t", ...over } })

/**
 * Hostile NDJSON publishes (`Content-Type: application/x-ndjson`): every
 * line gets the body rules of a JSON publish (strict JSON, UTF-8, size), the
 * lines before a bad one are published and the bad one is reported with its
 * number, never silently dropped; plus the stream tag's rules.
 */
export const NDJSON_CASES: HostileCase[] = [
  { name: "NDJSON: three good lines, CRLF ends and a blank line (accepted)", request: () => ndjson([`${ok(1)}\r`, "", ok(2), `${ok(3)}\r\n`]), status: 202, publishes: 3 },
  { name: "NDJSON: invalid UTF-8 on line 2 (line 1 published)", request: () => ndjson([ok(1), Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), ok(3)]), status: 400, code: "ERR_INVALID_JSON", publishes: 1 },
  { name: "NDJSON: 1e400 on line 3", request: () => ndjson([ok(1), ok(2), '{"channel":"victim-pub","topic":"t","data":1e400}', ok(4)]), status: 400, code: "ERR_INVALID_JSON", publishes: 2 },
  { name: "NDJSON: an integer past 2^53 on line 1 (nothing published)", request: () => ndjson(['{"channel":"victim-pub","topic":"t","data":9007199254740993}', ok(2)]), status: 400, code: "ERR_INVALID_JSON" },
  { name: "NDJSON: a line that is not JSON", request: () => ndjson([ok(1), '{"channel":']), status: 400, code: "ERR_INVALID_JSON", publishes: 1 },
  { name: "NDJSON: a line that is an array", request: () => ndjson([`[${ok(1)}]`]), status: 400, code: "ERR_INVALID_BODY" },
  { name: "NDJSON: a line with a bad channel name", request: () => ndjson([ok(1), msg("x", { channel: "bad channel" })]), status: 400, code: "ERR_INVALID_CHANNEL", publishes: 1 },
  { name: "NDJSON: a line against the registered schema", request: () => ndjson(['{"channel":"orders:9","topic":"status","data":{"state":1}}']), status: 400, code: "ERR_VALIDATION" },
  { name: "NDJSON: data over maxMessageBytes on one line", request: () => ndjson([ok(1), msg("x".repeat(512 * 1024))]), status: 413, code: "ERR_PAYLOAD_TOO_LARGE", publishes: 1 },
  { name: "NDJSON: a line over maxRequestBytes, never ended (cut at the limit)", request: () => ndjson([ok(1), Buffer.alloc(17 * 1024 * 1024, 0x20)]), status: 413, code: "ERR_PAYLOAD_TOO_LARGE", publishes: 1, headers: { connection: "close" } },
  { name: "NDJSON: an empty body", request: () => ndjson([]), status: 400, code: "ERR_INVALID_BODY" },
  { name: "NDJSON: only blank lines", request: () => ndjson(["", "\r", ""]), status: 400, code: "ERR_INVALID_BODY" },
  { name: "NDJSON: UTF-16 charset", request: () => ndjson([ok(1)], { "Content-Type": "application/x-ndjson; charset=utf-16" }), status: 415, code: "ERR_UNSUPPORTED_MEDIA_TYPE" },
  { name: "NDJSON: Idempotency-Key header (lines carry their own keys)", request: () => ndjson([ok(1)], { "Idempotency-Key": "k1" }), status: 400, code: "ERR_INVALID_BODY" },
  { name: "NDJSON: without the key", request: () => ndjson([ok(1)], { Authorization: "Bearer nope" }), status: 401, code: "ERR_INVALID_KEY" },
  { name: "NDJSON: corrupt gzip", request: () => ndjson(Buffer.from("1f8b0800000000000003deadbeefdeadbeef", "hex"), { "Content-Encoding": "gzip" }), status: 400, code: "ERR_INVALID_BODY" },
  { name: "NDJSON: gzip of two good lines (accepted)", request: () => ndjson(gzipSync(`${ok(1)}\n${ok(2)}\n`), { "Content-Encoding": "gzip" }), status: 202, publishes: 2 },
  { name: "NDJSON: an unknown Content-Encoding", request: () => ndjson([ok(1)], { "Content-Encoding": "zstd" }), status: 415, code: "ERR_UNSUPPORTED_MEDIA_TYPE" },
  // --- the stream tag (docs/protocol.md, Streams), in JSON and NDJSON bodies alike ---
  { name: "stream: a start marker with data", request: () => ndjson([marker({ seq: 0, start: true }, "x")]), status: 400, code: "ERR_INVALID_BODY" },
  { name: "stream: start at seq 1", request: () => ndjson([marker({ seq: 1, start: true })]), status: 400, code: "ERR_INVALID_BODY" },
  { name: "stream: both end and error", request: () => ndjson([marker({ seq: 3, end: true, error: { code: "E", message: "m" } })]), status: 400, code: "ERR_INVALID_BODY" },
  { name: "stream: a negative seq", request: () => ndjson([marker({ seq: -1 }, "x")]), status: 400, code: "ERR_INVALID_BODY" },
  { name: "stream: an id of 257 characters", request: () => ndjson([msg("x", { stream: { id: "s".repeat(257), take: "t", seq: 1 } })]), status: 400, code: "ERR_INVALID_BODY" },
  { name: "stream: not an object", request: () => ndjson([msg("x", { stream: "s" })]), status: 400, code: "ERR_INVALID_BODY" },
  { name: "stream: a marker on a registered channel skips the schema, a chunk does not", request: () => ndjson(['{"channel":"orders:9","topic":"status","data":null,"stream":{"id":"s","take":"t","seq":0,"start":true}}', '{"channel":"orders:9","topic":"status","data":"x","stream":{"id":"s","take":"t","seq":1}}']), status: 400, code: "ERR_VALIDATION", publishes: 1 },
]
