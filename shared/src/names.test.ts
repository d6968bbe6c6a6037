import { describe, expect, it } from "vitest"
import { CHANNEL_NAME_MAX, TOPIC_NAME_MAX } from "./limits.ts"
import { assertChannelName, isValidChannelName, isValidTopicName } from "./names.ts"

describe("name limits", () => {
  it("are the ones limits.ts states: the longest name passes, one character more does not", () => {
    expect(isValidChannelName("c".repeat(CHANNEL_NAME_MAX))).toBe(true)
    expect(isValidChannelName("c".repeat(CHANNEL_NAME_MAX + 1))).toBe(false)
    expect(isValidTopicName("t".repeat(TOPIC_NAME_MAX))).toBe(true)
    expect(isValidTopicName("t".repeat(TOPIC_NAME_MAX + 1))).toBe(false)
  })
})

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
