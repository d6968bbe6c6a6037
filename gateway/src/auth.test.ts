import { generateKeyPairSync } from "node:crypto"
import { SignJWT, UnsecuredJWT } from "jose"
import { afterEach, describe, expect, it } from "vitest"
import { openStream, readBody } from "./testing/openStream.ts"
import { type RunningGateway, startGateway } from "./testing/startGateway.ts"

const KEY = "k".repeat(32)
const OLD_KEY = "o".repeat(32)
let gw: RunningGateway
afterEach(() => gw?.close())

const token = async (claims: Record<string, unknown>, key = KEY, opts: { exp?: number; aud?: string; iss?: string } = {}) => {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ channel: "c", topics: ["status"], ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(opts.iss ?? "conduit")
    .setAudience(opts.aud ?? "conduit:subscribe")
    .setIssuedAt(now)
    .setExpirationTime(opts.exp ?? now + 60)
    .sign(new TextEncoder().encode(key))
}
const subscribeCode = async (query: string, credential?: string) => {
  const s = await openStream(`${gw.url}/v1/subscribe?${query}`, credential ? { Authorization: `Bearer ${credential}` } : {})
  if (s.status === 200) {
    s.close()
    return { status: 200, code: undefined }
  }
  return { status: s.status, code: JSON.parse(await readBody(s)).error.code as string }
}

describe("subscription tokens", () => {
  it("mints a token with the documented claims via POST /v1/tokens, and it opens the stream", async () => {
    gw = await startGateway({ signingKey: KEY })
    const res = await gw.post("/v1/tokens", { channel: "c", topics: ["status"], expiresIn: 30, sub: "user-1" }, { Authorization: `Bearer ${KEY}` })
    expect(res.status).toBe(200)
    const [header, payload] = (res.body.token as string).split(".").slice(0, 2).map((p) => JSON.parse(Buffer.from(p, "base64url").toString()))
    expect(header).toMatchObject({ alg: "HS256" })
    expect(payload).toMatchObject({ iss: "conduit", aud: "conduit:subscribe", channel: "c", topics: ["status", "$run"], sub: "user-1" })
    expect(payload.exp - payload.iat).toBe(30)
    expect(typeof payload.jti).toBe("string")
    expect(new Date(res.body.expiresAt).getTime()).toBe(payload.exp * 1000)
    expect(await subscribeCode("channel=c&topics=status", res.body.token)).toEqual({ status: 200, code: undefined })
  })

  it("defaults to a 60 s lifetime", async () => {
    gw = await startGateway({ signingKey: KEY })
    const { token: t } = await gw.gateway.mintToken({ channel: "c", topics: ["a"] })
    const payload = JSON.parse(Buffer.from(t.split(".")[1]!, "base64url").toString())
    expect(payload.exp - payload.iat).toBe(60)
  })

  it("accepts a token in the query (native EventSource)", async () => {
    gw = await startGateway({ signingKey: KEY })
    const s = await openStream(`${gw.url}/v1/subscribe?channel=c&token=${await token({})}`)
    expect(s.status).toBe(200)
    s.close()
  })

  it("refuses every bad credential with its code", async () => {
    gw = await startGateway({ signingKey: KEY })
    const now = Math.floor(Date.now() / 1000)
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
    const rs256 = await new SignJWT({ channel: "c", topics: ["status"] })
      .setProtectedHeader({ alg: "RS256" }).setIssuer("conduit").setAudience("conduit:subscribe").setIssuedAt().setExpirationTime("1m")
      .sign(privateKey)
    const none = new UnsecuredJWT({ channel: "c", topics: ["status"], iss: "conduit", aud: "conduit:subscribe", exp: now + 60, iat: now }).encode()
    const cases: Array<[string, string | undefined, string, number, string]> = [
      ["missing token", undefined, "channel=c", 401, "ERR_UNAUTHORIZED"],
      ["wrong channel", await token({ channel: "other" }), "channel=c", 403, "ERR_FORBIDDEN_CHANNEL"],
      ["topic outside the token", await token({}), "channel=c&topics=status,secret", 403, "ERR_FORBIDDEN_TOPIC"],
      ["expired", await token({}, KEY, { exp: now - 5 }), "channel=c", 401, "ERR_TOKEN_EXPIRED"],
      ["bad signature", await token({}, "x".repeat(32)), "channel=c", 401, "ERR_TOKEN_INVALID"],
      ["alg none", none, "channel=c", 401, "ERR_TOKEN_INVALID"],
      ["RS256 (key confusion)", rs256, "channel=c", 401, "ERR_TOKEN_INVALID"],
      ["wrong audience", await token({}, KEY, { aud: "other" }), "channel=c", 401, "ERR_TOKEN_INVALID"],
      ["wrong issuer", await token({}, KEY, { iss: "evil" }), "channel=c", 401, "ERR_TOKEN_INVALID"],
      ["truncated", (await token({})).slice(0, -10), "channel=c", 401, "ERR_TOKEN_INVALID"],
      ["garbage", "not-a-jwt", "channel=c", 401, "ERR_TOKEN_INVALID"],
    ]
    for (const [name, credential, query, status, code] of cases) {
      expect(await subscribeCode(query, credential), name).toEqual({ status, code })
    }
  })

  it("limits a token without topics= to the topics it grants", async () => {
    gw = await startGateway({ signingKey: KEY })
    const s = await openStream(`${gw.url}/v1/subscribe?channel=c`, { Authorization: `Bearer ${await token({})}` })
    await gw.post("/v1/publish", { messages: [{ channel: "c", topic: "secret", data: 1 }, { channel: "c", topic: "status", data: 2 }] }, { Authorization: `Bearer ${KEY}` })
    await s.waitFor((e) => e.length === 1)
    await new Promise((r) => setTimeout(r, 50))
    expect(s.events.map((e) => e.event)).toEqual(["status"])
    s.close()
  })

  it("caps lifetimes at maxTokenTtlSeconds, minting and connecting alike (CONDUIT_MAX_TOKEN_TTL_SECONDS)", async () => {
    const { optionsFromEnv } = await import("./config/optionsFromEnv.ts")
    expect(optionsFromEnv({ CONDUIT_MAX_TOKEN_TTL_SECONDS: "120" }).maxTokenTtlSeconds).toBe(120)
    gw = await startGateway({ signingKey: KEY, maxTokenTtlSeconds: 120 })
    const minted = await gw.post("/v1/tokens", { channel: "c", topics: ["status"], expiresIn: 121 }, { Authorization: `Bearer ${KEY}` })
    expect(minted.body.error).toMatchObject({ code: "ERR_INVALID_BODY", limit: 120 })
    await expect(gw.gateway.mintToken({ channel: "c", topics: ["status"], expiresIn: 121 })).rejects.toMatchObject({ code: "ERR_INVALID_BODY" })
    const { token: atMax } = await gw.gateway.mintToken({ channel: "c", topics: ["status"], expiresIn: 120 })
    expect(await subscribeCode("channel=c", atMax)).toEqual({ status: 200, code: undefined })
    const now = Math.floor(Date.now() / 1000)
    expect(await subscribeCode("channel=c", await token({}, KEY, { exp: now + 300 }))).toEqual({ status: 401, code: "ERR_TOKEN_INVALID" })
    const { createGateway } = await import("./createGateway.ts")
    expect(() => createGateway({ tokenTtlSeconds: 300, maxTokenTtlSeconds: 120, logLevel: "silent" })).toThrow(expect.objectContaining({ code: "ERR_CONFIG" }))
  })

  it("accepts tokens signed with the fallback key (rotation)", async () => {
    gw = await startGateway({ signingKey: KEY, signingKeyFallback: OLD_KEY })
    expect(await subscribeCode("channel=c", await token({}, OLD_KEY))).toEqual({ status: 200, code: undefined })
    const res = await gw.post("/v1/publish", { channel: "c", topic: "t", data: 1 }, { Authorization: `Bearer ${OLD_KEY}` })
    expect(res.status).toBe(202)
  })

  it("ends a stream at exp with $close token_expired when enforceTokenExpiry is set", async () => {
    gw = await startGateway({ signingKey: KEY, enforceTokenExpiry: true })
    const { token: t } = await gw.gateway.mintToken({ channel: "c", topics: ["*"], expiresIn: 1 })
    const s = await openStream(`${gw.url}/v1/subscribe?channel=c`, { Authorization: `Bearer ${t}` })
    expect(s.status).toBe(200)
    await s.ended
    expect(s.events.at(-1)).toEqual({ event: "$close", data: '{"reason":"token_expired"}' })
  })

  it("in dev mode needs no token, but still verifies one that is sent", async () => {
    gw = await startGateway({ dev: true, signingKey: KEY })
    expect(await subscribeCode("channel=c")).toEqual({ status: 200, code: undefined })
    expect(await subscribeCode("channel=c", await token({ channel: "other" }))).toEqual({ status: 403, code: "ERR_FORBIDDEN_CHANNEL" })
    expect((await gw.post("/v1/publish", { channel: "c", topic: "t", data: 1 })).status).toBe(202)
    expect((await gw.post("/v1/publish", { channel: "c", topic: "t", data: 1 }, { Authorization: "Bearer wrong" })).body.error.code).toBe("ERR_INVALID_KEY")
  })

  it("refuses publish, tokens and history without the key outside dev mode", async () => {
    gw = await startGateway({ signingKey: KEY })
    expect((await gw.post("/v1/publish", { channel: "c", topic: "t", data: 1 })).body.error.code).toBe("ERR_UNAUTHORIZED")
    expect((await gw.post("/v1/publish", { channel: "c", topic: "t", data: 1 }, { Authorization: "Bearer nope" })).status).toBe(401)
    expect((await gw.post("/v1/tokens", { channel: "c", topics: ["a"] })).status).toBe(401)
    expect((await gw.get("/v1/channels/c/history")).body.error.code).toBe("ERR_UNAUTHORIZED")
  })
})

describe("startup safety", () => {
  it("refuses to start in production without a key of at least 32 bytes", async () => {
    const { createGateway } = await import("./createGateway.ts")
    expect(() => createGateway({ production: true, logLevel: "silent" })).toThrow(expect.objectContaining({ code: "ERR_CONFIG" }))
    expect(() => createGateway({ production: true, signingKey: "short", logLevel: "silent" })).toThrow(expect.objectContaining({ code: "ERR_CONFIG" }))
    expect(() => createGateway({ production: true, signingKey: KEY, dev: true, logLevel: "silent" })).toThrow(expect.objectContaining({ code: "ERR_CONFIG" }))
    const ok = createGateway({ production: true, signingKey: KEY, logLevel: "silent" })
    expect(ok.options.dev).toBe(false)
    await ok.close()
  })
})
