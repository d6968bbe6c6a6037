import { ErrorCode } from "@conduit/shared"
import { afterEach, describe, expect, it } from "vitest"
import { startRedis } from "../../../gateway/src/testing/redisServer.ts"
import { subscribe } from "./subscribe.ts"
import { countingFetch, eventually, publishAll, startGateway, waitForSnapshot } from "./testing/clientTestKit.ts"

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

describe("a broker outage", () => {
  it("shows ERR_BROKER_UNAVAILABLE, keeps retrying (never 'open' meanwhile), and streams again once Redis is back", async () => {
    const redis = await startRedis()
    cleanup.push(() => redis.close())
    const gw = await startGateway({ redisUrl: redis.url, retryMs: 20 })
    cleanup.push(() => gw.close())
    await eventually(async () => (await gw.get("/readyz")).status === 200)
    const fetch = countingFetch()
    const sub = subscribe({ url: gw.url, channel: "outage", fetch, backoff: { maxMs: 200 } })
    cleanup.push(sub.close)
    const statuses: string[] = []
    sub.subscribe(() => statuses.push(sub.getSnapshot().connectionStatus))
    await waitForSnapshot(sub, (s) => s.connectionStatus === "open")
    await publishAll(gw, "outage", "n", ["before"])
    await waitForSnapshot(sub, (s) => s.messages.all.length === 1)

    await redis.stop()
    await waitForSnapshot(sub, (s) => s.error?.code === ErrorCode.BROKER_UNAVAILABLE && s.connectionStatus === "connecting")
    statuses.length = 0
    const attempts = fetch.calls.length
    await eventually(() => fetch.calls.length >= attempts + 3) // each answered 200 + $close broker_unavailable
    expect(statuses.filter((s) => s === "open")).toEqual([]) // a refusal in its first bytes is not "open"
    expect(sub.getSnapshot().error?.code).toBe(ErrorCode.BROKER_UNAVAILABLE)

    await redis.start()
    const back = await waitForSnapshot(sub, (s) => s.connectionStatus === "open", 20_000)
    expect(back.error).toBeNull()
    await publishAll(gw, "outage", "n", ["after"])
    const s = await waitForSnapshot(sub, (x) => x.messages.all.length === 2)
    expect(s.messages.all.map((m) => m.data)).toEqual(["before", "after"])
  }, 40_000)
})
