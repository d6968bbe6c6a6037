import { Writable } from "node:stream"
import { channel } from "@conduit/shared"
import { pino } from "pino"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { z } from "zod"
import { openStream, type TestStream } from "../testing/openStream.ts"
import { type RunningGateway, startGateway } from "../testing/startGateway.ts"
import { EDGE_CASES } from "./edgeCases.ts"
import { FALLBACK_KEY, HOSTILE_CASES, KEY, KNOWN_EVENT, VICTIM } from "./hostileCases.ts"
import { NDJSON_CASES } from "./ndjsonCases.ts"
import { sendRaw } from "./sendRaw.ts"

const orders = channel({ name: "orders:{id}", topics: { status: { schema: z.object({ state: z.string() }) } } })

// The same table against both ways the hot routes are served: the fast path and the Express router.
describe.each([
  ["fast path", true],
  ["Express router", false],
] as const)("on the %s", (_served, fastPath) => {
  let gw: RunningGateway
  let healthy: TestStream
  let probes = 0
  /** Runs recorded by the gateway's runtime (`POST /v1/events`): a refused request records none. */
  let runsCreated = 0
  // Every log line the gateway writes: a client's mistake must never be logged at error level (it would page someone).
  const logged: Array<{ level: number; msg?: string }> = []
  const logSink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) logged.push(JSON.parse(line))
      done()
    },
  })

  async function metric(name: string): Promise<number> {
    const { text } = await gw.get("/metrics")
    return Number(text.split("\n").find((l) => l.startsWith(`${name} `))?.split(" ")[1])
  }

  beforeAll(async () => {
    gw = await startGateway({ signingKey: KEY, signingKeyFallback: FALLBACK_KEY, channels: [orders], logger: pino({ level: "debug" }, logSink) }, 0, fastPath)
    gw.gateway.functions.createFunction({ id: "hostile-listener", triggers: [{ event: KNOWN_EVENT }] }, async () => "ok")
    const { runStore } = gw.gateway
    const createRun = runStore.createRun.bind(runStore)
    runStore.createRun = (record) => {
      runsCreated++
      return createRun(record)
    }
    const { body } = await gw.post("/v1/tokens", { channel: VICTIM, topics: ["status"] }, { Authorization: `Bearer ${KEY}` })
    healthy = await openStream(`${gw.url}/v1/subscribe?channel=${VICTIM}`, { Authorization: `Bearer ${body.token}` })
    expect(healthy.status).toBe(200)
  })
  afterAll(async () => {
    healthy?.close()
    await gw?.close()
  })

  const CASES = [...HOSTILE_CASES, ...EDGE_CASES, ...NDJSON_CASES]

  describe(`hostile input (${CASES.length} cases)`, () => {
    it("has at least 60 cases, and 30 more at the HTTP edge", () => {
      expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(60)
      expect(EDGE_CASES.length).toBeGreaterThanOrEqual(30)
      expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length)
    })

    it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, hostile) => {
      const before = await metric("conduit_messages_published_total")
      const runsBefore = runsCreated
      const logsBefore = logged.length
      const { responses, final } = await sendRaw(gw.port, await hostile.request())
      expect(final?.status).toBe(hostile.status)
      if (hostile.code) {
        expect(final!.headers["content-type"]).toMatch(/^application\/json/)
        expect(JSON.parse(final!.body).error.code).toBe(hostile.code)
      }
      for (const [name, value] of Object.entries(hostile.headers ?? {})) expect(final!.headers[name]).toBe(value)
      const statuses = responses.map((r) => r.status)
      if (Array.isArray(hostile.wire)) expect(statuses).toEqual(hostile.wire)
      else if (hostile.wire) expect(statuses.join(",")).toMatch(hostile.wire)
      const publishes = hostile.publishes === "answered" ? statuses.filter((s) => s === 202).length : (hostile.publishes ?? 0)

      // The healthy subscriber still gets the next message, and only well-formed frames.
      probes++
      await gw.post("/v1/publish", { channel: VICTIM, topic: "status", data: { state: `probe ${probes}` } }, { Authorization: `Bearer ${KEY}` })
      await healthy.waitFor((events) => events.filter((e) => e.event === "status").length === probes)
      expect(healthy.events.every((e) => e.event === "status")).toBe(true)
      expect(healthy.raw).not.toMatch(/pwned|data: x\n/)
      // Nothing changed: only what the case may publish was published (counted after the probe went round, so a
      // request the case left behind had every chance to run), and no stream of it stays open.
      expect(await metric("conduit_messages_published_total")).toBe(before + publishes + 1)
      expect(runsCreated - runsBefore).toBe(hostile.runs ?? 0)
      await expect.poll(() => metric("conduit_connections")).toBe(1)
      expect(logged.slice(logsBefore).filter((l) => l.level >= 50)).toEqual([])
    })
  })
})
