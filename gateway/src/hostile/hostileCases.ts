import { generateKeyPairSync } from "node:crypto"
import { SignJWT } from "jose"

export const KEY = "hostile-suite-signing-key-0123456789abcdef"
export const FALLBACK_KEY = "hostile-suite-fallback-key-0123456789abcdef"
/** The channel a healthy subscriber watches through the whole suite. */
export const VICTIM = "orders:1"

export interface HostileRequest {
  method: string
  /** Path and query, sent raw (nothing re-encoded). */
  path: string
  headers?: Record<string, string>
  body?: string | Buffer
  /** Sent byte for byte instead of method, path, headers and body (a missing or repeated Host, pipelined requests). */
  raw?: string | Buffer
  /** Stop reading once this many answers arrived (behind an open stream the server never closes). */
  answers?: number
}

export interface HostileCase {
  name: string
  request: () => Promise<HostileRequest> | HostileRequest
  status: number
  /** Expected `error.code`; absent for accepted requests. */
  code?: string
  /**
   * Messages the case is allowed to publish (accepted publishes); "answered":
   * exactly as many as `202` answers reached the wire (pipelined one-message publishes).
   */
  publishes?: number | "answered"
  /** Runs the case may start (`POST /v1/events`): accepted events. @default 0 */
  runs?: number
  /** Headers the final answer must carry (names in lower case), e.g. `allow`. */
  headers?: Record<string, string>
  /**
   * Every status on the wire, in order, `100 Continue` included: what a
   * pipelining client reads. A pattern matches them joined by commas, where
   * timing may decide (how far the parser got before an earlier answer left).
   */
  wire?: number[] | RegExp
}

const enc = new TextEncoder()
type Claims = Record<string, unknown>
export const base = (over: Claims = {}): Claims => ({ channel: VICTIM, topics: ["*"], ...over })

export async function sign(claims: Claims, opts: { key?: string; iss?: string; aud?: string; exp?: number; nbf?: number; alg?: string } = {}) {
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? "HS256" })
    .setIssuedAt()
    .setIssuer(opts.iss ?? "conduit")
    .setAudience(opts.aud ?? "conduit:subscribe")
    .setJti(crypto.randomUUID())
    .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 60)
  if (opts.nbf !== undefined) jwt = jwt.setNotBefore(opts.nbf)
  return jwt.sign(enc.encode(opts.key ?? KEY))
}
export const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url")
export const sub = (query: string, token?: string, headers: Record<string, string> = {}): HostileRequest => ({
  method: "GET",
  path: `/v1/subscribe?${query}`,
  headers: { Accept: "text/event-stream", ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
})
export const publish = (body: string | Buffer, headers: Record<string, string> = {}): HostileRequest => ({
  method: "POST",
  path: "/v1/publish",
  headers: { "Content-Type": "application/json", Authorization: `Bearer ${KEY}`, ...headers },
  body,
})
/** The event a function of the suite's gateway is triggered by: accepted, it starts one run. */
export const KNOWN_EVENT = "hostile/known"
export const sendEvents = (body: string | Buffer, headers: Record<string, string> = {}): HostileRequest => ({
  method: "POST",
  path: "/v1/events",
  headers: { "Content-Type": "application/json", Authorization: `Bearer ${KEY}`, ...headers },
  body,
})
export const json = (v: unknown) => JSON.stringify(v)
export const msg = (data: unknown, over: Record<string, unknown> = {}) => json({ channel: "victim-pub", topic: "t", data, ...over })
export const now = () => Math.floor(Date.now() / 1000)
const { privateKey: rsaKey, publicKey: rsaPublic } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const LIMIT = 512 * 1024
// `"` + x×n + `"` is n+2 bytes of serialized data.
const stringOfSize = (bytes: number) => "x".repeat(bytes - 2)

/** Hostile inputs against tokens, names, queries, bodies and routes; `edgeCases.ts` has the HTTP edge's. */
export const HOSTILE_CASES: HostileCase[] = [
  // --- tokens ---
  { name: "no token outside dev mode", request: () => sub(`channel=${VICTIM}`), status: 401, code: "ERR_UNAUTHORIZED" },
  { name: "forged signature (other key)", request: async () => sub(`channel=${VICTIM}`, await sign(base(), { key: "x".repeat(40) })), status: 401, code: "ERR_TOKEN_INVALID" },
  { name: "expired token", request: async () => sub(`channel=${VICTIM}`, await sign(base(), { exp: now() - 120 })), status: 401, code: "ERR_TOKEN_EXPIRED" },
  { name: "not yet valid (nbf in an hour)", request: async () => sub(`channel=${VICTIM}`, await sign(base(), { nbf: now() + 3600 })), status: 401, code: "ERR_TOKEN_INVALID" },
  { name: "wrong audience", request: async () => sub(`channel=${VICTIM}`, await sign(base(), { aud: "someone-else" })), status: 401, code: "ERR_TOKEN_INVALID" },
  { name: "wrong issuer", request: async () => sub(`channel=${VICTIM}`, await sign(base(), { iss: "evil" })), status: 401, code: "ERR_TOKEN_INVALID" },
  {
    name: "alg: none",
    request: () => sub(`channel=${VICTIM}`, `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ ...base(), iss: "conduit", aud: "conduit:subscribe", exp: now() + 60 })}.`),
    status: 401,
    code: "ERR_TOKEN_INVALID",
  },
  {
    name: "RS256 token (algorithm confusion)",
    request: async () =>
      sub(
        `channel=${VICTIM}`,
        await new SignJWT(base()).setProtectedHeader({ alg: "RS256" }).setIssuer("conduit").setAudience("conduit:subscribe").setExpirationTime("1m").sign(rsaKey),
      ),
    status: 401,
    code: "ERR_TOKEN_INVALID",
  },
  {
    name: "HS256 signed with an RSA public key as secret",
    request: async () => sub(`channel=${VICTIM}`, await sign(base(), { key: rsaPublic.export({ type: "spki", format: "pem" }).toString() })),
    status: 401,
    code: "ERR_TOKEN_INVALID",
  },
  { name: "HS512 with the right key", request: async () => sub(`channel=${VICTIM}`, await sign(base(), { alg: "HS512" })), status: 401, code: "ERR_TOKEN_INVALID" },
  { name: "truncated token", request: async () => sub(`channel=${VICTIM}`, (await sign(base())).slice(0, -10)), status: 401, code: "ERR_TOKEN_INVALID" },
  { name: "token with extra segments", request: async () => sub(`channel=${VICTIM}`, `${await sign(base())}.AAAA`), status: 401, code: "ERR_TOKEN_INVALID" },
  { name: "garbage bearer", request: () => sub(`channel=${VICTIM}`, "%%%not-a-jwt%%%"), status: 401, code: "ERR_TOKEN_INVALID" },
  { name: "token for channel A used on B", request: async () => sub("channel=orders:2", await sign(base())), status: 403, code: "ERR_FORBIDDEN_CHANNEL" },
  { name: "topic outside the token", request: async () => sub(`channel=${VICTIM}&topics=status,secret`, await sign(base({ topics: ["status"] }))), status: 403, code: "ERR_FORBIDDEN_TOPIC" },
  { name: "token in the query for another channel", request: async () => sub(`channel=orders:2&token=${await sign(base())}`), status: 403, code: "ERR_FORBIDDEN_CHANNEL" },
  { name: "token with channel claim missing", request: async () => sub(`channel=${VICTIM}`, await sign({ topics: ["*"] })), status: 401, code: "ERR_TOKEN_INVALID" },
  { name: "signing key wrong on publish", request: () => publish(msg(1), { Authorization: "Bearer wrong-key" }), status: 401, code: "ERR_INVALID_KEY" },
  { name: "publish without a key", request: () => ({ ...publish(msg(1)), headers: { "Content-Type": "application/json" } }), status: 401, code: "ERR_UNAUTHORIZED" },
  { name: "subscription token used to publish", request: async () => publish(msg(1), { Authorization: `Bearer ${await sign(base())}` }), status: 401, code: "ERR_INVALID_KEY" },
  // --- frame injection and names ---
  { name: "CR/LF in channel", request: () => sub(`channel=${encodeURIComponent("orders:1\r\nevent: pwned")}`, KEY), status: 400, code: "ERR_INVALID_CHANNEL" },
  { name: "NUL in channel", request: () => sub("channel=orders%00", KEY), status: 400, code: "ERR_INVALID_CHANNEL" },
  { name: "LF in topic", request: () => sub(`channel=${VICTIM}&topics=${encodeURIComponent("a\ndata: x")}`, KEY), status: 400, code: "ERR_INVALID_TOPIC" },
  { name: "over-long channel (10 KB)", request: () => sub(`channel=${"c".repeat(10_000)}`, KEY), status: 400, code: "ERR_INVALID_CHANNEL" },
  { name: "over-long topic", request: () => sub(`channel=${VICTIM}&topics=${"t".repeat(1000)}`, KEY), status: 400, code: "ERR_INVALID_TOPIC" },
  { name: "CR in Last-Event-ID header (refused by the HTTP parser)", request: () => sub(`channel=${VICTIM}`, KEY, { "Last-Event-ID": "1-0\rdata: x" }), status: 400, code: "ERR_MALFORMED_REQUEST" },
  { name: "NUL in a header", request: () => sub(`channel=${VICTIM}`, KEY, { "X-Evil": "a\u0000b" }), status: 400, code: "ERR_MALFORMED_REQUEST" },
  { name: "oversized headers (64 KB)", request: () => sub(`channel=${VICTIM}`, KEY, { "X-Big": "b".repeat(64 * 1024) }), status: 431, code: "ERR_MALFORMED_REQUEST" },
  { name: "Last-Event-ID not an id", request: () => sub(`channel=${VICTIM}`, KEY, { "Last-Event-ID": "../../etc/passwd" }), status: 400, code: "ERR_INVALID_LAST_EVENT_ID" },
  { name: "over-long Last-Event-ID", request: () => sub(`channel=${VICTIM}`, KEY, { "Last-Event-ID": `1-${"9".repeat(5000)}` }), status: 400, code: "ERR_INVALID_LAST_EVENT_ID" },
  { name: "NUL in lastEventId query", request: () => sub(`channel=${VICTIM}&lastEventId=1-0%00`, KEY), status: 400, code: "ERR_INVALID_LAST_EVENT_ID" },
  { name: "CR/LF in a published topic", request: () => publish(json({ channel: "victim-pub", topic: "t\r\nevent: x", data: 1 })), status: 400, code: "ERR_INVALID_TOPIC" },
  { name: "LF in a published channel", request: () => publish(json({ channel: "a\nb", topic: "t", data: 1 })), status: 400, code: "ERR_INVALID_CHANNEL" },
  // --- query strings ---
  { name: "duplicate channel parameter", request: () => sub(`channel=${VICTIM}&channel=orders:2`, KEY), status: 400, code: "ERR_INVALID_QUERY" },
  { name: "duplicate topics parameter", request: () => sub(`channel=${VICTIM}&topics=a&topics=b`, KEY), status: 400, code: "ERR_INVALID_QUERY" },
  { name: "channel as an array (channel[]=)", request: () => sub(`channel[]=${VICTIM}`, KEY), status: 400, code: "ERR_INVALID_CHANNEL" },
  { name: "missing channel", request: () => sub("topics=a", KEY), status: 400, code: "ERR_INVALID_CHANNEL" },
  // --- bodies ---
  { name: "malformed JSON", request: () => publish('{"channel": "victim-pub", "topic": '), status: 400, code: "ERR_INVALID_JSON" },
  { name: "truncated JSON", request: () => publish(msg("abc").slice(0, -3)), status: 400, code: "ERR_INVALID_JSON" },
  { name: "deeply nested JSON (100k levels)", request: () => publish(`{"channel":"victim-pub","topic":"t","data":${"[".repeat(100_000)}${"]".repeat(100_000)}}`), status: 400, code: "ERR_INVALID_BODY" },
  { name: "JSON body that is not an object", request: () => publish("[1,2,3]"), status: 400, code: "ERR_INVALID_BODY" },
  { name: "data missing", request: () => publish(json({ channel: "victim-pub", topic: "t" })), status: 400, code: "ERR_INVALID_BODY" },
  { name: "prototype pollution keys", request: () => publish('{"channel":"victim-pub","topic":"t","data":1,"__proto__":{"admin":true}}'), status: 202, publishes: 1 },
  { name: "data of 512 KiB + 1", request: () => publish(msg(stringOfSize(LIMIT + 1))), status: 413, code: "ERR_PAYLOAD_TOO_LARGE" },
  { name: "data of exactly 512 KiB (accepted)", request: () => publish(msg(stringOfSize(LIMIT))), status: 202, publishes: 1 },
  { name: "body over maxRequestBytes", request: () => publish(Buffer.alloc(17 * 1024 * 1024 + 10, 0x20)), status: 413, code: "ERR_PAYLOAD_TOO_LARGE" },
  { name: "batch of 1,001", request: () => publish(json({ messages: Array.from({ length: 1001 }, (_, i) => ({ channel: "victim-pub", topic: "t", data: i })) })), status: 413, code: "ERR_BATCH_TOO_LARGE" },
  { name: "batch with one bad message (all or nothing)", request: () => publish(json({ messages: [{ channel: "victim-pub", topic: "t", data: 1 }, { channel: "", topic: "t", data: 2 }] })), status: 400, code: "ERR_INVALID_CHANNEL" },
  { name: "schema-invalid data on a registered channel", request: () => publish(json({ channel: VICTIM, topic: "status", data: { state: 42 } })), status: 400, code: "ERR_VALIDATION" },
  { name: "topic not declared by the registered channel", request: () => publish(json({ channel: VICTIM, topic: "nope", data: 1 })), status: 400, code: "ERR_UNKNOWN_TOPIC" },
  { name: "text/plain content type", request: () => publish(msg(1), { "Content-Type": "text/plain" }), status: 415, code: "ERR_UNSUPPORTED_MEDIA_TYPE" },
  { name: "form-urlencoded content type", request: () => publish("channel=a&topic=t&data=1", { "Content-Type": "application/x-www-form-urlencoded" }), status: 415, code: "ERR_UNSUPPORTED_MEDIA_TYPE" },
  { name: "no content type", request: () => ({ method: "POST", path: "/v1/publish", headers: { Authorization: `Bearer ${KEY}` }, body: msg(1) }), status: 415, code: "ERR_UNSUPPORTED_MEDIA_TYPE" },
  { name: "unsupported charset", request: () => publish(msg(1), { "Content-Type": "application/json; charset=latin1" }), status: 415, code: "ERR_UNSUPPORTED_MEDIA_TYPE" },
  { name: "over-long idempotencyKey", request: () => publish(msg(1, { idempotencyKey: "k".repeat(300) })), status: 400, code: "ERR_INVALID_BODY" },
  // --- events (POST /v1/events): nothing starts unless the whole request is accepted ---
  { name: "an event that starts a run (accepted)", request: () => sendEvents(json({ name: KNOWN_EVENT, data: { n: 1 } })), status: 202, runs: 1 },
  { name: "events without a key", request: () => ({ ...sendEvents(json({ name: KNOWN_EVENT })), headers: { "Content-Type": "application/json" } }), status: 401, code: "ERR_UNAUTHORIZED" },
  { name: "events with a wrong key", request: () => sendEvents(json({ name: KNOWN_EVENT }), { Authorization: "Bearer wrong-key" }), status: 401, code: "ERR_INVALID_KEY" },
  { name: "events with a subscription token", request: async () => sendEvents(json({ name: KNOWN_EVENT }), { Authorization: `Bearer ${await sign(base())}` }), status: 401, code: "ERR_INVALID_KEY" },
  { name: "events: malformed JSON", request: () => sendEvents(`{"name": "${KNOWN_EVENT}", "data": `), status: 400, code: "ERR_INVALID_JSON" },
  { name: "events: body over maxRequestBytes", request: () => sendEvents(Buffer.alloc(17 * 1024 * 1024 + 10, 0x20)), status: 413, code: "ERR_PAYLOAD_TOO_LARGE" },
  { name: "events: text/plain content type", request: () => sendEvents(json({ name: KNOWN_EVENT }), { "Content-Type": "text/plain" }), status: 415, code: "ERR_UNSUPPORTED_MEDIA_TYPE" },
  { name: "events: an event nothing listens to", request: () => sendEvents(json({ name: "hostile/nobody-listens" })), status: 404, code: "ERR_UNKNOWN_FUNCTION" },
  {
    name: "events: a batch with one unknown event (all or nothing)",
    request: () => sendEvents(json({ events: [{ name: KNOWN_EVENT }, { name: "hostile/nobody-listens" }] })),
    status: 404,
    code: "ERR_UNKNOWN_FUNCTION",
  },
  { name: "events: batch of 1,001", request: () => sendEvents(json({ events: Array.from({ length: 1001 }, () => ({ name: KNOWN_EVENT })) })), status: 413, code: "ERR_BATCH_TOO_LARGE" },
  { name: "events: an event without a name", request: () => sendEvents(json({ data: { n: 1 } })), status: 400, code: "ERR_INVALID_BODY" },
  { name: "events: a body that is not an object", request: () => sendEvents(json([{ name: KNOWN_EVENT }])), status: 400, code: "ERR_INVALID_BODY" },
  // --- routes and methods ---
  { name: "unknown route", request: () => ({ method: "GET", path: "/v1/nope" }), status: 404, code: "ERR_NOT_FOUND" },
  { name: "path traversal", request: () => ({ method: "GET", path: "/v1/../../etc/passwd" }), status: 404, code: "ERR_NOT_FOUND" },
  { name: "DELETE on publish", request: () => ({ method: "DELETE", path: "/v1/publish", headers: { Authorization: `Bearer ${KEY}` } }), status: 405, code: "ERR_METHOD_NOT_ALLOWED" },
  { name: "GET on publish", request: () => ({ method: "GET", path: "/v1/publish" }), status: 405, code: "ERR_METHOD_NOT_ALLOWED" },
  { name: "POST on subscribe", request: () => ({ method: "POST", path: `/v1/subscribe?channel=${VICTIM}`, headers: { "Content-Type": "application/json" }, body: "{}" }), status: 405, code: "ERR_METHOD_NOT_ALLOWED" },
  { name: "tokens route without the key", request: () => ({ method: "POST", path: "/v1/tokens", headers: { "Content-Type": "application/json" }, body: json({ channel: VICTIM, topics: ["*"] }) }), status: 401, code: "ERR_UNAUTHORIZED" },
  { name: "tokens route with a wildcard channel", request: () => ({ method: "POST", path: "/v1/tokens", headers: { "Content-Type": "application/json", Authorization: `Bearer ${KEY}` }, body: json({ channel: "*", topics: ["*"] }) }), status: 400, code: "ERR_INVALID_CHANNEL" },
  { name: "history without the key", request: () => ({ method: "GET", path: `/v1/channels/${VICTIM}/history` }), status: 401, code: "ERR_UNAUTHORIZED" },
]
