import { describe, expect, it } from "vitest"
import { assertChannelName } from "./names.ts"

describe("assertChannelName", () => {
  it('a missing channel says it is required, never "channel":"undefined"', () => {
    let thrown: unknown
    try {
      assertChannelName(undefined)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ code: "ERR_INVALID_CHANNEL", message: expect.stringMatching(/^channel is required/) })
    expect(JSON.stringify(thrown)).not.toContain("undefined")
  })

  it("a malformed one is echoed (cut to 300 characters); a non-string is named by its type", () => {
    expect(() => assertChannelName("a b")).toThrow(expect.objectContaining({ details: { channel: "a b" } }))
    expect(() => assertChannelName(["a"])).toThrow(expect.objectContaining({ details: { type: "object" } }))
  })
})
