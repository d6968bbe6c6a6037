import { describe, expect, it } from "vitest"
import { inspectorClient } from "../testing/inspectorClient.ts"
import { recordingLogger } from "../testing/recordingLogger.ts"
import { redisBrokerRig } from "../testing/redisBrokerRig.ts"

const rig = redisBrokerRig("hc")
const { node } = rig

/** Client names by address, from CLIENT LIST. */
async function namesByAddress(): Promise<Map<string, string>> {
  const list = (await rig.raw.client("LIST")) as string
  return new Map([...list.matchAll(/addr=(\S+) .*?name=(\S*)/g)].map((m) => [m[1]!, m[2]!]))
}

describe("redis broker: health check", () => {
  it("sends its PINGs on a connection of its own, never on the ones that carry commands", async () => {
    const monitor = await inspectorClient(rig.redis.url).monitor()
    const sources: string[] = []
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      if (args[0]?.toLowerCase() === "ping") sources.push(source)
    })
    try {
      await node({ healthCheckMs: 50, redisOptions: { connectionName: "hc" } })
      await expect.poll(() => sources.length, { timeout: 5000 }).toBeGreaterThanOrEqual(6)
      const names = await namesByAddress()
      expect(new Set(sources.map((s) => names.get(s)))).toEqual(new Set(["hc-health"]))
    } finally {
      monitor.disconnect()
    }
  })

  it("stays ready when one PING is answered late", async () => {
    const log = recordingLogger()
    const a = await node({ commandTimeoutMs: 500, healthCheckMs: 50, logger: log.logger })
    const changes: boolean[] = []
    a.onReadyChange((ready) => changes.push(ready))
    rig.redis.pause()
    try {
      await expect.poll(() => log.lines.some((l) => /PING/.test(l.msg)), { timeout: 5000 }).toBe(true)
    } finally {
      rig.redis.resume()
    }
    expect(await a.whenReady(5000)).toBe(true)
    expect(changes).toEqual([])
    await a.publish([{ channel: "late", topic: "t", data: 1, dataJson: "1", kind: "data" }])
  })
})
