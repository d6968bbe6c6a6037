import { ErrorCode } from "@conduit/shared"
import { SignJWT } from "jose"
import { afterEach, describe, expect, it } from "vitest"
import { subscribe } from "./subscribe.ts"
import { countingFetch, eventually, publishAll, type RunningGateway, startGateway, waitForSnapshot } from "./testing/clientTestKit.ts"
import type { RealtimeSubscription } from "./types.ts"

const KEY = "token-refresh-test-signing-key-0123456789"
let gw: RunningGateway
let sub: RealtimeSubscription<any> | undefined
afterEach(async () => {
  sub?.close()
  await gw?.close()
})

const mint = async (channel: string, expiresIn: number) => {
  const res = await gw.post("/v1/tokens", { channel, topics: ["*"], expiresIn }, { Authorization: `Bearer ${KEY}` })
  return res.body.token as string
}

describe("tokens", () => {
  it("calls the factory again when the stream ends with $close token_expired, and resumes without loss", async () => {
    gw = await startGateway({ signingKey: KEY, enforceTokenExpiry: true })
    const minted: string[] = []
    const token = async () => {
      const t = await mint("orders", 2) // each stream lives 2 s
      minted.push(t)
      return t
    }
    sub = subscribe({ url: gw.url, channel: "orders", token, backoff: { initialMs: 50 } })
    sub.subscribe(() => {})
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    const sent: number[] = []
    // Publish until the client has gone through two expiries.
    while (minted.length < 3) {
      await publishAll(gw, "orders", "n", [sent.length], KEY)
      sent.push(sent.length)
      await new Promise((r) => setTimeout(r, 50))
    }
    await publishAll(gw, "orders", "n", [sent.length], KEY)
    sent.push(sent.length)
    const s = await waitForSnapshot(sub, (x) => x.messages.all.length === sent.length)
    expect(s.messages.all.map((m) => m.data)).toEqual(sent)
    expect(new Set(minted).size).toBe(minted.length) // a fresh token each time
  })

  it("does not retry a refusal a new connect cannot fix (403 wrong channel): one request, status error", async () => {
    gw = await startGateway({ signingKey: KEY })
    const fetch = countingFetch()
    let calls = 0
    sub = subscribe({
      url: gw.url,
      channel: "mine",
      fetch,
      token: () => (calls++, mint("someone-else", 60)),
      backoff: { initialMs: 10, maxMs: 10 },
    })
    sub.subscribe(() => {})
    const s = await waitForSnapshot(sub, (x) => x.connectionStatus === "error")
    expect(s.error?.code).toBe(ErrorCode.FORBIDDEN_CHANNEL)
    await new Promise((r) => setTimeout(r, 200)) // 20 backoff periods: a retry loop would have fired
    expect([fetch.calls.length, calls]).toEqual([1, 1])
  })

  it("keeps retrying with backoff while the token factory fails, and connects once it works", async () => {
    gw = await startGateway({ signingKey: KEY })
    let calls = 0
    sub = subscribe({
      url: gw.url,
      channel: "flaky",
      token: async () => {
        if (++calls < 3) throw new Error("auth service down")
        return mint("flaky", 60)
      },
      backoff: { initialMs: 10, maxMs: 20 },
    })
    const seen: string[] = []
    sub.subscribe(() => seen.push(sub!.getSnapshot().error?.code ?? "none"))
    const s = await waitForSnapshot(sub, (x) => x.connectionStatus === "open")
    expect(calls).toBe(3)
    expect(seen).toContain(ErrorCode.UNAUTHORIZED)
    expect(s.error).toBeNull()
  })

  it("backs off while the factory keeps returning an expired token (one quick retry, then growing delays)", async () => {
    gw = await startGateway({ signingKey: KEY })
    const now = Math.floor(Date.now() / 1000)
    // What a clock-skewed or cached token looks like: well-formed, signed, expired.
    const expired = await new SignJWT({ channel: "stale", topics: ["*"] })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("conduit")
      .setAudience("conduit:subscribe")
      .setIssuedAt(now - 120)
      .setExpirationTime(now - 60)
      .sign(new TextEncoder().encode(KEY))
    const calls: number[] = []
    sub = subscribe({
      url: gw.url,
      channel: "stale",
      token: () => (calls.push(performance.now()), expired),
      backoff: { initialMs: 40, maxMs: 1000 },
    })
    sub.subscribe(() => {})
    await eventually(() => calls.length >= 5)
    sub.close()
    const gaps = calls.slice(1, 5).map((t, i) => t - calls[i]!)
    // The first retry may be at once (a fresh token usually fixes it); after that 0.5–1× the
    // 40 ms base, then doubling. Lower bounds only: a busy machine makes gaps longer, never shorter.
    ;[20, 40, 80].forEach((least, i) => expect(gaps[i + 1]).toBeGreaterThanOrEqual(least - 2))
    expect(sub.getSnapshot().error?.code).toBe(ErrorCode.TOKEN_EXPIRED)
  })

  it("a static token that expired is reported, not retried forever", async () => {
    gw = await startGateway({ signingKey: KEY })
    const expired = await mint("old", 1)
    await new Promise((r) => setTimeout(r, 2100))
    const fetch = countingFetch()
    sub = subscribe({ url: gw.url, channel: "old", token: expired, fetch, backoff: { initialMs: 10, maxMs: 10 } })
    sub.subscribe(() => {})
    const s = await waitForSnapshot(sub, (x) => x.connectionStatus === "error")
    expect(s.error?.code).toBe(ErrorCode.TOKEN_EXPIRED)
    expect(fetch.calls).toHaveLength(1)
  })
})
