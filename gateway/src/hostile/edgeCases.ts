import { createHmac } from "node:crypto"
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib"
import { b64url, base, FALLBACK_KEY, type HostileCase, type HostileRequest, json, KEY, msg, now, publish, sign, sub, VICTIM } from "./hostileCases.ts"

/** An HS256 token over payload text as written (jose refuses to sign a non-finite `exp`). */
const signText = (payload: string) => {
  const signed = `${b64url({ alg: "HS256", typ: "JWT" })}.${Buffer.from(payload).toString("base64url")}`
  return `${signed}.${createHmac("sha256", KEY).update(signed).digest("base64url")}`
}
const claimsText = (times: string) => `{"channel":"${VICTIM}","topics":["*"],"iss":"conduit","aud":"conduit:subscribe","jti":"j",${times}}`
const DAY = 24 * 60 * 60
const raw = (bytes: string): HostileRequest => ({ method: "", path: "", raw: bytes })
/** The request line and headers of `request`, keep-alive (so another request can follow on the connection). */
const head = (request: HostileRequest, over: Record<string, string> = {}): string => {
  const headers = { Host: "127.0.0.1", ...request.headers, ...over }
  return `${request.method} ${request.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`
}
/** A whole keep-alive publish of `body`, to send back to back with others. */
const pipelined = (body: string, over: Record<string, string> = {}): string =>
  head(publish(body), { "Content-Length": String(Buffer.byteLength(body)), ...over }) + body

/**
 * Hostile inputs at the HTTP edge and in auth, one section per class of
 * docs/security.md: what Node's HTTP layer answered by itself, requests on
 * one connection, early refusals, data stored as sent, parser errors, query
 * limits, credentials in URLs, token lifetimes.
 */
export const EDGE_CASES: HostileCase[] = [
  // --- no parameter is silently ignored ---
  { name: "channel=A, 10,000 &, channel=B (was served as A)", request: () => sub(`channel=${VICTIM}${"&".repeat(10_000)}&channel=orders:2`, KEY), status: 400, code: "ERR_INVALID_QUERY" },
  { name: "1,001 distinct parameters", request: () => sub(`channel=${VICTIM}&${Array.from({ length: 1000 }, (_, i) => `p${i}=`).join("&")}`, KEY), status: 400, code: "ERR_INVALID_QUERY" },
  { name: "a token hidden past parameter 1,000", request: async () => sub(`channel=${VICTIM}&${"x=&".repeat(1000)}token=${await sign(base())}`), status: 400, code: "ERR_INVALID_QUERY" },
  { name: "history with limit past parameter 1,000", request: () => ({ method: "GET", path: `/v1/channels/${VICTIM}/history?${"&".repeat(1000)}limit=0`, headers: { Authorization: `Bearer ${KEY}` } }), status: 400, code: "ERR_INVALID_QUERY" },
  { name: "exactly 1,000 parameters (accepted)", request: () => ({ method: "GET", path: `/v1/channels/${VICTIM}/history?limit=1&${Array.from({ length: 999 }, (_, i) => `p${i}=`).join("&")}`, headers: { Authorization: `Bearer ${KEY}` } }), status: 200 },
  // --- token lifetimes are finite and capped (maxTokenTtlSeconds, a day by default) ---
  { name: "exp of 1e309 (Infinity, was accepted)", request: () => sub(`channel=${VICTIM}`, signText(claimsText(`"iat":${now()},"exp":1e309`))), status: 401, code: "ERR_TOKEN_INVALID" },
  { name: "exp ten years ahead", request: async () => sub(`channel=${VICTIM}`, await sign(base(), { exp: now() + 3650 * DAY })), status: 401, code: "ERR_TOKEN_INVALID" },
  { name: "lifetime an hour past the maximum", request: async () => sub(`channel=${VICTIM}`, await sign(base(), { exp: now() + DAY + 3600 })), status: 401, code: "ERR_TOKEN_INVALID" },
  { name: "iat a year ahead, exp a minute after it", request: () => sub(`channel=${VICTIM}`, signText(claimsText(`"iat":${now() + 365 * DAY},"exp":${now() + 365 * DAY + 60}`))), status: 401, code: "ERR_TOKEN_INVALID" },
  { name: "iat of -1e309", request: () => sub(`channel=${VICTIM}`, signText(claimsText(`"iat":-1e309,"exp":${now() + 60}`))), status: 401, code: "ERR_TOKEN_INVALID" },
  { name: "exp as a string", request: () => sub(`channel=${VICTIM}`, signText(claimsText(`"iat":${now()},"exp":"${now() + 60}"`))), status: 401, code: "ERR_TOKEN_INVALID" },
  { name: "a lifetime of exactly the maximum (accepted)", request: async () => ({ ...sub(`channel=${VICTIM}`, await sign(base(), { exp: now() + DAY })), answers: 1 }), status: 200 },
  { name: "tokens route: expiresIn past the maximum", request: () => ({ method: "POST", path: "/v1/tokens", headers: { "Content-Type": "application/json", Authorization: `Bearer ${KEY}` }, body: json({ channel: VICTIM, topics: ["status"], expiresIn: DAY + 1 }) }), status: 400, code: "ERR_INVALID_BODY" },
  // --- the signing key is never accepted in a URL (it lands in access logs, proxies, Referer) ---
  { name: "signing key as ?token= (was accepted on any channel)", request: () => ({ ...sub(`channel=${VICTIM}&token=${KEY}`), answers: 1 }), status: 401, code: "ERR_INVALID_KEY" },
  { name: "fallback signing key as ?token=", request: () => ({ ...sub(`channel=${VICTIM}&token=${FALLBACK_KEY}`), answers: 1 }), status: 401, code: "ERR_INVALID_KEY" },
  { name: "signing key as ?token= beside a valid token in the header", request: async () => ({ ...sub(`channel=${VICTIM}&token=${KEY}`, await sign(base())), answers: 1 }), status: 401, code: "ERR_INVALID_KEY" },
  { name: "signing key as ?token= on history", request: () => ({ method: "GET", path: `/v1/channels/${VICTIM}/history?token=${KEY}` }), status: 401, code: "ERR_UNAUTHORIZED" },
  { name: "signing key as ?token= on publish", request: () => ({ ...publish(msg(1)), path: `/v1/publish?token=${KEY}`, headers: { "Content-Type": "application/json" } }), status: 401, code: "ERR_UNAUTHORIZED" },
  { name: "subscription token as ?token= (accepted: native EventSource)", request: async () => ({ ...sub(`channel=${VICTIM}&token=${await sign(base())}`), answers: 1 }), status: 200 },
  // --- what Node's HTTP layer answers by itself: JSON too (RFC 9112 §3.2 for Host) ---
  { name: "no Host (HTTP/1.1)", request: () => raw("GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n"), status: 400, code: "ERR_MALFORMED_REQUEST" },
  { name: "two Host lines", request: () => raw(`GET /v1/subscribe?channel=${VICTIM} HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nAuthorization: Bearer ${KEY}\r\nConnection: close\r\n\r\n`), status: 400, code: "ERR_MALFORMED_REQUEST" },
  { name: "empty Host", request: () => raw("GET /healthz HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n"), status: 400, code: "ERR_MALFORMED_REQUEST" },
  { name: "Host with a space", request: () => raw("GET /healthz HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n"), status: 400, code: "ERR_MALFORMED_REQUEST" },
  { name: "Host with userinfo (a@b)", request: () => publish(msg(1), { Host: "user@evil.example" }), status: 400, code: "ERR_MALFORMED_REQUEST" },
  { name: "Host with a path", request: () => ({ method: "GET", path: "/healthz", headers: { Host: "a.example/evil" } }), status: 400, code: "ERR_MALFORMED_REQUEST" },
  { name: "Host with a port that is not a number", request: () => ({ method: "GET", path: "/healthz", headers: { Host: "a.example:8o" } }), status: 400, code: "ERR_MALFORMED_REQUEST" },
  { name: "HTTP/1.0 without Host (accepted)", request: () => raw("GET /healthz HTTP/1.0\r\n\r\n"), status: 200 },
  { name: "IPv6 literal Host with a port (accepted)", request: () => ({ method: "GET", path: "/healthz", headers: { Host: "[::1]:8288" } }), status: 200 },
  { name: "unknown Expect", request: () => publish(msg(1), { Expect: "200-ok" }), status: 417, code: "ERR_EXPECTATION_FAILED" },
  { name: "CONNECT (was a silent disconnect)", request: () => raw("CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n"), status: 405, code: "ERR_METHOD_NOT_ALLOWED" },
  // --- refused before the body is read ---
  { name: "Content-Length over maxRequestBytes, body never sent (answered without reading)", request: () => ({ method: "POST", path: "/v1/publish", headers: { "Content-Type": "application/json", Authorization: `Bearer ${KEY}`, "Content-Length": String(500 * 1024 * 1024) } }), status: 413, code: "ERR_PAYLOAD_TOO_LARGE", headers: { connection: "close" } },
  { name: "Expect: 100-continue with an oversized Content-Length gets no 100", request: () => ({ method: "POST", path: "/v1/publish", headers: { "Content-Type": "application/json", Authorization: `Bearer ${KEY}`, "Content-Length": String(500 * 1024 * 1024), Expect: "100-continue" } }), status: 413, code: "ERR_PAYLOAD_TOO_LARGE", wire: [413] },
  { name: "oversized Content-Length without the key, on tokens", request: () => ({ method: "POST", path: "/v1/tokens", headers: { "Content-Type": "application/json", "Content-Length": String(2 ** 40) } }), status: 413, code: "ERR_PAYLOAD_TOO_LARGE" },
  { name: "chunked body past maxRequestBytes, never finished (answered at the limit)", request: () => ({ method: "", path: "", raw: Buffer.concat([Buffer.from(`${head(publish("", { "Transfer-Encoding": "chunked" }))}${(17 * 1024 * 1024).toString(16)}\r\n`), Buffer.alloc(17 * 1024 * 1024, 0x20)]) }), status: 413, code: "ERR_PAYLOAD_TOO_LARGE", headers: { connection: "close" } },
  { name: "Expect: 100-continue with a body that fits (100, then 202)", request: () => publish(msg(1), { Expect: "100-continue" }), status: 202, publishes: 1, wire: [100, 202] },
  // --- data is stored as sent, or refused ---
  { name: "1e400 (Infinity, was stored as null)", request: () => publish('{"channel":"victim-pub","topic":"t","data":1e400}'), status: 400, code: "ERR_INVALID_JSON" },
  { name: "-1e400 nested in data", request: () => publish('{"channel":"victim-pub","topic":"t","data":{"a":[1,{"b":-1e400}]}}'), status: 400, code: "ERR_INVALID_JSON" },
  { name: "1e-400 (a non-zero number stored as 0)", request: () => publish('{"channel":"victim-pub","topic":"t","data":1e-400}'), status: 400, code: "ERR_INVALID_JSON" },
  { name: "integer 2^53 + 1 (stored as 2^53)", request: () => publish('{"channel":"victim-pub","topic":"t","data":9007199254740993}'), status: 400, code: "ERR_INVALID_JSON" },
  { name: "20-digit integer in a batch", request: () => publish('{"messages":[{"channel":"victim-pub","topic":"t","data":1},{"channel":"victim-pub","topic":"t","data":{"id":-12345678901234567890}}]}'), status: 400, code: "ERR_INVALID_JSON" },
  { name: "big integer inside a string (accepted)", request: () => publish('{"channel":"victim-pub","topic":"t","data":"12345678901234567890 and 1e400"}'), status: 202, publishes: 1 },
  { name: "integers a double holds exactly, big floats (accepted)", request: () => publish('{"channel":"victim-pub","topic":"t","data":[9007199254740991,-9007199254740991,1152921504606846976,100000000000000000000,1.5e300,2.5e-300]}'), status: 202, publishes: 1 },
  { name: "invalid UTF-8 byte in a string (was stored as U+FFFD)", request: () => publish(Buffer.concat([Buffer.from('{"channel":"victim-pub","topic":"t","data":"a'), Buffer.from([0xff]), Buffer.from('b"}')])), status: 400, code: "ERR_INVALID_JSON" },
  { name: "overlong UTF-8 encoding of /", request: () => publish(Buffer.concat([Buffer.from('{"channel":"victim-pub","topic":"t","data":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')])), status: 400, code: "ERR_INVALID_JSON" },
  { name: "UTF-8-encoded surrogate half", request: () => publish(Buffer.concat([Buffer.from('{"channel":"victim-pub","topic":"t","data":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')])), status: 400, code: "ERR_INVALID_JSON" },
  { name: "multi-byte sequence cut short", request: () => publish(Buffer.concat([Buffer.from('{"channel":"victim-pub","topic":"t","data":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')])), status: 400, code: "ERR_INVALID_JSON" },
  { name: "invalid UTF-8 in a key", request: () => publish(Buffer.concat([Buffer.from('{"channel":"victim-pub","topic":"t","data":{"'), Buffer.from([0x80]), Buffer.from('":1}}')])), status: 400, code: "ERR_INVALID_JSON" },
  { name: "UTF-16 charset (JSON travels as UTF-8)", request: () => publish(Buffer.from(msg(1), "utf16le"), { "Content-Type": "application/json; charset=utf-16le" }), status: 415, code: "ERR_UNSUPPORTED_MEDIA_TYPE" },
  { name: "UTF-8 byte order mark (accepted)", request: () => publish(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(msg("é"))])), status: 202, publishes: 1 },
  { name: "expiresIn of 1e400 on /v1/tokens", request: () => ({ method: "POST", path: "/v1/tokens", headers: { "Content-Type": "application/json", Authorization: `Bearer ${KEY}` }, body: `{"channel":"${VICTIM}","topics":["status"],"expiresIn":1e400}` }), status: 400, code: "ERR_INVALID_JSON" },
  // --- requests on one connection: nothing executed without its answer on the wire, in order ---
  { name: "HEAD /v1/subscribe (was a live session, stream bytes after the headers)", request: () => ({ method: "HEAD", path: `/v1/subscribe?channel=${VICTIM}`, headers: { Authorization: `Bearer ${KEY}` }, answers: 1 }), status: 405, headers: { allow: "GET" } },
  { name: "HEAD /v1/subscribe without a credential", request: () => ({ method: "HEAD", path: `/v1/subscribe?channel=${VICTIM}`, answers: 1 }), status: 405, headers: { allow: "GET" } },
  { name: "HEAD on history (headers only, accepted)", request: () => ({ method: "HEAD", path: `/v1/channels/${VICTIM}/history`, headers: { Authorization: `Bearer ${KEY}` } }), status: 200 },
  { name: "publish pipelined behind a subscribe (was executed, never answered)", request: () => ({ ...raw(head(sub(`channel=${VICTIM}`, KEY)) + pipelined(msg("behind a stream"))), answers: 1 }), status: 200, wire: [200] },
  { name: "subscribe pipelined behind a subscribe", request: () => ({ ...raw(head(sub(`channel=${VICTIM}`, KEY)) + head(sub("channel=orders:2", KEY))), answers: 1 }), status: 200, wire: [200] },
  { name: "publish, then a malformed request (the publish was executed, only the 400 answered)", request: () => raw(pipelined(msg("then garbage")) + "GARBAGE\r\n\r\n"), status: 202, publishes: 1, wire: [202, 400] },
  // Whether the second publish runs depends on how far Node's parser got when the first answer left: either way, it runs only if answered.
  { name: "two publishes, then a smuggling attempt (Content-Length and chunked)", request: () => raw(pipelined(msg("first")) + pipelined(msg("second")) + `${head(publish("", { "Content-Length": "5", "Transfer-Encoding": "chunked" }))}0\r\n\r\n`), status: 202, publishes: "answered", wire: /^202,(202,)?400$/ },
  { name: "publish with a broken chunked body", request: () => raw(`${head(publish("", { "Transfer-Encoding": "chunked" }))}5\r\n{"cha\r\nZZ\r\n`), status: 400, code: "ERR_MALFORMED_REQUEST" },
  { name: "three pipelined publishes (all answered, in order)", request: () => raw(pipelined(msg(1)) + pipelined(msg(2)) + pipelined(msg(3), { Connection: "close" })), status: 202, publishes: 3, wire: [202, 202, 202] },
  // --- parser errors are the client's: 4xx, never 500 ---
  { name: "bad percent-encoding in a path parameter, no key", request: () => ({ method: "GET", path: "/v1/channels/%E0%A4%A/history" }), status: 400, code: "ERR_MALFORMED_REQUEST" },
  { name: "lone % in a path parameter", request: () => ({ method: "GET", path: "/v1/channels/%/history", headers: { Authorization: `Bearer ${KEY}` } }), status: 400, code: "ERR_MALFORMED_REQUEST" },
  { name: "percent-encoded invalid UTF-8 in a path parameter", request: () => ({ method: "GET", path: "/v1/channels/a%FFb/history", headers: { Authorization: `Bearer ${KEY}` } }), status: 400, code: "ERR_MALFORMED_REQUEST" },
  { name: "corrupt gzip body", request: () => publish(Buffer.from("1f8b0800000000000003deadbeefdeadbeef", "hex"), { "Content-Encoding": "gzip" }), status: 400, code: "ERR_INVALID_BODY" },
  { name: "truncated gzip body", request: () => publish(gzipSync(msg("abc")).subarray(0, 20), { "Content-Encoding": "gzip" }), status: 400, code: "ERR_INVALID_BODY" },
  { name: "corrupt deflate body", request: () => publish(Buffer.from("789cffffffffdeadbeef", "hex"), { "Content-Encoding": "deflate" }), status: 400, code: "ERR_INVALID_BODY" },
  { name: "truncated deflate body", request: () => publish(deflateSync(msg("abc")).subarray(0, 12), { "Content-Encoding": "deflate" }), status: 400, code: "ERR_INVALID_BODY" },
  { name: "corrupt brotli body", request: () => publish(Buffer.from("deadbeefdeadbeefdeadbeef", "hex"), { "Content-Encoding": "br" }), status: 400, code: "ERR_INVALID_BODY" },
  { name: "gzip bomb (17 MiB of spaces inflated from ~17 KB)", request: () => publish(gzipSync(Buffer.alloc(17 * 1024 * 1024, 0x20)), { "Content-Encoding": "gzip" }), status: 413, code: "ERR_PAYLOAD_TOO_LARGE" },
  { name: "unknown content encoding", request: () => publish(msg(1), { "Content-Encoding": "compress" }), status: 415, code: "ERR_UNSUPPORTED_MEDIA_TYPE" },
  { name: "well-formed brotli body (accepted)", request: () => publish(brotliCompressSync(msg(1)), { "Content-Encoding": "br" }), status: 202, publishes: 1 },
]
