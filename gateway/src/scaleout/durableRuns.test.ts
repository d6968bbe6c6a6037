import { fileURLToPath } from "node:url"
import type { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createRedisRunStore } from "../functions/redisRunStore.ts"
import { Conduit } from "../sdk/Conduit.ts"
import { inspectorClient } from "../testing/inspectorClient.ts"
import { startRedis, type TestRedis } from "../testing/redisServer.ts"
import { startGateway } from "../testing/startGateway.ts"
import { type GatewayProcess, startGatewayProcess } from "../testing/startGatewayProcess.ts"

// Three gateway processes on one redis-server, each a BullMQ worker of the same
// functions (testing/functionNode.ts: lock 2 s, stalled check every 1 s).
const NODE = fileURLToPath(new URL("../testing/functionNode.ts", import.meta.url))

let redis: TestRedis
let fx: Redis
let nodes: GatewayProcess[] = []

const startNode = () => startGatewayProcess({ CONDUIT_REDIS_URL: redis.url }, 30_000, { script: NODE })

beforeAll(async () => {
  redis = await startRedis()
  fx = inspectorClient(redis.url)
  nodes = await Promise.all([startNode(), startNode(), startNode()])
}, 60_000)
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.kill("SIGKILL")))
  fx?.disconnect()
  await redis?.close()
})

async function post(node: GatewayProcess, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${node.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

/** Sends an event through POST /v1/events on a node; the id of the run it started. */
async function start(node: GatewayProcess, name: string, data: unknown = {}): Promise<string> {
  const { status, body } = await post(node, "/v1/events", { name, data })
  expect(status).toBe(202)
  return body.ids[0]
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (ok(value)) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

const store = () => createRedisRunStore({ url: redis.url })
const readRun = async (runId: string) => {
  const s = store()
  try {
    return await s.getRun(runId)
  } finally {
    await s.close()
  }
}
const finished = (runId: string, timeoutMs?: number) =>
  eventually(() => readRun(runId), (r) => r !== undefined && ["completed", "failed", "cancelled"].includes(r.state), timeoutMs)
const parked = (runId: string) => eventually(() => readRun(runId), (r) => r?.state === "waiting")
const effects = async (runId: string, names: string[]) =>
  Object.fromEntries(await Promise.all(names.map(async (n) => [n, Number(await fx.get(`fx:${runId}:${n}`))])))
/** The node whose process recorded `point` for the run. */
const nodeAt = async (runId: string, point: string) => {
  const pid = Number(await eventually(() => fx.get(`fx:${runId}:at:${point}`), (v) => v !== null))
  return nodes.find((n) => n.pid === pid)!
}
/** `$run` statuses retained on the run's channel. */
async function runStatuses(runId: string): Promise<string[]> {
  const res = await fetch(`${nodes[0]!.url}/v1/channels/${encodeURIComponent(`run:${runId}`)}/history`)
  const { messages } = (await res.json()) as { messages: Array<{ topic: string; data: { status: string } }> }
  return messages.filter((m) => m.topic === "$run").map((m) => m.data.status)
}
async function replace(node: GatewayProcess): Promise<void> {
  await node.kill("SIGKILL")
  nodes[nodes.indexOf(node)] = await startNode()
}

describe("runs on BullMQ across three gateway processes", () => {
  it("kill -9 of the node running a run, between two steps: another node finishes it, each step once, completed once", async () => {
    const runId = await start(nodes[0]!, "test/steps")
    const victim = await nodeAt(runId, "between:1")
    await replace(victim)
    const run = await finished(runId)
    expect(run).toMatchObject({ state: "completed", attempt: 2, result: { attempt: 2 } })
    expect(await effects(runId, ["one", "two"])).toEqual({ one: 1, two: 1 })
    // The takeover ran on a process that is not the one killed.
    expect(Number(await fx.get(`fx:${runId}:at:between:2`))).not.toBe(victim.pid)
    expect(await runStatuses(runId)).toEqual(["running", "running", "completed"])
  }, 60_000)

  it("the job lock is the lease: a step longer than the lock runs once, on one node, while its node lives", async () => {
    const runId = await start(nodes[0]!, "test/slow-pay")
    expect(await finished(runId)).toMatchObject({ state: "completed", attempt: 1, result: { attempt: 1 } })
    expect(await effects(runId, ["charge-card"])).toEqual({ "charge-card": 1 })
    expect(await fx.get(`fx:${runId}:at:charging:2`)).toBeNull()
  }, 30_000)

  it("kill -9 inside a step.run: the step runs again on the next attempt, elsewhere (at-least-once)", async () => {
    const runId = await start(nodes[2]!, "test/slow-pay")
    await replace(await nodeAt(runId, "charging:1"))
    expect(await finished(runId)).toMatchObject({ state: "completed", attempt: 2, result: { attempt: 2 } })
    expect(await effects(runId, ["charge-card"])).toEqual({ "charge-card": 2 })
    expect(await runStatuses(runId)).toEqual(["running", "running", "completed"])
  }, 60_000)

  it("kill -9 after the gateway accepted a durable publish and before it was memoized: subscribers get it once", async () => {
    const runId = await start(nodes[0]!, "test/announce")
    const pid = Number(await eventually(() => fx.get(`fx:${runId}:died`), (v) => v !== null))
    await replace(nodes.find((n) => n.pid === pid)!)
    expect(await finished(runId)).toMatchObject({ state: "completed", attempt: 2, result: "announced" })
    const res = await fetch(`${nodes[0]!.url}/v1/channels/${encodeURIComponent(`run:${runId}`)}/history`)
    const { messages } = (await res.json()) as { messages: Array<{ topic: string; data: { message?: string; status?: string } }> }
    expect(messages.map((m) => (m.topic === "$run" ? `$run ${m.data.status}` : m.data.message))).toEqual([
      "$run running",
      "plain 1",
      "durable",
      "$run running",
      "plain 2",
      "$run completed",
    ])
  }, 60_000)

  it("kill -9 of the node that ran a run, during its sleep: another node wakes it and finishes it", async () => {
    const runId = await start(nodes[1]!, "test/sleep", { ms: 4_000 })
    const victim = await nodeAt(runId, "sleeping")
    const wakeAt = Date.parse((await parked(runId))!.waiting!.until)
    await victim.kill("SIGKILL")
    // Killed while the run slept (not while a node was finishing it), and no process holds a timer for it.
    expect(Date.now()).toBeLessThan(wakeAt)
    await replace(victim)
    expect(await finished(runId)).toMatchObject({ state: "completed", attempt: 1, result: "rested" })
    expect(await effects(runId, ["before", "after"])).toEqual({ before: 1, after: 1 })
    expect(await runStatuses(runId)).toEqual(["running", "waiting", "running", "completed"])
  }, 60_000)

  it("cancel from another node interrupts a sleep, a wait and a running step within a second", async () => {
    const sleeping = await start(nodes[0]!, "test/sleep", { ms: 60_000 })
    const waiting = await start(nodes[0]!, "test/wait", { key: "never", timeout: "1h" })
    const holding = await start(nodes[0]!, "test/hold")
    await Promise.all([parked(sleeping), parked(waiting), nodeAt(holding, "holding")])
    const took: Record<string, number> = {}
    for (const [runId, point] of [[sleeping, "sleeping"], [waiting, "asking"], [holding, "holding"]] as const) {
      const ranOn = await nodeAt(runId, point)
      const other = nodes.find((n) => n !== ranOn)!
      const t0 = Date.now()
      expect((await post(other, "/test/cancel", { runId })).status).toBe(204)
      expect(await finished(runId, 5_000)).toMatchObject({ state: "cancelled" })
      took[runId] = Date.now() - t0
    }
    expect(await runStatuses(sleeping)).toEqual(["running", "waiting", "cancelled"])
    expect(await runStatuses(holding)).toEqual(["running", "cancelled"])
    for (const ms of Object.values(took)) expect(ms).toBeLessThan(1_000)
  }, 60_000)

  it("SIGTERM of a node with a run still executing: it exits after closeWaitMs and another node takes the run over", async () => {
    const runId = await start(nodes[1]!, "test/hold")
    const node = await nodeAt(runId, "holding:1")
    expect(await node.kill("SIGTERM")).toBe(0)
    nodes[nodes.indexOf(node)] = await startNode()
    const other = await nodeAt(runId, "holding:2")
    expect(other.pid).not.toBe(node.pid)
    expect((await post(other, "/test/cancel", { runId })).status).toBe(204)
    expect(await finished(runId)).toMatchObject({ state: "cancelled", attempt: 2 })
  }, 30_000)

  it("a run waiting for an event survives a restart of every node and completes when the event is sent", async () => {
    const runId = await start(nodes[2]!, "test/wait", { key: "k-restart", timeout: "1h" })
    await parked(runId)
    await Promise.all(nodes.map((n) => n.kill("SIGKILL")))
    nodes = await Promise.all([startNode(), startNode(), startNode()])
    expect(await readRun(runId)).toMatchObject({ state: "waiting", waiting: { kind: "event", event: "test/answer" } })
    // Another key's answer does not end it; its own does, sent through any node.
    expect(await post(nodes[0]!, "/v1/events", { name: "test/answer", data: { key: "other", ok: false } })).toMatchObject({ status: 202 })
    expect(await post(nodes[1]!, "/v1/events", { name: "test/answer", data: { key: "k-restart", ok: true } })).toMatchObject({ status: 202 })
    expect(await finished(runId)).toMatchObject({ state: "completed", attempt: 1, result: { answer: { key: "k-restart", ok: true } } })
    expect(await effects(runId, ["asked", "answered"])).toEqual({ asked: 1, answered: 1 })
    expect(await runStatuses(runId)).toEqual(["running", "waiting", "running", "completed"])
  }, 90_000)

  it("a predicate wait woken by an event it does not want parks again, and takes the next one that fits", async () => {
    const runId = await start(nodes[0]!, "test/picky")
    await parked(runId)
    await post(nodes[1]!, "/v1/events", { name: "test/number", data: { runId, n: 3 } })
    // Woken once for the small number, it checks it, drops it and parks again: no execution loop.
    await eventually(() => effects(runId, ["executions"]), (e) => e.executions === 2)
    await parked(runId)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await effects(runId, ["executions"])).toEqual({ executions: 2 })
    await post(nodes[2]!, "/v1/events", { name: "test/number", data: { runId, n: 42 } })
    expect(await finished(runId)).toMatchObject({ state: "completed", result: 42 })
    expect(await effects(runId, ["executions"])).toEqual({ executions: 3 })
  }, 30_000)

  it("a wait times out to null", async () => {
    const runId = await start(nodes[0]!, "test/wait", { key: "nobody", timeout: "300ms" })
    expect(await finished(runId)).toMatchObject({ state: "completed", result: { answer: null } })
  }, 30_000)

  it("Redis drops every client connection mid-run, three times: the store calls are retried and the run ends, each step once", async () => {
    const runId = await start(nodes[1]!, "test/chain")
    for (let i = 0; i < 3; i++) {
      await eventually(() => fx.get(`fx:${runId}:link-${4 + i * 5}`), (v) => v !== null)
      await fx.client("KILL", "TYPE", "normal", "SKIPME", "yes")
    }
    expect(await finished(runId, 30_000)).toMatchObject({ state: "completed", result: "chained" })
    const names = Array.from({ length: 20 }, (_, i) => `link-${i}`)
    expect(await effects(runId, names)).toEqual(Object.fromEntries(names.map((n) => [n, 1])))
  }, 60_000)

  it("an in-process Conduit on a Redis gateway keeps its runs in Redis and runs them on BullMQ", async () => {
    const gw = await startGateway({ redisUrl: redis.url })
    try {
      const worker = new Conduit({ gateway: gw.gateway })
      worker.createFunction({ id: "quick", triggers: [{ event: "app/quick" }] }, async () => ({ ok: true }))
      const { ids: [runId] } = await worker.send({ name: "app/quick", data: {} })
      await worker.functions.waitForRun(runId!)
      expect(await readRun(runId!)).toMatchObject({ state: "completed", result: { ok: true } })
      expect(await fx.exists(`conduit:bull:quick:${runId}`)).toBe(1)
    } finally {
      await gw.close()
    }
  }, 30_000)
})
