import { channel } from "@conduit/shared"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { z } from "zod"
import { createRedisRunStore, type RedisRunStore } from "../functions/redisRunStore.ts"
import { Conduit } from "../sdk/Conduit.ts"
import { openStream } from "../testing/openStream.ts"
import { startRedis, type TestRedis } from "../testing/redisServer.ts"
import { type RunningGateway, startGateway } from "../testing/startGateway.ts"
import { type GatewayProcess, startGatewayProcess } from "../testing/startGatewayProcess.ts"

const pipeline = channel({
  name: "pipeline:{runId}",
  topics: {
    status: { schema: z.object({ message: z.string() }) },
    tokens: { schema: z.object({ token: z.string() }) },
  },
})

let redis: TestRedis
let nodeA: GatewayProcess
let nodeB: RunningGateway
const stores: RedisRunStore[] = []

beforeAll(async () => {
  redis = await startRedis()
  nodeA = await startGatewayProcess({ CONDUIT_REDIS_URL: redis.url })
  nodeB = await startGateway({ redisUrl: redis.url })
})
afterAll(async () => {
  await nodeA?.kill("SIGKILL")
  await nodeB?.close()
  await Promise.all(stores.map((s) => s.close()))
  await redis?.close()
})

describe("a function's node dies mid-run; another node resumes it", () => {
  it("durable publishes arrive once (even one sent but never memoized), plain ones repeat, the run completes", async () => {
    const sharedStore = () => {
      const store = createRedisRunStore({ url: redis.url })
      stores.push(store)
      return store
    }
    // Node A's worker dies right after the gateway accepted "status-2" and before the step was memoized.
    let diedAt!: () => void
    const died = new Promise<void>((resolve) => (diedAt = resolve))
    const storeA = sharedStore()
    const dyingStore = {
      ...storeA,
      putStep: (runId: string, stepId: string, record: Parameters<RedisRunStore["putStep"]>[2]) =>
        stepId === "status-2" ? (diedAt(), new Promise<void>(() => {})) : storeA.putStep(runId, stepId, record),
    }
    const workerA = new Conduit({ url: nodeA.url, functions: { store: dyingStore, retryDelay: () => 0 } })
    const workerB = new Conduit({ url: nodeB.url, functions: { store: sharedStore(), retryDelay: () => 0 } })
    for (const worker of [workerA, workerB]) {
      worker.createFunction(
        { id: "generate", triggers: [{ event: "app/generate" }], retries: 3 },
        async ({ step, publish, runId, attempt }) => {
          const ch = pipeline({ runId })
          await step.realtime.publish("status-1", ch.status, { message: "one" })
          await publish(ch.tokens, { token: `attempt ${attempt}` })
          await step.realtime.publish("status-2", ch.status, { message: "two" })
          return { words: 2 }
        },
      )
    }

    const { ids: [runId] } = await workerA.send({ name: "app/generate", data: {} })
    await died
    await nodeA.kill("SIGKILL")

    await workerB.functions.resume(runId!)
    const final = await workerB.functions.waitForRun(runId!)
    expect(final).toMatchObject({ state: "completed", attempt: 2, result: { words: 2 } })

    const stream = await openStream(`${nodeB.url}/v1/subscribe?channel=pipeline:${runId}&lastEventId=0`)
    await stream.waitFor((events) => events.some((e) => e.event === "$run" && JSON.parse(e.data).data.status === "completed"))
    stream.close()
    const byEvent = (name: string) => stream.events.filter((e) => e.event === name).map((e) => JSON.parse(e.data))
    expect(byEvent("status").map((m) => m.data.message)).toEqual(["one", "two"])
    expect(byEvent("tokens").map((m) => m.data.token)).toEqual(["attempt 1", "attempt 2"])
    // The second node's "status-2" is memoized with the id node A's publish got.
    expect((await workerB.functions.getRun(runId!))?.state).toBe("completed")
    const status2 = byEvent("status")[1]
    expect(await stores[1]!.getStep(runId!, "status-2")).toEqual({ kind: "publish", done: true, result: { id: status2.id } })
    expect(byEvent("$run").map((m) => m.data.status)).toEqual(["running", "running", "completed"])
  }, 30_000)

  it("an in-process Conduit on a Redis gateway keeps its runs in Redis, readable from any node", async () => {
    const worker = new Conduit({ gateway: nodeB.gateway })
    worker.createFunction({ id: "quick", triggers: [{ event: "app/quick" }] }, async () => ({ ok: true }))
    const { ids: [runId] } = await worker.send({ name: "app/quick", data: {} })
    await worker.functions.waitForRun(runId!)
    const elsewhere = createRedisRunStore({ url: redis.url })
    stores.push(elsewhere)
    expect(await elsewhere.getRun(runId!)).toMatchObject({ state: "completed", result: { ok: true } })
  })
})
