import { ErrorCode } from "@conduit/shared"
import { afterEach, describe, expect, it } from "vitest"
import { subscribe } from "./subscribe.ts"
import { countingFetch, publishAll, type RunningGateway, startGateway, waitForSnapshot } from "./testing/clientTestKit.ts"
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
