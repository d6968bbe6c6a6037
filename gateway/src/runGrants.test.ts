import { afterEach, describe, expect, it } from "vitest"
import { Conduit } from "./sdk/Conduit.ts"
import { openStream, type TestStream } from "./testing/openStream.ts"
import { type RunningGateway, startGateway } from "./testing/startGateway.ts"

const KEY = "k".repeat(32)
const auth = { Authorization: `Bearer ${KEY}` }
let gw: RunningGateway
const streams: TestStream[] = []
afterEach(async () => {
  for (const s of streams.splice(0)) s.close()
  await gw?.close()
})

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString())
const run = (result: string) => ({ channel: "c", topic: "$run", data: { status: "completed", result } })
const status = (message: string) => ({ channel: "c", topic: "status", data: { message } })
async function watch(credential: string): Promise<TestStream> {
  const s = await openStream(`${gw.url}/v1/subscribe?channel=c&lastEventId=0`, { Authorization: `Bearer ${credential}` })
  expect(s.status).toBe(200)
  streams.push(s)
  return s
}

describe("$run follows the token's grants", () => {
  it("a token minted without $run never sees a run's result, replayed or live; minting grants $run by default", async () => {
    gw = await startGateway({ signingKey: KEY })
    const conduit = new Conduit({ url: gw.url, signingKey: KEY })
    await gw.post("/v1/publish", { messages: [status("one"), run("secret-1")] }, auth)

    const byDefault = (await gw.post("/v1/tokens", { channel: "c", topics: ["status"] }, auth)).body.token
    const optedOut = (await gw.post("/v1/tokens", { channel: "c", topics: ["status"], runEvents: false }, auth)).body.token
    const sdkOptedOut = (await conduit.getSubscriptionToken({ channel: "c", topics: ["status"], runEvents: false })).token
    const sdkDefault = (await conduit.getSubscriptionToken({ channel: "c", topics: ["status"] })).token
    expect(claimsOf(byDefault).topics).toEqual(["status", "$run"])
    expect(claimsOf(sdkDefault).topics).toEqual(["status", "$run"])
    expect(claimsOf(optedOut).topics).toEqual(["status"])
    expect(claimsOf(sdkOptedOut).topics).toEqual(["status"])

    const seesRuns = [await watch(byDefault), await watch(sdkDefault)]
    const blind = [await watch(optedOut), await watch(sdkOptedOut)]
    await gw.post("/v1/publish", { messages: [status("two"), run("secret-2"), status("three")] }, auth)

    for (const s of seesRuns) {
      await s.waitFor((e) => e.length === 5)
      expect(s.events.map((e) => e.event)).toEqual(["status", "$run", "status", "$run", "status"])
    }
    for (const s of blind) {
      // "three" was published after the last $run: once it is here, any $run would have been too.
      await s.waitFor((e) => e.some((x) => x.data.includes('"three"')))
      expect(s.events.map((e) => e.event)).toEqual(["status", "status", "status"])
      expect(s.raw).not.toContain("secret")
    }
  })

  it("a token for every topic and the signing key see $run whatever topics= asks for", async () => {
    gw = await startGateway({ signingKey: KEY })
    const all = (await gw.post("/v1/tokens", { channel: "c", topics: ["*"] }, auth)).body.token
    const narrowed = await openStream(`${gw.url}/v1/subscribe?channel=c&topics=status&lastEventId=0`, { Authorization: `Bearer ${all}` })
    const key = await openStream(`${gw.url}/v1/subscribe?channel=c&topics=status&lastEventId=0`, auth)
    streams.push(narrowed, key)
    await gw.post("/v1/publish", { messages: [status("one"), { channel: "c", topic: "tokens", data: 1 }, run("r")] }, auth)
    for (const s of [narrowed, key]) {
      await s.waitFor((e) => e.length === 2)
      expect(s.events.map((e) => e.event)).toEqual(["status", "$run"])
    }
  })

  it("refuses runEvents that is not a boolean, and runEvents: false with topics [\"*\"] (which grants $run)", async () => {
    gw = await startGateway({ signingKey: KEY })
    for (const body of [
      { channel: "c", topics: ["status"], runEvents: "no" },
      { channel: "c", topics: ["*"], runEvents: false },
    ]) {
      const res = await gw.post("/v1/tokens", body, auth)
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe("ERR_INVALID_BODY")
    }
  })
})
