import type { Envelope } from "@conduit/shared"
import { describe, expect, it } from "vitest"
import { redisBrokerRig } from "../testing/redisBrokerRig.ts"
import type { PreparedMessage, StoredMessage } from "./Broker.ts"
import { messageJson } from "./storedMessage.ts"

const rig = redisBrokerRig("out")
const { node, fresh } = rig

const msg = (channel: string, data: unknown): PreparedMessage => ({ channel, topic: "t", data, dataJson: JSON.stringify(data), kind: "data" })
const streamLength = (channel: string) => rig.raw.xlen(`conduit:{${channel}}:stream`)
const dataOf = (m: StoredMessage) => (JSON.parse(messageJson(m).toString()) as Envelope).data

describe("redis broker: what a failed publish means", () => {
  it("says the outcome is unknown when Redis took the publish but did not answer in time (it happens later)", async () => {
    const a = await node({ commandTimeoutMs: 300 })
    const channel = fresh()
    rig.redis.pause()
    const error = await a.publish([msg(channel, "late")]).catch((e: unknown) => e)
    rig.redis.resume()
    await expect.poll(() => streamLength(channel), { timeout: 5000 }).toBe(1)
    expect(error).toMatchObject({ code: "ERR_OUTCOME_UNKNOWN" })
  })

  it("answers ERR_BROKER_UNAVAILABLE only for a publish that can never happen", async () => {
    const a = await node({ commandTimeoutMs: 200, healthCheckMs: 50 })
    const channel = fresh()
    rig.redis.pause()
    await expect.poll(() => a.isReady(), { timeout: 10_000 }).toBe(false)
    await expect(a.publish([msg(channel, "refused")])).rejects.toMatchObject({ code: "ERR_BROKER_UNAVAILABLE" })
    rig.redis.resume()
    expect(await a.whenReady(10_000)).toBe(true)
    await a.publish([msg(channel, "after")])
    expect((await a.read(channel, "0")).messages.map(dataOf)).toEqual(["after"])
  })

  it("publishes a batch across channels all or nothing, and a key of the wrong type is not a retryable 503", async () => {
    const a = await node()
    const [x, y] = [fresh(), fresh()]
    await rig.raw.set(`conduit:{${y}}:stream`, "not a stream")
    const error = await a.publish([msg(x, 1), msg(y, 1), msg(x, 2)]).catch((e: unknown) => e)
    expect(await streamLength(x)).toBe(0)
    expect(error).toMatchObject({ code: "ERR_BROKER_FAILED" })
    // The broker is still fine for every other channel.
    await a.publish([msg(x, 3)])
    expect((await a.read(x, "0")).messages.map(dataOf)).toEqual([3])
  })
})
