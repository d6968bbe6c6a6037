import { channel, Realtime, realtime } from "@conduit/shared"
import { afterEach, describe, expect, it } from "vitest"
import { z } from "zod"
import { labels, type Rig, startRig, waitForTerminal } from "../testing/functionsTestRig.ts"
import { openStream } from "../testing/openStream.ts"
import { getClientSubscriptionToken, getSubscriptionToken } from "./subscriptionTokens.ts"

// Inngest's names on the server SDK: token objects carrying the gateway's URL,
// conduit.realtime.publish, the v3 publish({ channel, topic, data }) and createFunction(config, trigger, handler).

const pipeline = realtime.channel({
  name: ({ runId }: { runId: string }) => `pipeline:${runId}`,
  topics: { status: { schema: z.object({ message: z.string() }) } },
})

let rig: Rig | undefined
afterEach(async () => {
  await rig?.close()
  rig = undefined
})

describe("token objects", () => {
  it("getClientSubscriptionToken: the JWT as key, the gateway's URL as apiBaseUrl, and the key opens the stream", async () => {
    rig = await startRig("http")
    const token = await getClientSubscriptionToken(rig.conduit, { channel: pipeline({ runId: "t1" }), topics: ["status"] })
    expect(Object.keys(token).sort()).toEqual(["apiBaseUrl", "expiresAt", "key"])
    expect(token.apiBaseUrl).toBe(rig.gw.url)
    const stream = await openStream(`${token.apiBaseUrl}/v1/subscribe?channel=pipeline:t1`, { Authorization: `Bearer ${token.key}` })
    expect(stream.status).toBe(200)
    stream.close()
    const other = await openStream(`${token.apiBaseUrl}/v1/subscribe?channel=pipeline:t2`, { Authorization: `Bearer ${token.key}` })
    expect(other.status).toBe(403)
    other.close()
  })

  it("getSubscriptionToken also names the channel and topics; publicUrl replaces the URL it carries", async () => {
    rig = await startRig("in-process", {}, { publicUrl: "https://realtime.example.com" })
    const token = await getSubscriptionToken(rig.conduit, { channel: "user:123", topics: ["ai"] })
    expect(token).toMatchObject({ channel: "user:123", topics: ["ai"], apiBaseUrl: "https://realtime.example.com" })
    expect(Date.parse(token.expiresAt)).toBeGreaterThan(Date.now())
    const stream = await openStream(`${rig.gw.url}/v1/subscribe?channel=user:123&topics=ai`, { Authorization: `Bearer ${token.key}` })
    expect(stream.status).toBe(200)
    stream.close()
  })

  it("an in-process Conduit without publicUrl hands out the page's origin (\"\")", async () => {
    rig = await startRig("in-process")
    const token = await getClientSubscriptionToken(rig.conduit, { channel: "user:1", topics: ["ai"] })
    expect(token.apiBaseUrl).toBe("")
  })

  it("refuses a bad channel with ERR_INVALID_CHANNEL and mints nothing", async () => {
    rig = await startRig("http")
    await expect(getSubscriptionToken(rig.conduit, { channel: "bad channel", topics: ["ai"] })).rejects.toMatchObject({
      code: "ERR_INVALID_CHANNEL",
    })
  })
})

describe("publishing in Inngest's forms", () => {
  it.each(["in-process", "http"] as const)("conduit.realtime.publish outside a run is conduit.publish (%s)", async (transport) => {
    rig = await startRig(transport)
    const live = await rig.subscribe("pipeline:p1")
    const { id } = await rig.conduit.realtime.publish(pipeline({ runId: "p1" }).status, { message: "from a route" })
    await live.waitFor((events) => events.length === 1)
    expect(live.events[0]!.id).toBe(id)
    await expect(rig.conduit.realtime.publish(pipeline({ runId: "p1" }).status, { message: 1 } as never)).rejects.toMatchObject({
      code: "ERR_VALIDATION",
    })
  })

  it("publish({ channel, topic, data }) and createFunction(config, trigger, handler), the v3 forms", async () => {
    rig = await startRig("http")
    rig.conduit.createFunction({ id: "recommend" }, { event: "ai/recommendation.requested" }, async ({ event, publish }) => {
      await publish({ channel: `user:${event.data.userId}`, topic: "ai", data: { response: "hi", success: true } })
      // A typed instance keeps its schema in the object form too.
      await publish({ channel: pipeline({ runId: event.data.userId }), topic: "status", data: { message: "typed" } })
    })
    const user = await rig.subscribe("user:42")
    const typed = await rig.subscribe("pipeline:42")
    await rig.conduit.send({ name: "ai/recommendation.requested", data: { userId: "42" } })
    await waitForTerminal(user)
    expect(labels(user.events)).toEqual(["$run running 1", "ai hi,true", "$run completed"])
    await waitForTerminal(typed)
    expect(labels(typed.events)).toEqual(["$run running 1", "status typed", "$run completed"])
  })

  it("the object form checks names and a typed topic's schema: the run fails with the code", async () => {
    rig = await startRig("in-process", { retryDelay: () => 0 })
    const codes: string[] = []
    rig.conduit.createFunction({ id: "bad", triggers: [{ event: "app/bad" }], retries: 0 }, async ({ publish }) => {
      for (const message of [
        { channel: "no spaces", topic: "ai", data: 1 },
        { channel: "user:1", topic: "$run", data: 1 },
        { channel: pipeline({ runId: "x" }), topic: "status", data: { message: 2 } },
      ]) {
        await publish(message).catch((error: { code: string }) => codes.push(error.code))
      }
    })
    const { ids } = await rig.conduit.send({ name: "app/bad" })
    await rig.conduit.functions.waitForRun(ids[0]!)
    expect(codes).toEqual(["ERR_INVALID_CHANNEL", "ERR_INVALID_TOPIC", "ERR_VALIDATION"])
  })
})

// Types: Realtime.Token of a definition accepts a token minted for a name, and a typed mint carries the channel.
const userChannel = channel({ name: "user:{userId}", topics: { ai: { schema: z.string() } } })
type UserChannelToken = Realtime.Token<typeof userChannel, ["ai"]>
async function typeChecks(rigConduit: Rig["conduit"]): Promise<UserChannelToken> {
  // @ts-expect-error "other" is not a topic of the channel
  void getSubscriptionToken(rigConduit, { channel: userChannel({ userId: "1" }), topics: ["other"] })
  const typed = await getSubscriptionToken(rigConduit, { channel: userChannel({ userId: "1" }), topics: ["ai"] })
  const _typed: Realtime.Token<ReturnType<typeof userChannel>, ["ai"]> = typed
  void _typed
  return getSubscriptionToken(rigConduit, { channel: "user:123", topics: ["ai"] })
}
void typeChecks
