import { describe, expect, it } from "vitest"
import { recordingLogger } from "../testing/recordingLogger.ts"
import { redisBrokerRig } from "../testing/redisBrokerRig.ts"
import { startRedis } from "../testing/redisServer.ts"
import type { PreparedMessage, StoredMessage } from "./Broker.ts"
import type { RedisBrokerOptions } from "./redisBroker.ts"

const rig = redisBrokerRig("mode")
const { fresh } = rig
const node = (options: Partial<RedisBrokerOptions>) => rig.node(options, false)

const msg = (channel: string): PreparedMessage => ({ channel, topic: "t", data: 1, dataJson: "1", kind: "data" })

describe("redis broker: one live mode per deployment", () => {
  it("refuses to run a node whose Pub/Sub mode differs from the deployment's, saying why", async () => {
    const prefix = `${fresh()}:`
    const a = await node({ prefix, pubSub: "sharded" })
    expect(await a.whenReady(5000)).toBe(true)
    const log = recordingLogger()
    const b = await node({ prefix, pubSub: "plain", logger: log.logger })
    await expect.poll(() => log.lines.find((l) => l.code === "ERR_CONFIG")?.msg, { timeout: 5000 }).toMatch(/sharded/)
    expect(b.isReady()).toBe(false)
    expect(await rig.raw.get(`${prefix}pubsub`)).toBe("sharded")
  })

  it("lets a node on auto follow the mode the deployment recorded, so live messages reach it", async () => {
    const prefix = `${fresh()}:`
    const a = await node({ prefix, pubSub: "plain" })
    expect(await a.whenReady(5000)).toBe(true)
    const c = await node({ prefix, pubSub: "auto" })
    expect(await c.whenReady(5000)).toBe(true)
    const channel = fresh()
    const got: StoredMessage[] = []
    await c.subscribe(channel, (batch) => got.push(...batch))
    expect(await rig.raw.call("PUBSUB", "CHANNELS", `${prefix}{${channel}}:live`)).toEqual([`${prefix}{${channel}}:live`])
    await a.publish([msg(channel)])
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(1)
  })

  it("turns ready and delivers where INFO is renamed away", async () => {
    const locked = await startRedis({ args: ["--rename-command", "INFO", ""] })
    try {
      const a = await node({ url: locked.url })
      expect(await a.whenReady(5000)).toBe(true)
      const channel = fresh()
      const got: StoredMessage[] = []
      await a.subscribe(channel, (batch) => got.push(...batch))
      await a.publish([msg(channel)])
      await expect.poll(() => got.length, { timeout: 5000 }).toBe(1)
    } finally {
      await locked.close()
    }
  })
})
