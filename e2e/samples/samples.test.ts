import { subscribe } from "@conduit/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type SampleServer, startSampleServer } from "./server/sampleServer.ts"

// The server-side samples of the two Inngest Realtime documents (v4/ and v3/),
// run as they are against a real gateway: the functions through the Conduit
// functions runtime, the "use server" functions called directly. Their client
// components are rendered in Chromium by e2e/tests/inngestSamples.spec.ts.

let server: SampleServer
beforeAll(async () => {
  server = await startSampleServer()
})
afterAll(() => server?.close())

describe("Inngest Realtime v4 samples", () => {
  it("the generate-post function publishes twice, then durably; a subscriber sees all three and the run's end", async () => {
    const { contentPipeline } = await import("./v4/inngest/channels.ts")
    const runId = `v4-${Date.now()}`
    const ch = contentPipeline({ runId })
    const sub = server.v4.subscribe({ channel: ch, topics: ["status", "tokens"] })
    await server.v4.send({ name: "app/generate-post", data: { runId } })
    const seen: string[] = []
    for await (const m of sub) seen.push(m.topic === "status" ? `status ${m.data.message} (${m.data.step})` : `tokens ${m.data.token}`)
    expect(seen).toEqual(["status Researching topic... (research)", "tokens Hello", "status Done (complete)"])
    expect(sub.getSnapshot().runStatus).toBe("completed")
  })

  it("getRealtimeToken(runId) returns a token object that opens the run's channel with no URL given", async () => {
    const { getRealtimeToken } = await import("./v4/app/actions.ts")
    const { contentPipeline } = await import("./v4/inngest/channels.ts")
    const token = await getRealtimeToken("v4-token")
    expect(token.apiBaseUrl).toBe(server.gatewayUrl)
    const sub = subscribe({ channel: contentPipeline({ runId: "v4-token" }), topics: ["status", "tokens"], token: () => getRealtimeToken("v4-token"), pauseOnHidden: false })
    const stop = sub.subscribe(() => {})
    await server.v4.realtime.publish(contentPipeline({ runId: "v4-token" }).status, { message: "outside a run" })
    for await (const m of sub) {
      expect(m.data).toEqual({ message: "outside a run" })
      break
    }
    stop()
    sub.close()
  })
})

describe("Inngest Realtime v3 samples", () => {
  it("create-recommendation publishes { response, success } to the user's channel, topic ai", async () => {
    const sub = server.v3.subscribe({ channel: "user:v3-1", topics: ["ai"] })
    await server.v3.send({ name: "ai/recommendation.requested", data: { userId: "v3-1", prompt: "a book" } })
    for await (const m of sub) {
      expect(m.data).toEqual({ response: "An answer to: a book", success: true })
      break
    }
    sub.close()
  })

  it("fetchRealtimeSubscriptionToken() mints for the session's user, and the token alone opens user:<id>", async () => {
    const { fetchRealtimeSubscriptionToken } = await import("./v3/app/actions.ts")
    const { withSession } = await import("./v3/app/lib/session.ts")
    const token = await withSession("v3-2", () => fetchRealtimeSubscriptionToken())
    expect(token).toMatchObject({ channel: "user:v3-2", topics: ["ai"], apiBaseUrl: server.gatewayUrl })
    const sub = subscribe({ token, pauseOnHidden: false })
    const stop = sub.subscribe(() => {})
    await fetch(`${server.url}/test/publish`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ channel: "user:v3-2", topic: "ai", data: "hello" }),
    })
    for await (const m of sub) {
      expect([m.channel, m.topic, m.data]).toEqual(["user:v3-2", "ai", "hello"])
      break
    }
    stop()
    sub.close()
  })
})
