import { describe, expect, it } from "vitest"
import { createTailFormatter } from "./tailLine.ts"

const at = new Date(2026, 10, 23, 14, 3, 7, 125)
const envelope = (topic: string, data: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: "1795392864899-4", channel: "pipeline:r1", topic, data, createdAt: at.toISOString(), kind: "data", ...extra })

describe("conduit tail lines", () => {
  const plain = createTailFormatter(false)

  it("a message: the time it was accepted, its topic, its data, its id", () => {
    expect(plain.event("status", envelope("status", { message: "Researching" }))).toBe(
      '14:03:07.125  status     {"message":"Researching"}  1795392864899-4\n',
    )
    expect(plain.event("tokens", envelope("tokens", { token: "Hel" }, { runId: "run_1" }))).toBe(
      '14:03:07.125  tokens     run run_1  {"token":"Hel"}  1795392864899-4\n',
    )
  })

  it("control events say what happened", () => {
    expect(plain.event("$gap", '{"lastEventId":"1-0","oldest":"9-0"}', at)).toBe(
      "14:03:07.125  $gap       messages after 1-0 are gone; oldest retained: 9-0\n",
    )
    expect(plain.event("$close", '{"reason":"shutdown"}', at)).toBe("14:03:07.125  $close     shutdown: the gateway ends the stream\n")
    expect(plain.event("$error", '{"code":"ERR_BROKER_UNAVAILABLE","message":"Redis is down"}', at)).toBe(
      "14:03:07.125  $error     ERR_BROKER_UNAVAILABLE: Redis is down\n",
    )
    expect(plain.event("$run", envelope("$run", { status: "completed", result: { words: 250 } }, { runId: "run_1", kind: "run" }))).toBe(
      '14:03:07.125  $run       run run_1  completed {"result":{"words":250}}  1795392864899-4\n',
    )
  })

  it("in colour, $gap is yellow and $close red (bold), the topic cyan", () => {
    const colored = createTailFormatter(true)
    expect(colored.event("$gap", '{"lastEventId":"1-0","oldest":null}', at)).toContain("\u001b[33m\u001b[1m$gap      \u001b[22m\u001b[39m")
    expect(colored.event("$close", '{"reason":"slow_consumer"}', at)).toContain("\u001b[31m\u001b[1m$close    \u001b[22m\u001b[39m")
    expect(colored.event("status", envelope("status", 1))).toContain("\u001b[36mstatus    \u001b[39m")
  })
})
