import { channel } from "@conduit/shared"
import express from "express"
import { Redis } from "ioredis"
import { z } from "zod"
import { createGateway } from "../createGateway.ts"
import { createRedisRunStore } from "../functions/redisRunStore.ts"
import type { RunStore } from "../functions/RunStore.ts"
import { Conduit } from "../sdk/Conduit.ts"

// A gateway node for the multi-process functions tests (scaleout/durableRuns.test.ts):
// a Redis gateway plus a Conduit whose functions are BullMQ workers, with short
// lock and stalled-check timings. Every node registers the same functions; side
// effects and where a run is are recorded in Redis (`fx:` keys) for the test to read.
// POST /test/cancel { runId } cancels from this node.

const url = process.env.CONDUIT_REDIS_URL!
const fx = new Redis(url)
fx.on("error", () => {})
const gateway = createGateway({ redisUrl: url, logLevel: "warn" })
// The worst moment for a durable publish: the gateway accepted it, the step is not memoized yet.
// The first process to get there for a run of "announce" dies with SIGKILL, right there.
const store = createRedisRunStore({ url })
const dyingStore: RunStore = {
  ...store,
  async putStep(runId, stepId, record) {
    if (stepId === "announce" && (await fx.set(`fx:${runId}:died`, String(process.pid), "NX")) === "OK") process.kill(process.pid, "SIGKILL")
    return store.putStep(runId, stepId, record)
  },
}
const conduit = new Conduit({
  gateway,
  functions: {
    store: dyingStore,
    redis: { url, lockDurationMs: 2_000, stalledIntervalMs: 1_000, closeWaitMs: 500 },
    retryDelay: () => 20,
    cancelPollMs: 100,
  },
})

/** Every run's `$run` messages go to `run:<runId>`. */
const channels = ({ runId }: { runId: string }) => [`run:${runId}`]
const runChannel = channel({ name: "run:{runId}", topics: { status: { schema: z.object({ message: z.string() }) } } })
/** Counts a side effect: the test asserts each happened once. */
const effect = (runId: string, name: string) => fx.incr(`fx:${runId}:${name}`)
/** Records that the run reached a point, and on which process. */
const reached = (runId: string, point: string) => fx.set(`fx:${runId}:at:${point}`, String(process.pid))

conduit.createFunction({ id: "steps", triggers: [{ event: "test/steps" }], retries: 2, channels }, async ({ step, runId, attempt }) => {
  await step.run("one", () => effect(runId, "one"))
  await reached(runId, `between:${attempt}`)
  // The first attempt stops here for good: the test kills its process between the two steps.
  if (attempt === 1) await new Promise(() => {})
  await step.run("two", () => effect(runId, "two"))
  return { attempt }
})

conduit.createFunction({ id: "slow-pay", triggers: [{ event: "test/slow-pay" }], channels }, async ({ step, runId, attempt }) => {
  // Longer than the lock lasts: only its renewal keeps other workers from taking the run.
  await step.run("charge-card", async () => {
    await effect(runId, "charge-card")
    await reached(runId, `charging:${attempt}`)
    await new Promise((resolve) => setTimeout(resolve, 3_500))
  })
  return { attempt }
})

conduit.createFunction({ id: "announce", triggers: [{ event: "test/announce" }], channels }, async ({ step, runId, publish, attempt }) => {
  await publish(runChannel({ runId }).status, { message: `plain ${attempt}` })
  await step.realtime.publish("announce", runChannel({ runId }).status, { message: "durable" })
  return "announced"
})

conduit.createFunction({ id: "sleeper", triggers: [{ event: "test/sleep" }], channels }, async ({ step, event, runId }) => {
  await step.run("before", () => effect(runId, "before"))
  await reached(runId, "sleeping")
  await step.sleep("nap", event.data.ms)
  await step.run("after", () => effect(runId, "after"))
  return "rested"
})

conduit.createFunction({ id: "waiter", triggers: [{ event: "test/wait" }], channels }, async ({ step, event, runId }) => {
  await step.run("asked", () => effect(runId, "asked"))
  await reached(runId, "asking")
  const answer = await step.waitForEvent("answer", { event: "test/answer", match: "data.key", timeout: event.data.timeout })
  await step.run("answered", () => effect(runId, "answered"))
  return { answer: answer?.data ?? null }
})

conduit.createFunction({ id: "picky", triggers: [{ event: "test/picky" }], channels }, async ({ step, runId }) => {
  await effect(runId, "executions")
  const big = await step.waitForEvent("big", { event: "test/number", match: (e) => e.data.runId === runId && e.data.n > 10, timeout: "1h" })
  return big?.data.n
})

conduit.createFunction({ id: "holder", triggers: [{ event: "test/hold" }], channels }, async ({ step, runId, signal, attempt }) => {
  await step.run("hold", async () => {
    await reached(runId, "holding")
    await reached(runId, `holding:${attempt}`)
    await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }))
  })
})

conduit.createFunction({ id: "chain", triggers: [{ event: "test/chain" }], channels }, async ({ step, runId }) => {
  for (let i = 0; i < 20; i++) {
    await step.run(`link-${i}`, async () => {
      await effect(runId, `link-${i}`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    })
  }
  return "chained"
})

gateway.router.post("/test/cancel", express.json(), async (req, res) => {
  await conduit.cancel((req.body as { runId: string }).runId)
  res.status(204).end()
})

// Ready means ready: the test reads history from a node as soon as it printed its URL.
while (!gateway.broker.isReady()) await new Promise((resolve) => setTimeout(resolve, 20))
const { url: base } = await gateway.listen({ port: Number(process.env.CONDUIT_PORT ?? 0) })
console.log(`Conduit gateway ready on ${base}`)

const stop = () => {
  void conduit.close().then(() => gateway.close()).finally(() => process.exit(0))
}
process.on("SIGTERM", stop)
process.on("SIGINT", stop)
