import { describe, expect, it } from "vitest"
import { z } from "zod"
import { channel } from "./channel.ts"
import { ErrorCode } from "./errorCodes.ts"
import { validateData } from "./validateData.ts"

const pipeline = channel({
  name: "pipeline:{runId}",
  topics: {
    status: { schema: z.object({ message: z.string() }) },
    tokens: { schema: z.object({ token: z.string() }) },
  },
})

describe("channel", () => {
  it("fills a template name and exposes topic refs", () => {
    const ch = pipeline({ runId: "r1" })
    expect(ch.name).toBe("pipeline:r1")
    expect(ch.status).toMatchObject({ channel: "pipeline:r1", topic: "status" })
    expect(ch.topics.tokens.topic).toBe("tokens")
    expect(ch.definition).toBe(pipeline)
  })

  it("matches concrete names against the template", () => {
    expect(pipeline.matches("pipeline:abc_1")).toBe(true)
    expect(pipeline.matches("pipeline:")).toBe(false)
    expect(pipeline.matches("other:abc")).toBe(false)
    expect(pipeline.matches("xpipeline:abc")).toBe(false)
  })

  it("accepts a function name (not matchable by the gateway)", () => {
    const user = channel({ name: ({ id }: { id: number }) => `user:${id}`, topics: {} })
    expect(user({ id: 42 }).name).toBe("user:42")
    expect(user.matches("user:42")).toBe(false)
  })

  it("refuses params that make an invalid channel name", () => {
    expect(() => pipeline({ runId: "a b" })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_CHANNEL }))
    expect(() => pipeline({} as { runId: string })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_CHANNEL }),
    )
  })

  it("refuses reserved and malformed topic names", () => {
    const schema = z.string()
    expect(() => channel({ name: "x", topics: { name: { schema } } })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_TOPIC }),
    )
    expect(() => channel({ name: "x", topics: { $run: { schema } } })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_TOPIC }),
    )
  })

  it("validates data with the topic schema and reports issue paths", async () => {
    const ch = pipeline({ runId: "r1" })
    expect(await validateData(ch.status.schema, { message: "hi" })).toEqual({ ok: true, value: { message: "hi" } })
    const bad = await validateData(ch.status.schema, { message: 3 })
    expect(bad.ok).toBe(false)
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(["message"])
  })
})
