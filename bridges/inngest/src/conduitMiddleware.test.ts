import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { subscribe } from "@conduit/client"
import { Conduit } from "@conduit/gateway"
import { InngestTestEngine, mockCtx } from "@inngest/test"
import { afterEach, describe, expect, it } from "vitest"
import { type RunningGateway, startGateway } from "../../../gateway/src/testing/startGateway.ts"
import { bridgeApp, contentPipeline } from "./testing/bridgeApp.ts"

// Real Inngest functions (inngest 4.x, executed by @inngest/test) publishing
// through conduitMiddleware to a real gateway on loopback.

const KEY = "b".repeat(32)
const RUN_SCRIPT = fileURLToPath(new URL("./testing/bridgeRun.ts", import.meta.url))
let gw: RunningGateway | undefined
afterEach(async () => {
  await gw?.close()
  gw = undefined
})

/** The channel's retained messages as `topic message` (`$run status`), in order. */
async function history(channel: string): Promise<string[]> {
  const { body } = await gw!.get(`/v1/channels/${channel}/history`, { Authorization: `Bearer ${KEY}` })
  return (body.messages as Array<{ topic: string; data: { message?: string; token?: string; status?: string } }>).map(
    (m) => `${m.topic} ${m.data.message ?? m.data.token ?? m.data.status}`,
  )
}

/** @inngest/test makes a run id per request; Inngest keeps one per run. This keeps one, as Inngest does. */
const oneRunId = (runId: string) => ({ transformCtx: (ctx: Parameters<typeof mockCtx>[0]) => ({ ...mockCtx(ctx), runId }) })

/** Runs bridgeRun.ts in a process of its own; resolves with its exit code (null when killed) and output. */
function runProcess(env: Record<string, string>): Promise<{ code: number | null; signal: string | null; out: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", RUN_SCRIPT], {
    env: { ...process.env, CONDUIT_URL: gw!.url, CONDUIT_SIGNING_KEY: KEY, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  })
  let out = ""
  child.stdout.on("data", (chunk: Buffer) => (out += chunk))
  child.stderr.on("data", (chunk: Buffer) => (out += chunk))
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, out })))
}

describe("conduitMiddleware", () => {
  it("sends an Inngest function's publish and step.realtime.publish to the gateway, with the run id", async () => {
    gw = await startGateway({ signingKey: KEY })
    const { generatePost } = bridgeApp(new Conduit({ url: gw.url, signingKey: KEY }))
    const t = new InngestTestEngine({ function: generatePost, events: [{ name: "app/generate-post", data: { runId: "r1" } }], ...oneRunId("inngest-run-1") })
    const { result, ctx } = await t.execute()
    expect(result).toEqual({ research: "notes" })
    const seen = await history("pipeline:r1")
    // Inngest runs the handler again after each new step (three requests here): plain
    // publishes re-fire on each, the durable one ran once and was memoized after.
    const plain = ["status Researching topic...", "tokens Hello"]
    expect(seen).toEqual(["$run running", ...plain, ...plain, "status Done", ...plain, "$run completed"])
    // It was a step of Inngest's (memoized by Inngest), under the id the function gave it.
    expect(ctx.step.run).toHaveBeenCalledWith("status-complete", expect.any(Function))
    const { body } = await gw.get("/v1/channels/pipeline:r1/history", { Authorization: `Bearer ${KEY}` })
    expect(body.messages.every((m: { runId?: unknown }) => m.runId === "inngest-run-1")).toBe(true)
    expect(body.messages.at(-1).data).toMatchObject({ status: "completed", result: { research: "notes" }, functionId: "generate-post" })
  })

  it("a Conduit subscriber of an Inngest run sees its runStatus turn completed, with the result, and closes", async () => {
    gw = await startGateway({ signingKey: KEY })
    const { generatePost } = bridgeApp(new Conduit({ url: gw.url, signingKey: KEY }))
    // By name: Inngest's channel instances are not Conduit's (their schemas are checked by the publisher).
    const sub = subscribe({ url: gw.url, channel: contentPipeline({ runId: "seen" }).name, token: KEY })
    const messages: string[] = []
    const iterating = (async () => {
      for await (const m of sub) messages.push(m.topic)
    })()
    await new InngestTestEngine({ function: generatePost, events: [{ name: "app/generate-post", data: { runId: "seen" } }], ...oneRunId("inngest-run-2") }).execute()
    await iterating
    expect(sub.getSnapshot()).toMatchObject({ runStatus: "completed", result: { research: "notes" }, connectionStatus: "closed" })
    expect(messages).toContain("status")
  })

  it("takes the v3 publish({ channel, topic, data })", async () => {
    gw = await startGateway({ signingKey: KEY })
    const { v3Style } = bridgeApp(new Conduit({ url: gw.url, signingKey: KEY }))
    await new InngestTestEngine({ function: v3Style, events: [{ name: "app/v3", data: { userId: "7" } }] }).execute()
    const { body } = await gw.get("/v1/channels/user:7/history", { Authorization: `Bearer ${KEY}` })
    const data = body.messages.filter((m: { kind: string }) => m.kind === "data")
    expect(data.map((m: { topic: string; data: unknown }) => [m.topic, m.data])).toEqual([["ai", { response: "hi", success: true }]])
  })

  it("checks data against the Inngest channel's schema before sending: nothing published, the run ends failed with ERR_VALIDATION", async () => {
    gw = await startGateway({ signingKey: KEY })
    const { invalid } = bridgeApp(new Conduit({ url: gw.url, signingKey: KEY }))
    // maxAttempts 1: what Inngest tells the SDK on a run's last attempt.
    const lastAttempt = { transformCtx: (ctx: Parameters<typeof mockCtx>[0]) => ({ ...mockCtx(ctx), maxAttempts: 1 }) }
    const engine = new InngestTestEngine({ function: invalid, events: [{ name: "app/invalid", data: { runId: "bad" } }], ...lastAttempt })
    const { error } = (await engine.execute()) as { error?: { message?: string } }
    expect(error?.message).toMatch(/schema of topic "status"/)
    expect(await history("pipeline:bad")).toEqual(["$run running", "$run failed"])
    const { body } = await gw.get("/v1/channels/pipeline:bad/history", { Authorization: `Bearer ${KEY}` })
    expect(body.messages.at(-1).data.error).toMatchObject({ code: "ERR_VALIDATION" })
  })

  it("a process killed between the durable publish and Inngest's memo: the retry publishes it again, subscribers get it once", async () => {
    gw = await startGateway({ signingKey: KEY })
    const runId = `01CRASH${process.pid}`
    const killed = await runProcess({ RUN_ID: runId, DIE_AFTER_DURABLE: "1" })
    expect(killed.signal).toBe("SIGKILL")
    expect(await history("pipeline:crash")).toContain("status Done")
    const retried = await runProcess({ RUN_ID: runId })
    expect(retried.code, retried.out).toBe(0)
    expect(retried.out).toContain(`done {"result":{"research":"notes"}}`)
    const seen = await history("pipeline:crash")
    expect(seen.filter((line) => line === "status Done")).toHaveLength(1)
    expect(seen.filter((line) => line.startsWith("$run"))).toEqual(["$run running", "$run completed"])
    // The plain publishes of both processes are all there: only the durable one is deduplicated.
    expect(seen.filter((line) => line === "tokens Hello").length).toBeGreaterThanOrEqual(2)
  })
})
